import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptFieldWithRing } from "@/lib/crypto/field-cipher";
import { parseKeyRing } from "@/lib/crypto/keyring";
import { rotateEncryptionKeys } from "@/lib/db/key-rotation";
import { PHI_MODELS } from "@/lib/db/phi-fields";
import { runAsSystem } from "@/lib/request-context";
import { asUser, uniqueEmail } from "../support/actors";
import { runSql } from "../support/database";
import { type ScratchLayer, auditKeys, createScratchLayer, newKey } from "../support/scratch-layer";

const PATIENTS = 30;

describe("key rotation with per-person data keys", () => {
  let layer: ScratchLayer;
  const oldKey = `old:${newKey()}`;
  const newRing = `new:${newKey()},${oldKey}`;
  const expected = new Map<string, { email: string; allergies: string; profileId: string }>();
  const reasons = new Map<string, string>();

  beforeAll(async () => {
    layer = await createScratchLayer("rotation");
    const db = layer.clientWith(oldKey);
    for (let i = 0; i < PATIENTS; i += 1) {
      const email = uniqueEmail(`rot${i}`);
      const user = await asUser("ADMIN", () =>
        db.user.create({
          data: {
            email,
            role: "PATIENT",
            patientProfile: { create: { fullName: `P${i}`, allergies: `A${i}` } },
          },
          include: { patientProfile: true },
        }),
      );
      expected.set(user.id, { email, allergies: `A${i}`, profileId: user.patientProfile!.id });
    }
    // Each patient has a visit with one doctor (another data key: the doctor's own email).
    const doctor = await asUser("ADMIN", () =>
      db.user.create({ data: { email: uniqueEmail("rot.doctor"), role: "DOCTOR" }, select: { id: true } }),
    );
    const firstVisit = Date.parse("2031-03-03T09:00:00Z");
    for (const [index, patientId] of [...expected.keys()].entries()) {
      const startsAt = new Date(firstVisit + index * 3_600_000);
      const visit = await asUser("ADMIN", () =>
        db.appointment.create({
          data: {
            doctorId: doctor.id,
            patientId,
            startsAt,
            endsAt: new Date(startsAt.getTime() + 30 * 60_000),
            status: "CONFIRMED",
            reason: `Reason ${index}`,
            feeMinor: 0,
            currency: "EUR",
          },
          select: { id: true },
        }),
      );
      reasons.set(visit.id, `Reason ${index}`);
    }
    // A third of the profiles still hold values in the legacy format (v1, directly under a ring key).
    const ring = parseKeyRing(oldKey);
    for (const [, patient] of [...expected].filter((_, i) => i % 3 === 1)) {
      const legacy = encryptFieldWithRing(
        patient.allergies,
        { table: "patient_profiles", column: "allergies", rowId: patient.profileId },
        ring,
      );
      await runSql(layer.database.url, "UPDATE patient_profiles SET allergies = $1 WHERE id = $2", [
        legacy,
        patient.profileId,
      ]);
    }
  });
  afterAll(() => layer?.close());

  const versionsIn = async (sql: string) =>
    (await runSql<{ value: string }>(layer.database.url, sql)).map((row) => row.value.split(":")[0]);

  it("re-wraps every data key and converts legacy values under concurrent reads and writes, losing nothing", async () => {
    const db = layer.clientWith(newRing);
    let rotating = true;
    let reads = 0;
    const reader = (async () => {
      while (rotating) {
        const users = await asUser("DOCTOR", () =>
          db.user.findMany({ where: { role: "PATIENT" }, include: { patientProfile: true } }),
        );
        for (const user of users) expect(user.email).toBe(expected.get(user.id)!.email);
        reads += 1;
      }
    })();
    const writer = (async () => {
      const ids = [...expected.keys()].filter((_, i) => i % 3 !== 2);
      for (const id of ids) {
        const allergies = `changed during rotation ${id.slice(0, 4)}`;
        await asUser("DOCTOR", () =>
          db.patientProfile.update({ where: { userId: id }, data: { allergies }, select: { id: true } }),
        );
        expected.get(id)!.allergies = allergies;
      }
    })();

    const report = await runAsSystem("test", () =>
      rotateEncryptionKeys(layer.base, parseKeyRing(newRing), auditKeys, { batchSize: 7 }),
    );
    await writer;
    rotating = false;
    await reader;

    expect(reads).toBeGreaterThan(0);
    expect(report.dataKeys).toEqual({ scanned: PATIENTS + 1, rewrapped: PATIENTS + 1 });
    const profiles = report.models.find((r) => r.model === "PatientProfile")!;
    expect(profiles.scanned).toBe(PATIENTS);
    // Legacy values were converted, unless a concurrent write replaced them first.
    expect(profiles.rotated + profiles.alreadyCurrent).toBe(PATIENTS);

    const wrappedWith = await runSql<{ ring_key_id: string }>(
      layer.database.url,
      "SELECT DISTINCT ring_key_id FROM data_keys",
    );
    expect(wrappedWith).toEqual([{ ring_key_id: "new" }]);
    const versions = [
      ...(await versionsIn("SELECT email AS value FROM users")),
      ...(await versionsIn("SELECT allergies AS value FROM patient_profiles")),
    ];
    expect(new Set(versions)).toEqual(new Set(["v2"]));

    // The old key can go: everything decrypts with the new key alone, with every write kept.
    const newOnly = layer.clientWith(newRing.split(",")[0]!);
    const after = await asUser("ADMIN", () =>
      newOnly.user.findMany({ where: { role: "PATIENT" }, include: { patientProfile: true } }),
    );
    expect(after).toHaveLength(PATIENTS);
    for (const user of after) {
      expect(user.email).toBe(expected.get(user.id)!.email);
      expect(user.patientProfile?.allergies).toBe(expected.get(user.id)!.allergies);
    }

    const visits = await asUser("ADMIN", () =>
      newOnly.appointment.findMany({ select: { id: true, reason: true } }),
    );
    expect(new Map(visits.map((visit) => [visit.id, visit.reason]))).toEqual(reasons);

    const audit = await layer.base.auditLog.findMany({ where: { action: "keys.rotate" } });
    // One row per PHI model (PHI_MODELS, whatever it holds by now) and one for the data keys.
    expect(audit.map((row) => row.resourceType).sort()).toEqual(
      ["DataKey", ...Object.keys(PHI_MODELS)].sort(),
    );
  });

  it("is resumable: a second run finds nothing left to re-wrap or convert", async () => {
    const report = await runAsSystem("test", () =>
      rotateEncryptionKeys(layer.base, parseKeyRing(newRing), auditKeys),
    );
    expect(report.dataKeys).toEqual({ scanned: 0, rewrapped: 0 });
    const rows: Record<string, number> = {
      User: PATIENTS + 1,
      PatientProfile: PATIENTS,
      Appointment: PATIENTS,
    };
    for (const model of report.models) {
      const scanned = rows[model.model] ?? 0;
      expect(model).toMatchObject({ scanned, rotated: 0, alreadyCurrent: scanned });
    }
  });
});
