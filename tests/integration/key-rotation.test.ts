import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseKeyRing } from "@/lib/crypto/keyring";
import { rotateEncryptionKeys } from "@/lib/db/key-rotation";
import { runAsSystem } from "@/lib/request-context";
import { asUser, uniqueEmail } from "../support/actors";
import { runSql } from "../support/database";
import { type ScratchLayer, auditKeys, createScratchLayer, newKey } from "../support/scratch-layer";

const PATIENTS = 30;

describe("key rotation", () => {
  let layer: ScratchLayer;
  const oldKey = `old:${newKey()}`;
  const newRing = `new:${newKey()},${oldKey}`;
  const expected = new Map<string, { email: string; allergies: string }>();

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
        }),
      );
      expected.set(user.id, { email, allergies: `A${i}` });
    }
  });
  afterAll(() => layer?.close());

  const keyIdsIn = async (sql: string) =>
    (await runSql<{ value: string }>(layer.database.url, sql)).map((row) => row.value.split(":")[1]);

  it("re-encrypts everything to the new key under concurrent reads and writes, losing nothing", async () => {
    const db = layer.clientWith(newRing);
    let rotating = true;
    let reads = 0;
    const reader = (async () => {
      while (rotating) {
        const users = await asUser("DOCTOR", () => db.user.findMany({ include: { patientProfile: true } }));
        for (const user of users) expect(user.email).toBe(expected.get(user.id)!.email);
        reads += 1;
      }
    })();
    const writer = (async () => {
      const ids = [...expected.keys()].filter((_, i) => i % 3 === 0);
      for (const id of ids) {
        const allergies = `changed during rotation ${id.slice(0, 4)}`;
        await asUser("DOCTOR", () =>
          db.patientProfile.update({ where: { userId: id }, data: { allergies } }),
        );
        expected.get(id)!.allergies = allergies;
      }
    })();

    const reports = await runAsSystem("test", () =>
      rotateEncryptionKeys(layer.base, parseKeyRing(newRing), auditKeys, { batchSize: 7 }),
    );
    await writer;
    rotating = false;
    await reader;

    expect(reads).toBeGreaterThan(0);
    const users = reports.find((r) => r.model === "User")!;
    expect(users).toMatchObject({ scanned: PATIENTS, rotated: PATIENTS, alreadyCurrent: 0 });
    const profiles = reports.find((r) => r.model === "PatientProfile")!;
    expect(profiles.scanned).toBe(PATIENTS);
    expect(profiles.rotated + profiles.alreadyCurrent).toBe(PATIENTS);

    const stored = [
      ...(await keyIdsIn("SELECT email AS value FROM users")),
      ...(await keyIdsIn("SELECT full_name AS value FROM patient_profiles")),
      ...(await keyIdsIn("SELECT allergies AS value FROM patient_profiles")),
    ];
    expect(stored).toHaveLength(PATIENTS * 3);
    expect(new Set(stored)).toEqual(new Set(["new"]));

    // The old key can go: everything decrypts with the new key alone, with every write kept.
    const newOnly = layer.clientWith(newRing.split(",")[0]!);
    const after = await asUser("ADMIN", () => newOnly.user.findMany({ include: { patientProfile: true } }));
    expect(after).toHaveLength(PATIENTS);
    for (const user of after) {
      expect(user.email).toBe(expected.get(user.id)!.email);
      expect(user.patientProfile?.allergies).toBe(expected.get(user.id)!.allergies);
    }

    const audit = await layer.base.auditLog.findMany({ where: { action: "keys.rotate" } });
    expect(audit.map((row) => row.resourceType).sort()).toEqual(["PatientProfile", "User"]);
  });

  it("is resumable: a second run finds nothing left to rotate", async () => {
    const reports = await runAsSystem("test", () =>
      rotateEncryptionKeys(layer.base, parseKeyRing(newRing), auditKeys),
    );
    for (const report of reports)
      expect(report).toMatchObject({ scanned: PATIENTS, rotated: 0, alreadyCurrent: PATIENTS });
  });
});
