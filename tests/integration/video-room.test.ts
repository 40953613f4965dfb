// The video room against a real PostgreSQL: the patient waits until the doctor admits
// them (the visit is then in progress), WebRTC signals pass only between the visit's two
// parties and only while it is in progress, the doctor ends it (completed, signals gone),
// each step audited and announced to the other side; anyone else gets an audited 404.
import { randomUUID } from "node:crypto";
import { createHmac } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { disconnectDb, getDb } from "@/lib/db/client";
import { videoChannelOf, videoUidOf } from "@/lib/domain/video/channel";
import { transitionAppointment } from "@/lib/domain/scheduling/transition-appointment";
import { admitPatient, endVisit, joinRoom, leaveRoom, roomStatus } from "@/lib/domain/video/room";
import { sendSignal, signalsFor } from "@/lib/domain/video/signals";
import { resetEnvCache } from "@/lib/env";
import { runAsSystem } from "@/lib/request-context";
import { appErrorOf, asActor } from "../support/actors";
import { careVisit, denialsOf, person } from "../support/care";
import { runSql } from "../support/database";

afterEach(() => {
  for (const name of [
    "VIDEO_TURN_URLS",
    "VIDEO_TURN_SECRET",
    "VIDEO_STUN_URLS",
    "AGORA_APP_ID",
    "AGORA_APP_CERTIFICATE",
  ]) {
    delete process.env[name];
  }
  resetEnvCache();
});
afterAll(async () => {
  await disconnectDb();
});

const minutes = (date: Date, n: number) => new Date(date.getTime() + n * 60_000);
const sql = <T extends Record<string, unknown>>(text: string, values: unknown[] = []) =>
  runSql<T>(process.env.DATABASE_URL!, text, values);

async function room() {
  const patient = await person("PATIENT");
  const doctor = await person("DOCTOR");
  const { id: visitId } = await careVisit(doctor.id, patient.id, "CONFIRMED");
  const { startsAt } = await runAsSystem("test", () =>
    getDb().appointment.findUniqueOrThrow({ where: { id: visitId }, select: { startsAt: true } }),
  );
  return { patient, doctor, visitId, now: minutes(startsAt, -5) };
}

const auditActions = async (visitId: string) =>
  (
    await sql<{ action: string }>(
      "SELECT action FROM audit_log WHERE resource_id = $1 AND action LIKE 'video.%' ORDER BY sequence",
      [visitId],
    )
  ).map((row) => row.action);

const eventsTo = async (userId: string) =>
  sql<{ name: string; data: Record<string, string> }>(
    "SELECT name, data FROM realtime_events WHERE user_id = $1 AND (name LIKE 'video.%' OR name = 'visit.status') ORDER BY id",
    [userId],
  );

const statusOf = async (visitId: string) =>
  (await sql<{ status: string }>("SELECT status FROM appointments WHERE id = $1", [visitId]))[0]!.status;

const as = <T>(actor: AuthenticatedActor, fn: () => Promise<T>) => asActor(actor, fn);

