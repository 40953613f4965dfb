// Health profiles and medications against a real PostgreSQL: the patient edits
// their own (only changed fields written, audited by name, ciphertext at rest),
// the treating doctor reads them and edits nothing, everyone else gets a 404
// that is itself audited.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import type { Role } from "@/lib/db/generated/enums";
import { addMedication } from "@/lib/domain/health-profile/add-medication";
import { healthSummaryOf, medicationFor, ownCurrentMedications } from "@/lib/domain/health-profile/queries";
import { removeMedication } from "@/lib/domain/health-profile/remove-medication";
import { STOP_BEFORE_START, healthProfileSchema } from "@/lib/domain/health-profile/schemas";
import { stopMedication } from "@/lib/domain/health-profile/stop-medication";
import { updateHealthProfile } from "@/lib/domain/health-profile/update-health-profile";
import { updateMedication } from "@/lib/domain/health-profile/update-medication";
import { todayIn } from "@/lib/domain/health-profile/dates";
import { runAsSystem } from "@/lib/request-context";
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import { seedDemoData } from "@/prisma/seed";
import { seedDemoHealthProfile } from "@/prisma/seed-health-profile";
import { appErrorOf, asActor, authenticatedActor } from "../support/actors";
import { type Person, careVisit, denialsOf, person } from "../support/care";
import { runSql } from "../support/database";

const databaseUrl = process.env.DATABASE_URL!;
afterAll(() => disconnectDb());

/** A person whose "today" is in a given zone. */
async function personIn(role: Role, timeZone: string) {
  const someone = await person(role);
  await runSql(databaseUrl, "UPDATE users SET time_zone = $2 WHERE id = $1", [someone.id, timeZone]);
  return someone;
}

const count = async (sql: string, params: unknown[]) =>
  Number((await runSql<{ n: string }>(databaseUrl, sql, params))[0]!.n);
const auditRows = (action: string, resourceId: string) =>
  runSql<{ details: { fields?: string[]; patientId?: string } | null }>(
    databaseUrl,
    "SELECT details FROM audit_log WHERE action = $1 AND resource_id = $2 ORDER BY sequence",
    [action, resourceId],
  );

const PROFILE = {
  fullName: "Noor Haddad",
  dateOfBirth: "1979-11-03",
  phone: "+49 30 5550 7788",
  address: "Lindenstrasse 9, 10969 Berlin",
  medicalHistory: "Appendectomy 1998; asthma since childhood",
  allergies: "Sulfonamides: hives",
  emergencyContact: "Samir Haddad (brother), +49 30 5550 9900",
  country: "DE",
};

