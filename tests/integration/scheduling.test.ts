// Scheduling against a real PostgreSQL: bookings that cannot overlap under
// concurrency, holds that expire by the job queue, one worker per job,
// encrypted reasons, audit rows and 404s for everyone who is not a party.
import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBaseClient, disconnectDb, getDb } from "@/lib/db/client";
import { accountTimeZone, signUpPatient } from "@/lib/domain/accounts/service";
import { addException, saveWeeklyHours } from "@/lib/domain/scheduling/availability";
import { isDeadlock, overlapOf } from "@/lib/domain/scheduling/conflicts";
import { bookAppointment } from "@/lib/domain/scheduling/book-appointment";
import { formatDateTime, formatTime, groupByDay, localDay } from "@/lib/domain/scheduling/format";
import { cancelAppointment, rescheduleAppointment } from "@/lib/domain/scheduling/change-appointment";
import {
  appointmentFor,
  freeSlots,
  freeSlotsAhead,
  patientAppointments,
} from "@/lib/domain/scheduling/queries";
import { AppError } from "@/lib/http/errors";
import { sendJob, stopQueue } from "@/lib/jobs/queue";
import { runJob, startJobWorkers, workQueue } from "@/lib/jobs/workers";
import { runAsSystem } from "@/lib/request-context";
import { appErrorOf, asActor, authenticatedActor } from "../support/actors";
import { createAccount } from "../support/accounts";
import { runSql } from "../support/database";

const databaseUrl = process.env.DATABASE_URL!;
const base = createBaseClient({ url: databaseUrl, poolSize: 2, connectTimeoutMs: 5_000 });
afterAll(async () => {
  await stopQueue();
  await base.$disconnect();
  await disconnectDb();
});

let workers: Promise<unknown> | undefined;
/** This process's job workers, started once for the tests that need them. */
const workersStarted = () => (workers ??= startJobWorkers());

/** A doctor available around the clock (so tests never depend on the time they run). */
async function availableDoctor(options: { visitMinutes?: number; timeZone?: string } = {}) {
  const doctor = await createAccount("DOCTOR");
  await runAsSystem("test", async () => {
    await getDb().user.update({
      where: { id: doctor.id },
      data: { timeZone: options.timeZone ?? "Europe/Berlin" },
      select: { id: true },
    });
    await getDb().doctorProfile.create({
      data: {
        userId: doctor.id,
        displayName: `Dr. Test ${doctor.id.slice(0, 4)}`,
        specialty: "General practice",
        visitMinutes: options.visitMinutes ?? 30,
        // Free visits are confirmed at booking; paid ones wait for their payment (payments tests).
        feeMinor: 0,
        currency: "EUR",
      },
    });
    await getDb().availabilityRule.createMany({
      data: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
        weekday,
        startMinute: 0,
        endMinute: 1440,
        doctorId: doctor.id,
      })),
    });
  });
  return { ...doctor, actor: authenticatedActor(doctor.id, "DOCTOR") };
}

async function patient() {
  const user = await createAccount("PATIENT");
  await runAsSystem("test", () =>
    getDb().patientProfile.create({ data: { userId: user.id, fullName: `Patient ${user.id.slice(0, 4)}` } }),
  );
  return { ...user, actor: authenticatedActor(user.id, "PATIENT") };
}

const slotAfterDays = async (doctorId: string, days: number) =>
  (
    await runAsSystem("test", () => freeSlots(doctorId, { from: new Date(Date.now() + days * 86_400_000) }))
  )[0]!;