describe("the video room", () => {
  it("keeps the patient waiting until the doctor admits, relays signals between the two, and ends the visit", async () => {
    const { patient, doctor, visitId, now } = await room();

    // The patient's page holds its event stream (the built-in transport): they are there.
    await sql("INSERT INTO realtime_connections (id, user_id, instance_id) VALUES ($1, $2, 'test')", [
      randomUUID(),
      patient.id,
    ]);
    const patientJoin = await as(patient.actor, () => joinRoom(patient.actor, visitId, now));
    expect(patientJoin).toMatchObject({
      role: "PATIENT",
      state: "waiting",
      transport: { kind: "builtin", iceServers: [], polite: true },
    });
    // The doctor hears that the patient waits (ids only) and sees it in the room's state.
    expect(await eventsTo(doctor.id)).toEqual([{ name: "video.waiting", data: { visitId } }]);
    expect(await as(doctor.actor, () => roomStatus(doctor.actor, visitId))).toEqual({
      state: "waiting",
      patientWaiting: true,
    });
    const doctorJoin = await as(doctor.actor, () => joinRoom(doctor.actor, visitId, now));
    expect(doctorJoin).toMatchObject({ role: "DOCTOR", state: "waiting", patientWaiting: true });
    expect(doctorJoin.transport).toMatchObject({ kind: "builtin", polite: false });

    // A waiting patient cannot reach the doctor's browser, and cannot let themselves in.
    const early = await appErrorOf(
      as(patient.actor, () =>
        sendSignal(patient.actor, visitId, { session: patientJoin.session, kind: "hello" }),
      ),
    );
    expect(early).toMatchObject({ code: "CONFLICT", message: "The doctor has not let you in yet." });
    expect((await appErrorOf(as(patient.actor, () => admitPatient(patient.actor, visitId, now)))).code).toBe(
      "NOT_FOUND",
    );
    expect(await statusOf(visitId)).toBe("CONFIRMED");

    expect(await as(doctor.actor, () => admitPatient(doctor.actor, visitId, now))).toEqual({
      state: "admitted",
      patientWaiting: false,
    });
    expect(await statusOf(visitId)).toBe("IN_PROGRESS");
    expect((await eventsTo(patient.id)).map((event) => event.data)).toEqual([
      { visitId, status: "IN_PROGRESS" },
    ]);
    // Admitting twice changes nothing more.
    await as(doctor.actor, () => admitPatient(doctor.actor, visitId, now));
    expect((await eventsTo(patient.id)).length).toBe(1);

    // Signals go to the other side only, in order, each announced by id.
    const offer = { type: "offer", sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n" };
    const candidate = { candidate: "candidate:1 1 udp 2122194687 192.0.2.2 46718 typ host", sdpMid: "0" };
    const sentHello = await as(patient.actor, () =>
      sendSignal(patient.actor, visitId, { session: patientJoin.session, kind: "hello" }),
    );
    await as(patient.actor, () =>
      sendSignal(patient.actor, visitId, {
        session: patientJoin.session,
        kind: "description",
        payload: offer,
      }),
    );
    await as(patient.actor, () =>
      sendSignal(patient.actor, visitId, {
        session: patientJoin.session,
        kind: "candidate",
        payload: candidate,
      }),
    );
    const forDoctor = await as(doctor.actor, () =>
      signalsFor(doctor.actor, visitId, BigInt(doctorJoin.signalCursor)),
    );
    expect(forDoctor.signals.map(({ kind, payload, session }) => ({ kind, payload, session }))).toEqual([
      { kind: "hello", payload: null, session: patientJoin.session },
      { kind: "description", payload: offer, session: patientJoin.session },
      { kind: "candidate", payload: candidate, session: patientJoin.session },
    ]);
    expect(forDoctor.signals[0]!.id).toBe(sentHello.id);
    expect(
      (await as(doctor.actor, () => signalsFor(doctor.actor, visitId, BigInt(forDoctor.cursor)))).signals,
    ).toEqual([]);
    expect((await as(patient.actor, () => signalsFor(patient.actor, visitId, 0n))).signals).toEqual([]);
    expect(
      (await eventsTo(doctor.id)).filter((event) => event.name === "video.signal").map((e) => e.data),
    ).toEqual(forDoctor.signals.map((signal) => ({ visitId, signalId: signal.id })));
    // A tab speaks only for its own session: not the doctor's, not a made-up one.
    for (const session of [doctorJoin.session, randomUUID()]) {
      const forged = await appErrorOf(
        as(patient.actor, () => sendSignal(patient.actor, visitId, { session, kind: "hello" })),
      );
      expect(forged).toMatchObject({ code: "CONFLICT", message: "This room session has ended. Join again." });
    }

    // Leaving is announced; a reload (a new join) replaces the old session.
    await as(patient.actor, () => leaveRoom(patient.actor, visitId, patientJoin.session));
    expect((await eventsTo(doctor.id)).at(-1)).toEqual({
      name: "video.left",
      data: { visitId, userId: patient.id },
    });
    const stale = await appErrorOf(
      as(patient.actor, () =>
        sendSignal(patient.actor, visitId, { session: patientJoin.session, kind: "hello" }),
      ),
    );
    expect(stale.code).toBe("CONFLICT");
    const again = await as(patient.actor, () => joinRoom(patient.actor, visitId, now));
    expect(again).toMatchObject({ state: "admitted" });
    expect(BigInt(again.signalCursor)).toBeGreaterThanOrEqual(BigInt(forDoctor.cursor));

    // The doctor ends the visit: completed, both told, the relayed signals (network addresses) deleted.
    expect(await as(doctor.actor, () => endVisit(doctor.actor, visitId))).toEqual({
      state: "ended",
      patientWaiting: false,
    });
    expect(await statusOf(visitId)).toBe("COMPLETED");
    expect((await eventsTo(patient.id)).at(-1)).toEqual({
      name: "visit.status",
      data: { visitId, status: "COMPLETED" },
    });
    expect(await sql("SELECT 1 FROM video_signals WHERE appointment_id = $1", [visitId])).toEqual([]);
    expect(
      await sql("SELECT 1 FROM video_joins WHERE appointment_id = $1 AND left_at IS NULL", [visitId]),
    ).toEqual([]);
    const closed = await appErrorOf(as(patient.actor, () => joinRoom(patient.actor, visitId, now)));
    expect(closed).toMatchObject({ code: "CONFLICT", message: "This visit has ended." });

    expect(await auditActions(visitId)).toEqual([
      "video.joined",
      "video.joined",
      "video.admitted",
      "video.left",
      "video.joined",
      "video.ended",
    ]);
    const transitions = await sql<{ action: string }>(
      "SELECT action FROM audit_log WHERE resource_id = $1 AND action LIKE 'appointment.%' ORDER BY sequence",
      [visitId],
    );
    expect(transitions.map((row) => row.action)).toEqual([
      "appointment.in-progress",
      "appointment.completed",
    ]);
  });

  it("answers an audited 404 to another patient, a doctor without the visit, an admin, and an unknown visit", async () => {
    const { patient, doctor, visitId, now } = await room();
    const patientJoin = await as(patient.actor, () => joinRoom(patient.actor, visitId, now));
    await as(doctor.actor, () => admitPatient(doctor.actor, visitId, now));
    for (const stranger of [await person("PATIENT"), await person("DOCTOR"), await person("ADMIN")]) {
      const actor = stranger.actor;
      const attempts: Array<() => Promise<unknown>> = [
        () => joinRoom(actor, visitId, now),
        () => roomStatus(actor, visitId),
        () => admitPatient(actor, visitId, now),
        () => endVisit(actor, visitId),
        () => leaveRoom(actor, visitId, patientJoin.session),
        () => sendSignal(actor, visitId, { session: patientJoin.session, kind: "hello" }),
        () => signalsFor(actor, visitId, 0n),
      ];
      for (const attempt of attempts) {
        const before = await denialsOf(visitId);
        expect((await appErrorOf(as(actor, attempt))).code).toBe("NOT_FOUND");
        expect(await denialsOf(visitId)).toBe(before + 1);
      }
    }
    // The patient cannot end their own visit either.
    expect((await appErrorOf(as(patient.actor, () => endVisit(patient.actor, visitId)))).code).toBe(
      "NOT_FOUND",
    );
    expect((await appErrorOf(as(patient.actor, () => joinRoom(patient.actor, randomUUID(), now)))).code).toBe(
      "NOT_FOUND",
    );
    expect(await statusOf(visitId)).toBe("IN_PROGRESS");
  });

  it("opens only in the visit's window and only for a confirmed visit", async () => {
    const { patient, doctor, visitId, now } = await room();
    expect(
      await appErrorOf(as(patient.actor, () => joinRoom(patient.actor, visitId, minutes(now, -10)))),
    ).toMatchObject({
      code: "CONFLICT",
      message: "The video room opens 10 minutes before the visit starts.",
    });
    expect(
      await appErrorOf(as(doctor.actor, () => admitPatient(doctor.actor, visitId, minutes(now, 70)))),
    ).toMatchObject({
      code: "CONFLICT",
      message: "The video room closed 30 minutes after the visit ended.",
    });
    const ended = await appErrorOf(as(doctor.actor, () => endVisit(doctor.actor, visitId)));
    expect(ended).toMatchObject({ code: "CONFLICT" });
    const cancelled = await careVisit(doctor.id, patient.id, "CANCELLED");
    expect(
      await appErrorOf(as(patient.actor, () => joinRoom(patient.actor, cancelled.id, now))),
    ).toMatchObject({
      code: "CONFLICT",
      message: "This visit is not confirmed or under way, so its video room is closed.",
    });
    expect(await statusOf(visitId)).toBe("CONFIRMED");
  });

  it("counts a patient as waiting only while their page is connected, follows the visit page's start, and stays open while a visit runs late", async () => {
    const { patient, doctor, visitId, now } = await room();
    await as(patient.actor, () => joinRoom(patient.actor, visitId, now));
    // Joined, but no event stream holds the page open (a tab that died without a goodbye).
    expect(await as(doctor.actor, () => roomStatus(doctor.actor, visitId))).toEqual({
      state: "waiting",
      patientWaiting: false,
    });
    await sql("INSERT INTO realtime_connections (id, user_id, instance_id) VALUES ($1, $2, 'test')", [
      randomUUID(),
      patient.id,
    ]);
    expect((await as(doctor.actor, () => roomStatus(doctor.actor, visitId))).patientWaiting).toBe(true);

    // The visit page's "Start the visit" (its transition), not the room: both parties' pages are told all the same.
    await as(doctor.actor, () => transitionAppointment(visitId, "IN_PROGRESS"));
    for (const party of [patient.id, doctor.id]) {
      expect((await eventsTo(party)).filter((event) => event.name === "visit.status")).toEqual([
        { name: "visit.status", data: { visitId, status: "IN_PROGRESS" } },
      ]);
    }
    // An hour past the window, the visit is still under way: its room stays open until the doctor ends it.
    const late = minutes(now, 95);
    const rejoined = await as(patient.actor, () => joinRoom(patient.actor, visitId, late));
    expect(rejoined.state).toBe("admitted");

    // Signals sent at once all arrive, each once, in id order.
    const sent = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        as(patient.actor, () =>
          sendSignal(patient.actor, visitId, {
            session: rejoined.session,
            kind: "candidate",
            payload: { candidate: `candidate:${index} 1 udp 1 192.0.2.2 ${4000 + index} typ host` },
          }),
        ),
      ),
    );
    const received = await as(doctor.actor, () => signalsFor(doctor.actor, visitId, 0n));
    const ids = received.signals.map((signal) => BigInt(signal.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));
    expect(new Set(received.signals.map((signal) => signal.id))).toEqual(new Set(sent.map((one) => one.id)));
  });

  it("gives time-limited TURN credentials (coturn's shared-secret scheme) that name nobody, and Agora tokens when configured", async () => {
    const { patient, visitId, now } = await room();
    process.env.VIDEO_STUN_URLS = "stun:turn.clinic.test:3478";
    process.env.VIDEO_TURN_URLS = "turn:turn.clinic.test:3478?transport=udp, turns:turn.clinic.test:5349";
    process.env.VIDEO_TURN_SECRET = "a-long-shared-turn-secret";
    resetEnvCache();
    const join = await as(patient.actor, () => joinRoom(patient.actor, visitId, now));
    if (join.transport.kind !== "builtin") throw new Error("expected the built-in transport");
    const [stun, turn] = join.transport.iceServers;
    expect(stun).toEqual({ urls: ["stun:turn.clinic.test:3478"] });
    expect(turn!.urls).toEqual(["turn:turn.clinic.test:3478?transport=udp", "turns:turn.clinic.test:5349"]);
    const [expiry, subject] = turn!.username!.split(":");
    expect(Number(expiry)).toBe(Math.floor(now.getTime() / 1000) + 4 * 3600);
    expect(subject).toBe(String(videoUidOf(visitId, patient.id)));
    expect(turn!.credential).toBe(
      createHmac("sha1", "a-long-shared-turn-secret").update(turn!.username!).digest("base64"),
    );

    process.env.AGORA_APP_ID = "0123456789abcdef0123456789abcdef";
    process.env.AGORA_APP_CERTIFICATE = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
    resetEnvCache();
    const viaAgora = await as(patient.actor, () => joinRoom(patient.actor, visitId, now));
    expect(viaAgora.transport).toMatchObject({
      kind: "agora",
      channel: videoChannelOf(visitId),
      uid: videoUidOf(visitId, patient.id),
    });
  });
});