describe("health profile", () => {
  let patient: Person;
  let doctor: Person;
  beforeAll(async () => {
    patient = await personIn("PATIENT", "Asia/Kolkata");
    doctor = await person("DOCTOR");
    await careVisit(doctor.id, patient.id);
  });

  it("saves the patient's edits as ciphertext and audits the changed fields' names only", async () => {
    const changed = await asActor(patient.actor, () =>
      updateHealthProfile(patient.actor, patient.id, healthProfileSchema.parse(PROFILE)),
    );
    expect(changed).toEqual(Object.keys(PROFILE));

    const [raw] = await runSql<Record<string, string | null>>(
      databaseUrl,
      `SELECT id, full_name, date_of_birth, phone, address, medical_history, allergies, emergency_contact, country
         FROM patient_profiles WHERE user_id = $1`,
      [patient.id],
    );
    const stored = JSON.stringify(raw);
    for (const value of Object.values(PROFILE).filter((v) => v !== "DE")) {
      expect(stored).not.toContain(value.slice(0, 10));
    }
    for (const column of ["full_name", "date_of_birth", "phone", "address", "medical_history", "allergies"]) {
      expect(raw![column], column).toMatch(/^v2:/);
    }
    expect(raw!.country).toBe("DE");

    const [audit] = await auditRows("health-profile.updated", raw!.id!);
    expect(audit!.details).toEqual({ patientId: patient.id, fields: Object.keys(PROFILE) });

    // A second save changes one field: only it is written and named.
    const again = await asActor(patient.actor, () =>
      updateHealthProfile(
        patient.actor,
        patient.id,
        healthProfileSchema.parse({ ...PROFILE, allergies: "Sulfonamides: hives; latex: rash" }),
      ),
    );
    expect(again).toEqual(["allergies"]);
    const rows = await auditRows("health-profile.updated", raw!.id!);
    expect(rows.map((row) => row.details?.fields)).toEqual([Object.keys(PROFILE), ["allergies"]]);
    const phiUpdates = await runSql<{ details: { fields: string[] } }>(
      databaseUrl,
      "SELECT details FROM audit_log WHERE action = 'phi.update' AND resource_id = $1 ORDER BY sequence DESC LIMIT 1",
      [raw!.id],
    );
    expect(phiUpdates[0]!.details.fields).toEqual(["allergies"]);
    // Saving the same values again writes nothing.
    const unchanged = await asActor(patient.actor, () =>
      updateHealthProfile(
        patient.actor,
        patient.id,
        healthProfileSchema.parse({ ...PROFILE, allergies: "Sulfonamides: hives; latex: rash" }),
      ),
    );
    expect(unchanged).toEqual([]);
    expect(await auditRows("health-profile.updated", raw!.id!)).toHaveLength(2);
    const everything = await runSql(
      databaseUrl,
      "SELECT details FROM audit_log WHERE details::text LIKE '%' || $1 || '%' OR details::text LIKE '%' || $2 || '%'",
      ["Sulfonamides", "Lindenstrasse"],
    );
    expect(everything).toEqual([]);
  });

  it("keeps medications as ciphertext, audits add, update and stop with field names, and refuses a stop before the start", async () => {
    const id = await asActor(patient.actor, () =>
      addMedication(patient.actor, patient.id, {
        name: "Salbutamol inhaler 100 mcg",
        dosage: "2 puffs as needed",
        startedOn: "2019-04-01",
        stoppedOn: null,
      }),
    );
    const [raw] = await runSql<Record<string, string>>(
      databaseUrl,
      "SELECT name, dosage, started_on, stopped_on FROM medications WHERE id = $1",
      [id],
    );
    expect(raw!.name).toMatch(/^v2:/);
    expect(JSON.stringify(raw)).not.toMatch(/Salbutamol|puffs|2019-04-01/);
    expect(raw!.stopped_on).toBeNull();
    expect((await auditRows("medication.added", id))[0]!.details).toEqual({
      patientId: patient.id,
      fields: ["name", "dosage", "startedOn"],
    });

    const changed = await asActor(patient.actor, () =>
      updateMedication(patient.actor, id, { dosage: "2 puffs up to 4 times a day", startedOn: "2019-04-01" }),
    );
    expect(changed).toEqual(["dosage"]);
    expect((await auditRows("medication.updated", id))[0]!.details).toEqual({
      patientId: patient.id,
      fields: ["dosage"],
    });

    const early = await appErrorOf(
      asActor(patient.actor, () => stopMedication(patient.actor, id, "2019-03-31")),
    );
    expect(early.code).toBe("VALIDATION_FAILED");
    expect(early.message).toBe(STOP_BEFORE_START);
    expect(early.details.fields).toEqual([{ field: "stoppedOn", message: STOP_BEFORE_START }]);
    const backwards = await appErrorOf(
      asActor(patient.actor, () =>
        updateMedication(patient.actor, id, { startedOn: "2030-01-01", stoppedOn: "2020-01-01" }),
      ),
    );
    expect(backwards.details.fields?.[0]?.field).toBe("stoppedOn");
    expect(await auditRows("medication.stopped", id)).toHaveLength(0);

    // Stopped without a date: today in the patient's own zone (Kolkata here).
    const stoppedOn = await asActor(patient.actor, () => stopMedication(patient.actor, id));
    expect(stoppedOn).toBe(todayIn("Asia/Kolkata"));
    expect((await auditRows("medication.stopped", id))[0]!.details).toEqual({
      patientId: patient.id,
      fields: ["stoppedOn"],
    });
    const [after] = await runSql<{ stopped_on: string }>(
      databaseUrl,
      "SELECT stopped_on FROM medications WHERE id = $1",
      [id],
    );
    expect(after!.stopped_on).toMatch(/^v2:/);
    expect(after!.stopped_on).not.toContain(stoppedOn);
    const twice = await appErrorOf(asActor(patient.actor, () => stopMedication(patient.actor, id)));
    expect(twice.code).toBe("CONFLICT");

    const summary = await asActor(patient.actor, () => healthSummaryOf(patient.actor, patient.id));
    expect(summary.past.map((m) => m.name)).toContain("Salbutamol inhaler 100 mcg");
    expect(summary.current.map((m) => m.name)).not.toContain("Salbutamol inhaler 100 mcg");
    const audits = await runSql(
      databaseUrl,
      "SELECT details FROM audit_log WHERE resource_id = $1 AND details::text ~ '(Salbutamol|puffs|2019-04-01)'",
      [id],
    );
    expect(audits).toEqual([]);
  });

  it("lets the patient remove an entry added in error, audited", async () => {
    const id = await asActor(patient.actor, () =>
      addMedication(patient.actor, patient.id, { name: "Wrong entry", dosage: "none" }),
    );
    await asActor(patient.actor, () => removeMedication(patient.actor, id));
    expect(await count("SELECT count(*) AS n FROM medications WHERE id = $1", [id])).toBe(0);
    expect(await auditRows("medication.removed", id)).toHaveLength(1);
    expect(
      await count("SELECT count(*) AS n FROM audit_log WHERE action = 'phi.delete' AND resource_id = $1", [
        id,
      ]),
    ).toBe(1);
  });

  it("shows the treating doctor the profile and medications, current and past, sorted", async () => {
    const current = await asActor(patient.actor, () =>
      addMedication(patient.actor, patient.id, {
        name: "Budesonide 200 mcg",
        dosage: "1 puff twice a day",
        startedOn: "2021-09-01",
      }),
    );
    const newer = await asActor(patient.actor, () =>
      addMedication(patient.actor, patient.id, {
        name: "Vitamin D 1000 IU",
        dosage: "daily",
        startedOn: "2025-01-10",
      }),
    );
    const summary = await asActor(doctor.actor, () => healthSummaryOf(doctor.actor, patient.id));
    expect(summary.profile).toMatchObject({
      fullName: "Noor Haddad",
      allergies: "Sulfonamides: hives; latex: rash",
      country: "DE",
    });
    expect(summary.current.map((m) => m.id)).toEqual([newer, current]);
    expect(summary.past[0]).toMatchObject({ name: "Salbutamol inhaler 100 mcg", startedOn: "2019-04-01" });
    // Each medication read is a phi.read by the doctor.
    expect(
      await count(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'phi.read' AND resource_id = $1 AND actor_id = $2",
        [current, doctor.id],
      ),
    ).toBeGreaterThan(0);
    expect(
      (await asActor(patient.actor, () => ownCurrentMedications(patient.actor))).map((m) => m.id),
    ).toEqual([newer, current]);
  });

  it("never lets the treating doctor edit: profile and medications answer 404, audited", async () => {
    const id = await asActor(patient.actor, () =>
      addMedication(patient.actor, patient.id, { name: "Montelukast 10 mg", dosage: "1 tablet at night" }),
    );
    const before = await denialsOf(id);
    for (const attempt of <(() => Promise<unknown>)[]>[
      () => medicationFor(doctor.actor, id),
      () => updateMedication(doctor.actor, id, { dosage: "2 tablets" }),
      () => stopMedication(doctor.actor, id),
      () => removeMedication(doctor.actor, id),
    ]) {
      expect((await appErrorOf(asActor(doctor.actor, attempt))).code).toBe("NOT_FOUND");
    }
    expect(await denialsOf(id)).toBe(before + 4);
    const profileDenials = await denialsOf(patient.id);
    expect(
      (
        await appErrorOf(
          asActor(doctor.actor, () =>
            updateHealthProfile(doctor.actor, patient.id, healthProfileSchema.parse({ fullName: "Changed" })),
          ),
        )
      ).code,
    ).toBe("NOT_FOUND");
    expect(
      (
        await appErrorOf(
          asActor(doctor.actor, () =>
            addMedication(doctor.actor, patient.id, { name: "Placebo", dosage: "1" }),
          ),
        )
      ).code,
    ).toBe("NOT_FOUND");
    expect(await denialsOf(patient.id)).toBe(profileDenials + 2);
    const [stillMine] = await asActor(patient.actor, async () => [await medicationFor(patient.actor, id)]);
    expect(stillMine).toMatchObject({ dosage: "1 tablet at night", stoppedOn: null });
  });

  it("answers 404, audited, to another patient, a doctor without a visit and an admin", async () => {
    const id = await asActor(patient.actor, () =>
      addMedication(patient.actor, patient.id, { name: "Prednisolone 5 mg", dosage: "1 tablet" }),
    );
    const outsiders = [await person("PATIENT"), await person("DOCTOR"), await person("ADMIN")];
    for (const outsider of outsiders) {
      const role = outsider.actor.role;
      const chartBefore = await denialsOf(patient.id);
      expect(
        (await appErrorOf(asActor(outsider.actor, () => healthSummaryOf(outsider.actor, patient.id)))).code,
        role,
      ).toBe("NOT_FOUND");
      expect(await denialsOf(patient.id), role).toBe(chartBefore + 1);

      const before = await denialsOf(id);
      for (const attempt of <(() => Promise<unknown>)[]>[
        () => medicationFor(outsider.actor, id),
        () => updateMedication(outsider.actor, id, { dosage: "10 tablets" }),
        () => stopMedication(outsider.actor, id),
        () => removeMedication(outsider.actor, id),
      ]) {
        expect((await appErrorOf(asActor(outsider.actor, attempt))).code, role).toBe("NOT_FOUND");
      }
      expect(await denialsOf(id), role).toBe(before + 4);
      expect(
        (
          await appErrorOf(
            asActor(outsider.actor, () =>
              addMedication(outsider.actor, patient.id, { name: "Mine", dosage: "1" }),
            ),
          )
        ).code,
      ).toBe("NOT_FOUND");
    }
    // The refusals read no PHI of the patient.
    expect(
      await count(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'phi.read' AND resource_id = $1 AND actor_id = ANY($2::uuid[])",
        [id, outsiders.map((o) => o.id)],
      ),
    ).toBe(0);
    // An id that does not exist looks the same.
    const missing = randomUUID();
    expect((await appErrorOf(asActor(patient.actor, () => medicationFor(patient.actor, missing)))).code).toBe(
      "NOT_FOUND",
    );
    expect(await denialsOf(missing)).toBe(1);
    // The medication is untouched.
    expect((await asActor(patient.actor, () => medicationFor(patient.actor, id))).dosage).toBe("1 tablet");
  });
});