describe("booking", () => {
  let doctor: Awaited<ReturnType<typeof availableDoctor>>;
  beforeAll(async () => {
    doctor = await availableDoctor();
  });

  it("lets exactly one of 50 patients racing for one slot have it; the other 49 hear it was just taken", async () => {
    const patients = await Promise.all(Array.from({ length: 50 }, () => patient()));
    const slot = await slotAfterDays(doctor.id, 3);
    const results = await Promise.allSettled(
      patients.map((p) =>
        asActor(p.actor, () =>
          bookAppointment(p.actor, { doctorId: doctor.id, startsAt: slot.start, reason: "Cough" }),
        ),
      ),
    );
    const booked = results.filter((r) => r.status === "fulfilled");
    const refused = results.flatMap((r): unknown[] => (r.status === "rejected" ? [r.reason] : []));
    expect(booked).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const error of refused) {
      expect(AppError.is(error)).toBe(true);
      expect((error as AppError).code).toBe("CONFLICT");
      expect((error as AppError).message).toMatch(/just taken/);
      expect((error as AppError).details.alternatives?.length).toBeGreaterThan(0);
    }
    const rows = await runSql<{ status: string }>(
      databaseUrl,
      "SELECT status FROM appointments WHERE doctor_id = $1 AND starts_at = $2",
      [doctor.id, slot.start],
    );
    expect(rows).toEqual([{ status: "CONFIRMED" }]);
    // Nothing else written: no visit for the 49, and no job left behind by their rolled-back bookings.
    const ids = patients.map((p) => p.id);
    const visits = await runSql<{ n: string }>(
      databaseUrl,
      "SELECT count(*) AS n FROM appointments WHERE patient_id = ANY($1::uuid[])",
      [ids],
    );
    expect(Number(visits[0]!.n)).toBe(1);
    const orphanJobs = await runSql<{ n: string }>(
      databaseUrl,
      `SELECT count(*) AS n FROM pgboss.job
        WHERE name LIKE 'appointment.%' AND NOT EXISTS (
          SELECT 1 FROM appointments a WHERE a.id::text = pgboss.job.data->>'appointmentId')`,
    );
    expect(Number(orphanJobs[0]!.n)).toBe(0);
  });

  it("lets PostgreSQL refuse every overlap among 20 concurrent bookings of different lengths", async () => {
    const other = await availableDoctor();
    const patients = await Promise.all(Array.from({ length: 20 }, () => patient()));
    const start = Date.now() + 5 * 86_400_000;
    const attempts = await Promise.allSettled(
      patients.map((p, i) =>
        asActor(p.actor, () =>
          getDb().appointment.create({
            data: {
              doctorId: other.id,
              patientId: p.id,
              startsAt: new Date(start + (i % 5) * 10 * 60_000),
              endsAt: new Date(start + (i % 5) * 10 * 60_000 + (15 + (i % 4) * 15) * 60_000),
              status: "CONFIRMED",
              reason: "Overlap test",
              feeMinor: 0,
              currency: "EUR",
            },
            select: { id: true },
          }),
        ),
      ),
    );
    expect(attempts.filter((a) => a.status === "fulfilled").length).toBeGreaterThanOrEqual(1);
    // Every refusal is PostgreSQL's: the constraint, or a deadlock it broke between two overlapping inserts
    // (the booking service tries those again), never a timeout or another failure.
    for (const attempt of attempts) {
      if (attempt.status === "rejected") {
        expect(
          overlapOf(attempt.reason) === "doctor" || isDeadlock(attempt.reason),
          String(attempt.reason),
        ).toBe(true);
      }
    }
    const [{ overlaps }] = (await runSql<{ overlaps: string }>(
      databaseUrl,
      `SELECT count(*) AS overlaps FROM appointments a JOIN appointments b
         ON a.doctor_id = b.doctor_id AND a.id < b.id
        AND tstzrange(a.starts_at, a.ends_at, '[)') && tstzrange(b.starts_at, b.ends_at, '[)')
        WHERE a.doctor_id = $1`,
      [other.id],
    )) as [{ overlaps: string }];
    expect(overlaps).toBe("0");
  });

  it("stores the reason as ciphertext, audits every read and write, and shows a visit only to its parties", async () => {
    const [owner, stranger] = [await patient(), await patient()];
    const slot = await slotAfterDays(doctor.id, 4);
    const reason = `Rash on both arms ${randomUUID()}`;
    const id = await asActor(owner.actor, () =>
      bookAppointment(owner.actor, { doctorId: doctor.id, startsAt: slot.start, reason }),
    );
    const [row] = await runSql<{ reason: string }>(
      databaseUrl,
      "SELECT reason FROM appointments WHERE id = $1",
      [id],
    );
    expect(row!.reason).toMatch(/^v2:/);
    expect(row!.reason).not.toContain("Rash");
    const audit = await base.auditLog.findMany({ where: { resourceId: id }, orderBy: { sequence: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(["phi.create", "appointment.held", "appointment.confirmed"]),
    );

    expect((await asActor(owner.actor, () => appointmentFor(owner.actor, id)))?.reason).toBe(reason);
    expect((await asActor(doctor.actor, () => appointmentFor(doctor.actor, id)))?.reason).toBe(reason);
    const other = await availableDoctor();
    for (const outsider of [stranger.actor, other.actor]) {
      expect(await asActor(outsider, () => appointmentFor(outsider, id))).toBeNull();
      expect(
        (await appErrorOf(asActor(outsider, () => cancelAppointment(outsider, id, "Not mine")))).code,
      ).toBe("NOT_FOUND");
    }
    const denied = await base.auditLog.findMany({ where: { resourceId: id, action: "authz.denied" } });
    expect(denied.length).toBeGreaterThanOrEqual(4);
    const reads = await base.auditLog.findMany({ where: { resourceId: id, action: "phi.read" } });
    expect(reads.length).toBeGreaterThanOrEqual(2);
  });

  it("refuses a time the doctor does not offer, and a second visit of the patient at the same time", async () => {
    const someone = await patient();
    const slot = await slotAfterDays(doctor.id, 6);
    const offGrid = await appErrorOf(
      asActor(someone.actor, () =>
        bookAppointment(someone.actor, {
          doctorId: doctor.id,
          startsAt: new Date(slot.start.getTime() + 7 * 60_000),
          reason: "Check-up",
        }),
      ),
    );
    expect(offGrid.code).toBe("CONFLICT");
    await asActor(someone.actor, () =>
      bookAppointment(someone.actor, { doctorId: doctor.id, startsAt: slot.start, reason: "Check-up" }),
    );
    const elsewhere = await availableDoctor();
    const twice = await appErrorOf(
      asActor(someone.actor, () =>
        bookAppointment(someone.actor, {
          doctorId: elsewhere.id,
          startsAt: slot.start,
          reason: "Second opinion",
        }),
      ),
    );
    expect(twice.message).toMatch(/already have a visit at this time/);
  });
});

describe("rescheduling and cancelling", () => {
  it("moves a visit, frees its old slot at once, and lets another patient book a cancelled slot", async () => {
    const doctor = await availableDoctor();
    const [first, second] = [await patient(), await patient()];
    const slot = await slotAfterDays(doctor.id, 3);
    const later = await slotAfterDays(doctor.id, 4);
    const id = await asActor(first.actor, () =>
      bookAppointment(first.actor, { doctorId: doctor.id, startsAt: slot.start, reason: "Follow-up" }),
    );
    await asActor(first.actor, () => rescheduleAppointment(first.actor, id, later.start));
    const moved = await asActor(first.actor, () => appointmentFor(first.actor, id));
    expect(moved?.startsAt.toISOString()).toBe(later.start.toISOString());
    // The old time is free again: someone else takes it.
    await asActor(second.actor, () =>
      bookAppointment(second.actor, { doctorId: doctor.id, startsAt: slot.start, reason: "New problem" }),
    );
    await asActor(first.actor, () => cancelAppointment(first.actor, id, "Feeling better"));
    const cancelled = await asActor(first.actor, () => appointmentFor(first.actor, id));
    expect(cancelled).toMatchObject({ status: "CANCELLED", cancelReason: "Feeling better" });
    const { past } = await asActor(first.actor, () => patientAppointments(first.actor));
    expect(past.map((visit) => visit.id)).toContain(id);
    // And the cancelled time is bookable again.
    await asActor(second.actor, () =>
      bookAppointment(second.actor, {
        doctorId: doctor.id,
        startsAt: later.start,
        reason: "Another question",
      }),
    );
  });

  it("keeps patients from changing a visit inside the cut-off; the doctor still can", async () => {
    const doctor = await availableDoctor();
    const someone = await patient();
    const soon = (await runAsSystem("test", () => freeSlots(doctor.id)))[0]!;
    const id = await asActor(someone.actor, () =>
      bookAppointment(someone.actor, {
        doctorId: doctor.id,
        startsAt: soon.start,
        reason: "Urgent question",
      }),
    );
    const refused = await appErrorOf(
      asActor(someone.actor, () => cancelAppointment(someone.actor, id, "Cannot come")),
    );
    expect(refused.message).toMatch(/up to 24 hours before/);
    await asActor(doctor.actor, () => cancelAppointment(doctor.actor, id, "Called away"));
    expect((await asActor(doctor.actor, () => appointmentFor(doctor.actor, id)))?.status).toBe("CANCELLED");
  });
});

describe("the job queue", () => {
  it("expires a hold at its expiry, not before, freeing the slot", async () => {
    const doctor = await availableDoctor();
    const someone = await patient();
    const slot = await slotAfterDays(doctor.id, 9);
    const holdExpiresAt = new Date(Date.now() + 1_500);
    const { id } = await asActor(someone.actor, () =>
      getDb().appointment.create({
        data: {
          doctorId: doctor.id,
          patientId: someone.id,
          startsAt: slot.start,
          endsAt: slot.end,
          status: "HELD",
          holdExpiresAt,
          reason: "Held only",
          feeMinor: 0,
          currency: "EUR",
        },
        select: { id: true },
      }),
    );
    await workersStarted();
    await runAsSystem("test", () =>
      sendJob("appointment.expire-hold", { appointmentId: id }, { startAfter: holdExpiresAt }),
    );
    let status = "HELD";
    // How soon after the expiry the worker gets to it is the machine's business (its poll is half a
    // second); the rule is that the job, scheduled for the expiry, does not run before it.
    while (status === "HELD" && Date.now() < holdExpiresAt.getTime() + 15_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      [{ status }] = (await runSql<{ status: string }>(
        databaseUrl,
        "SELECT status FROM appointments WHERE id = $1",
        [id],
      )) as [{ status: string }];
    }
    const expiredAt = Date.now();
    expect(status).toBe("EXPIRED");
    expect(expiredAt).toBeGreaterThanOrEqual(holdExpiresAt.getTime());
    const free = await runAsSystem("test", () => freeSlots(doctor.id, { from: slot.start, to: slot.end }));
    expect(free.map((s) => s.start.getTime())).toContain(slot.start.getTime());
  });

  it("tells the other party by email from the queue: the time in their zone and a link, nothing clinical", async () => {
    const doctor = await availableDoctor({ timeZone: "Europe/Berlin" });
    const someone = await patient();
    const slot = await slotAfterDays(doctor.id, 11);
    // The job this booking queued, run as a worker runs it. Waiting for this file's workers instead
    // would wait behind every notice other test files queue into the same database (a worker takes
    // one job per half second); that the workers take and run jobs is tested above and below.
    const deliverQueued = async (appointmentId: string, notice: string) => {
      const jobs = await runSql<{ id: string; data: Record<string, unknown> }>(
        databaseUrl,
        `SELECT id, data FROM pgboss.job
          WHERE name = 'appointment.notify' AND data->>'appointmentId' = $1 AND data->>'notice' = $2`,
        [appointmentId, notice],
      );
      expect(jobs.map((job) => job.data.party)).toEqual(["doctor"]);
      // Ids and words of the product only: the queue holds nothing a patient wrote.
      expect(Object.keys(jobs[0]!.data).sort()).toEqual(["appointmentId", "notice", "party"]);
      await runJob("appointment.notify", jobs[0]!.data, jobs[0]!.id);
    };
    const mailTo = async (to: string, subject: RegExp) => {
      const mails = await runSql<{ subject: string; text: string }>(
        databaseUrl,
        'SELECT subject, text FROM dev_mail WHERE "to" = $1 ORDER BY created_at',
        [to],
      );
      const found = mails.find((mail) => subject.test(mail.subject));
      if (!found) throw new Error(`no mail to ${to} matching ${subject}`);
      return found;
    };
    const id = await asActor(someone.actor, () =>
      bookAppointment(someone.actor, {
        doctorId: doctor.id,
        startsAt: slot.start,
        reason: "Chest pain when climbing stairs",
      }),
    );
    await deliverQueued(id, "booked");
    const booked = await mailTo(doctor.email, /booked with you/);
    expect(booked.text).toContain(formatDateTime(slot.start, "Europe/Berlin"));
    expect(booked.text).toContain(`/doctor/visits/${id}`);
    expect(booked.text).not.toMatch(/chest|stairs|Patient /i);

    await asActor(someone.actor, () => cancelAppointment(someone.actor, id, "Felt better after resting"));
    await deliverQueued(id, "cancelled");
    const cancelled = await mailTo(doctor.email, /was cancelled/);
    expect(cancelled.text).toContain(`/doctor/visits/${id}`);
    expect(cancelled.text).not.toMatch(/rest|better/i);
  });

  it("never gives one job to two workers", async () => {
    const name = `test.once-${randomUUID().slice(0, 8)}`;
    const pools = [
      new pg.Pool({ connectionString: databaseUrl, max: 3 }),
      new pg.Pool({ connectionString: databaseUrl, max: 3 }),
    ];
    const bosses = pools.map(
      (pool) =>
        new PgBoss({
          db: { executeSql: async (text, values) => ({ rows: (await pool.query(text, values)).rows }) },
          supervise: false,
          schedule: false,
        }),
    );
    const seen: { worker: number; job: string }[] = [];
    try {
      for (const boss of bosses) await boss.start();
      await bosses[0]!.createQueue(name);
      for (let i = 0; i < 40; i += 1) await bosses[0]!.send(name, { i });
      await Promise.all(
        bosses.map((boss, worker) =>
          boss.work(name, { pollingIntervalSeconds: 0.5, batchSize: 2 }, async (jobs) => {
            for (const job of jobs) seen.push({ worker, job: job.id });
            await new Promise((resolve) => setTimeout(resolve, 20));
          }),
        ),
      );
      const deadline = Date.now() + 20_000;
      while (seen.length < 40 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      await new Promise((resolve) => setTimeout(resolve, 1_000)); // a duplicate would show up by now
      expect(seen).toHaveLength(40);
      expect(new Set(seen.map((s) => s.job)).size).toBe(40);
    } finally {
      for (const boss of bosses) await boss.stop({ graceful: false, close: false });
      await Promise.all(pools.map((pool) => pool.end()));
    }
  });

  it("drains a burst without waiting out the polling interval between jobs", async () => {
    const name = `test.drain-${randomUUID().slice(0, 8)}`;
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
    const boss = new PgBoss({
      db: { executeSql: async (text, values) => ({ rows: (await pool.query(text, values)).rows }) },
      supervise: false,
      schedule: false,
    });
    const done: number[] = [];
    try {
      await boss.start();
      await boss.createQueue(name);
      for (let i = 0; i < 12; i += 1) await boss.send(name, { i });
      // This worker looks for work once a minute when idle: only going straight on to the next job
      // finishes twelve of them before its second look.
      await workQueue(
        boss,
        name,
        async (data) => {
          done.push((data as { i: number }).i);
          await Promise.resolve();
        },
        60,
      );
      await expect.poll(() => done.length, { timeout: 40_000, interval: 200 }).toBe(12);
      expect([...done].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    } finally {
      await boss.stop({ graceful: false, close: false });
      await pool.end();
    }
  }, 60_000);
});

describe("account time zones", () => {
  const signUpWithZone = async (timeZone: string | undefined) => {
    const email = `zone.${randomUUID().slice(0, 8)}@example.test`;
    await signUpPatient({
      fullName: "Zone Tester",
      email,
      dateOfBirth: "1985-05-05",
      password: "amber-canyon-weather-31",
      timeZone,
    });
    const user = await runAsSystem("test", () =>
      getDb().user.findFirstOrThrow({ where: { email }, select: { id: true, timeZone: true } }),
    );
    return user;
  };

  it("stores the browser's zone by its current name, and UTC when none or a bogus one came", async () => {
    expect((await signUpWithZone("Asia/Calcutta")).timeZone).toBe("Asia/Kolkata");
    expect((await signUpWithZone("America/New_York")).timeZone).toBe("America/New_York");
    expect((await signUpWithZone("")).timeZone).toBe("UTC");
    expect((await signUpWithZone(undefined)).timeZone).toBe("UTC");
    expect((await signUpWithZone("Mars/Olympus_Mons")).timeZone).toBe("UTC");
  });

  it("reads a stored zone the runtime does not know as UTC instead of failing every page", async () => {
    const user = await signUpWithZone("Europe/Berlin");
    await runSql(databaseUrl, "UPDATE users SET time_zone = '' WHERE id = $1", [user.id]);
    const actor = authenticatedActor(user.id, "PATIENT");
    expect(await asActor(actor, () => accountTimeZone(actor))).toBe("UTC");
  });
});

describe("the doctor's preview and the patient's view", () => {
  it("offer the same instants: the doctor's hours in New York, the patient's clock in Kolkata", async () => {
    const doctor = await availableDoctor({ timeZone: "America/New_York" });
    const week = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((day) => [day, "09:00-12:00"]));
    await asActor(doctor.actor, () => saveWeeklyHours(doctor.actor, week));
    const inThreeDays = localDay(new Date(Date.now() + 3 * 86_400_000), "America/New_York");
    const inFourDays = localDay(new Date(Date.now() + 4 * 86_400_000), "America/New_York");
    await asActor(doctor.actor, () => addException(doctor.actor, { kind: "DAY_OFF", date: inThreeDays }));
    await asActor(doctor.actor, () =>
      addException(doctor.actor, { kind: "BLOCKED", date: inFourDays, hours: "10:00-11:00" }),
    );
    const booker = await patient();
    const booked = (await asActor(doctor.actor, () => freeSlotsAhead(doctor.id, { days: 7 }))).at(-1)!;
    await asActor(booker.actor, () =>
      bookAppointment(booker.actor, { doctorId: doctor.id, startsAt: booked.start, reason: "Check-up" }),
    );

    // What the availability page shows the doctor, and what the booking page shows a patient.
    const preview = groupByDay(
      await asActor(doctor.actor, () => freeSlotsAhead(doctor.id, { days: 7 })),
      "America/New_York",
    );
    const patientView = groupByDay(
      await asActor(booker.actor, () => freeSlotsAhead(doctor.id, { days: 7 })),
      "Asia/Kolkata",
    );
    const instants = (days: typeof preview) => days.flatMap((day) => day.slots.map((slot) => slot.value));
    expect(instants(patientView)).toEqual(instants(preview));
    expect(instants(preview)).not.toContain(booked.start.toISOString());

    const hours = new Set(["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]);
    for (const day of preview) {
      expect(day.key).not.toBe(inThreeDays);
      for (const slot of day.slots) expect(hours.has(slot.label), `${day.key} ${slot.label}`).toBe(true);
      if (day.key === inFourDays) {
        expect(day.slots.map((slot) => slot.label)).toEqual(["09:00", "09:30", "11:00", "11:30"]);
      }
    }
    for (const day of patientView) {
      for (const slot of day.slots) expect(slot.label).toBe(formatTime(new Date(slot.value), "Asia/Kolkata"));
    }
    expect(preview.some((day) => day.key === inFourDays)).toBe(true);
  });
});
