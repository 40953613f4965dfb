// Devices and readings against a real PostgreSQL: the patient registers a device
// and imports a file; values, makers and models are ciphertext at rest; a file
// with a bad line imports nothing; duplicates are skipped; the treating doctor
// reads; everyone else gets an audited 404.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/client";
import { importReadings } from "@/lib/domain/readings/import-readings";
import { deviceFor, devicesOfPatient, readingFor, readingsOfPatient } from "@/lib/domain/readings/queries";
import { registerDevice } from "@/lib/domain/readings/register-device";
import { appErrorOf, asActor } from "../support/actors";
import { type Person, careVisit, denialsOf as denials, person } from "../support/care";
import { runSql } from "../support/database";

const databaseUrl = process.env.DATABASE_URL!;
afterAll(() => disconnectDb());

const bytes = (text: string) => new TextEncoder().encode(text);
const GOOD = [
  "metric,value,unit,measured_at",
  "heart_rate,73,bpm,2026-10-01T07:30:00+02:00",
  "blood_pressure,131/87,mmHg,2026-10-01T07:35:00+02:00",
  "steps,8123,,2026-10-01T21:00:00+02:00",
  "weight,81.6,kg,2026-10-02T07:00:00+02:00",
].join("\n");

describe("devices and readings", () => {
  let patient: Person;
  let doctor: Person;
  let deviceId: string;
  beforeAll(async () => {
    patient = await person("PATIENT");
    doctor = await person("DOCTOR");
    await careVisit(doctor.id, patient.id);
    deviceId = await asActor(patient.actor, () =>
      registerDevice(patient.actor, { kind: "SMARTWATCH", vendor: "Zephyrcorp", model: "Pulsewrist Nine" }),
    );
  });

  it("imports a file: every value encrypted at rest, the import audited with counts only", async () => {
    const result = await asActor(patient.actor, () =>
      importReadings(patient.actor, deviceId, { bytes: bytes(GOOD) }),
    );
    expect(result).toEqual({ ok: true, imported: 4, duplicates: 0 });

    const readings = await asActor(patient.actor, () => readingsOfPatient(patient.actor, patient.id));
    expect(readings.map((reading) => [reading.metric, reading.value])).toEqual([
      ["HEART_RATE", "73"],
      ["BLOOD_PRESSURE", "131/87"],
      ["STEPS", "8123"],
      ["WEIGHT", "81.6"],
    ]);
    const onlyPressure = await asActor(patient.actor, () =>
      readingsOfPatient(patient.actor, patient.id, { metric: "BLOOD_PRESSURE" }),
    );
    expect(onlyPressure).toHaveLength(1);
    const since = await asActor(patient.actor, () =>
      readingsOfPatient(patient.actor, patient.id, { since: new Date("2026-10-02T00:00:00Z") }),
    );
    expect(since.map((reading) => reading.metric)).toEqual(["WEIGHT"]);

    const raw = await runSql<{ value: string }>(
      databaseUrl,
      "SELECT value FROM readings WHERE device_id = $1",
      [deviceId],
    );
    expect(raw).toHaveLength(4);
    for (const { value } of raw) {
      expect(value).toMatch(/^v2:/);
      // Look in the ciphertext, not the key id: a UUID may well contain "73".
      const sealed = Buffer.from(value.split(":").slice(3).join(""), "base64url");
      for (const plain of ["73", "131/87", "8123", "81.6"]) expect(sealed.includes(plain)).toBe(false);
    }
    const [device] = await runSql<{ vendor: string; model: string }>(
      databaseUrl,
      "SELECT vendor, model FROM devices WHERE id = $1",
      [deviceId],
    );
    expect(device!.vendor).not.toContain("Zephyr");
    expect(device!.model).not.toContain("Pulsewrist");

    const audit = await runSql<{ action: string; details: Record<string, unknown> | null }>(
      databaseUrl,
      "SELECT action, details FROM audit_log WHERE resource_id = $1 ORDER BY sequence",
      [deviceId],
    );
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining(["device.registered", "readings.imported"]),
    );
    const imported = audit.find((row) => row.action === "readings.imported");
    expect(imported?.details).toEqual({
      imported: 4,
      duplicates: 0,
      metrics: ["BLOOD_PRESSURE", "HEART_RATE", "STEPS", "WEIGHT"],
    });
    expect(JSON.stringify(audit)).not.toMatch(/Zephyr|Pulsewrist|131\/87/);
  });

  it("skips readings already stored (same device, metric and time) and counts them", async () => {
    const again = `${GOOD}\nheart_rate,75,bpm,2026-10-03T07:30:00+02:00\nheart_rate,75,bpm,2026-10-03T07:30:00+02:00`;
    const result = await asActor(patient.actor, () =>
      importReadings(patient.actor, deviceId, { bytes: bytes(again) }),
    );
    expect(result).toEqual({ ok: true, imported: 1, duplicates: 5 });
    const [{ n }] = (await runSql<{ n: string }>(
      databaseUrl,
      "SELECT count(*) AS n FROM readings WHERE device_id = $1",
      [deviceId],
    )) as [{ n: string }];
    expect(Number(n)).toBe(5);
  });

  it("imports nothing from a file with a bad line, and lists every problem by line", async () => {
    const before = await runSql(databaseUrl, "SELECT 1 FROM readings WHERE device_id = $1", [deviceId]);
    const bad = [
      "metric,value,measured_at",
      "heart_rate,66,2026-10-05T07:30:00Z",
      "heart_rate,400,2026-10-05T08:30:00Z",
      "glucose,abc,2026-10-05T08:30:00Z",
    ].join("\n");
    const result = await asActor(patient.actor, () =>
      importReadings(patient.actor, deviceId, { bytes: bytes(bad) }),
    );
    const problems = (outcome: typeof result) => (outcome.ok ? [] : [outcome.summary, ...outcome.errors]);
    expect(problems(result)[0]).toContain("Nothing was imported");
    expect(problems(result).slice(1)).toEqual([
      "Line 3: heart rate 400 is outside 20–250 bpm.",
      'Line 4: blood glucose "abc" is not a number.',
    ]);
    const after = await runSql(databaseUrl, "SELECT 1 FROM readings WHERE device_id = $1", [deviceId]);
    expect(after).toHaveLength(before.length);
    // Too large, and not text.
    const large = await asActor(patient.actor, () =>
      importReadings(patient.actor, deviceId, { bytes: new Uint8Array(1_000_001).fill(65) }),
    );
    expect(problems(large).join("\n")).toContain("larger than 1 MB");
    const binary = await asActor(patient.actor, () =>
      importReadings(patient.actor, deviceId, { bytes: new Uint8Array([0xff, 0xfe, 0x00, 0x81]) }),
    );
    expect(problems(binary).join("\n")).toContain("not text");
  });

  it("lets the treating doctor read the devices and readings, but not import", async () => {
    const devices = await asActor(doctor.actor, () => devicesOfPatient(doctor.actor, patient.id));
    expect(devices).toEqual([
      expect.objectContaining({ id: deviceId, vendor: "Zephyrcorp", model: "Pulsewrist Nine" }),
    ]);
    const readings = await asActor(doctor.actor, () => readingsOfPatient(doctor.actor, patient.id));
    expect(readings.length).toBe(5);
    expect((await asActor(doctor.actor, () => readingFor(doctor.actor, readings[0]!.id))).value).toBe("73");
    expect((await asActor(doctor.actor, () => deviceFor(doctor.actor, deviceId))).kind).toBe("SMARTWATCH");
    const before = await denials(deviceId);
    expect(
      (
        await appErrorOf(
          asActor(doctor.actor, () => importReadings(doctor.actor, deviceId, { bytes: bytes(GOOD) })),
        )
      ).code,
    ).toBe("NOT_FOUND");
    expect(await denials(deviceId)).toBe(before + 1);
    expect(
      (
        await appErrorOf(
          asActor(doctor.actor, () =>
            registerDevice(doctor.actor, { kind: "SCALE", vendor: "x", model: "y" }),
          ),
        )
      ).code,
    ).toBe("FORBIDDEN");
  });

  it("answers 404, audited, to another patient, a doctor without a visit and an admin", async () => {
    const readingId = (await asActor(patient.actor, () => readingsOfPatient(patient.actor, patient.id)))[0]!
      .id;
    const outsiders = [await person("PATIENT"), await person("DOCTOR"), await person("ADMIN")];
    for (const outsider of outsiders) {
      const role = outsider.actor.role;
      let before = await denials(deviceId);
      expect(
        (await appErrorOf(asActor(outsider.actor, () => deviceFor(outsider.actor, deviceId)))).code,
        role,
      ).toBe("NOT_FOUND");
      expect(await denials(deviceId), role).toBe(before + 1);
      before = await denials(deviceId);
      expect(
        (
          await appErrorOf(
            asActor(outsider.actor, () => importReadings(outsider.actor, deviceId, { bytes: bytes(GOOD) })),
          )
        ).code,
        role,
      ).toBe("NOT_FOUND");
      expect(await denials(deviceId), role).toBe(before + 1);
      before = await denials(readingId);
      expect(
        (await appErrorOf(asActor(outsider.actor, () => readingFor(outsider.actor, readingId)))).code,
        role,
      ).toBe("NOT_FOUND");
      expect(await denials(readingId), role).toBe(before + 1);
      before = await denials(patient.id);
      expect(
        (await appErrorOf(asActor(outsider.actor, () => readingsOfPatient(outsider.actor, patient.id)))).code,
        role,
      ).toBe("NOT_FOUND");
      expect(
        (await appErrorOf(asActor(outsider.actor, () => devicesOfPatient(outsider.actor, patient.id)))).code,
        role,
      ).toBe("NOT_FOUND");
      expect(await denials(patient.id), role).toBe(before + 2);
    }
    const missing = randomUUID();
    expect((await appErrorOf(asActor(patient.actor, () => deviceFor(patient.actor, missing)))).code).toBe(
      "NOT_FOUND",
    );
    expect((await appErrorOf(asActor(patient.actor, () => readingFor(patient.actor, missing)))).code).toBe(
      "NOT_FOUND",
    );
    expect(await denials(missing)).toBe(2);
    // Nothing was imported by anyone else.
    const [{ n }] = (await runSql<{ n: string }>(
      databaseUrl,
      "SELECT count(*) AS n FROM readings WHERE device_id = $1",
      [deviceId],
    )) as [{ n: string }];
    expect(Number(n)).toBe(5);
  });
});