describe("demo health profiles", () => {
  it("gives Maya Patel a country and her current and past medications, idempotently", async () => {
    const db = getDb();
    await seedDemoData(db);
    await runAsSystem("seed", () => seedDemoHealthProfile(db));
    await runAsSystem("seed", () => seedDemoHealthProfile(db));
    const maya = await runAsSystem("test", () =>
      db.user.findFirstOrThrow({ where: { email: DEMO_EMAILS.patients[0] }, select: { id: true } }),
    );
    const actor = authenticatedActor(maya.id, "PATIENT");
    const summary = await asActor(actor, () => healthSummaryOf(actor, maya.id));
    expect(summary.profile?.country).toBe("US");
    expect(summary.current.map((m) => [m.name, m.startedOn])).toEqual([
      ["Levothyroxine 50 mcg", "2015-06-01"],
    ]);
    expect(summary.past.map((m) => [m.name, m.startedOn, m.stoppedOn])).toEqual([
      ["Azithromycin 250 mg", "2025-02-01", "2025-02-05"],
    ]);
    const countries = await runSql<{ country: string }>(
      databaseUrl,
      "SELECT p.country FROM patient_profiles p WHERE p.country IN ('DE', 'IN')",
    );
    expect(countries.map((row) => row.country).sort()).toEqual(expect.arrayContaining(["DE", "IN"]));
  });
});
