// Erasure against a real PostgreSQL: the patient asks, an admin carries it out, the data key is
// destroyed (the old ciphertext can be decrypted by nobody), the clinical record is kept under a new
// key and tied only to the pseudonymous account, sign-in fails, the audit chain still verifies; a
// legal hold pauses it; and a backup taken before the erasure, restored afterwards, is erased again
// from the ledger kept outside the database.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealPendingAuditRows } from "@/lib/audit/sealer";
import { appendCheckpoint } from "@/lib/audit/checkpoints";
import { SIGN_IN_FAILED, passwordStep } from "@/lib/auth/sign-in";
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { DataKeyDestroyedError, decryptField } from "@/lib/crypto/field-cipher";
import { createDataKeyStore } from "@/lib/db/data-keys";
import { createBaseClient, createDb, disconnectDb, getDb, plainClient } from "@/lib/db/client";
import {
  applyErasureLedger,
  carryOutErasure,
  requestErasure,
  withdrawErasureRequest,
} from "@/lib/domain/patient-rights/erasure";
import { appendLedgerEntry, readLedger } from "@/lib/domain/patient-rights/erasure-ledger";
import { resetEnvCache } from "@/lib/env";
import { documentStore } from "@/lib/integrations/storage";
import { stopQueue } from "@/lib/jobs/queue";
import { runAsSystem } from "@/lib/request-context";
import { applyMigrations } from "@/scripts/lib/schema-engine";
import { postgresBinary } from "@/scripts/lib/postgres-server";
import { TEST_PASSWORD } from "../support/accounts";
import { appErrorOf, asActor } from "../support/actors";
import { type Person, careVisit, person } from "../support/care";
import { type ScratchDatabase, createScratchDatabase, runSql } from "../support/database";

// A database of its own: the test dumps and restores it whole.
const sharedUrl = process.env.DATABASE_URL!;
let scratch: ScratchDatabase | undefined;
let restored: ScratchDatabase | undefined;
const checkpointDir = mkdtempSync(path.join(tmpdir(), "haven-erasure-checkpoints-"));
const ledgerDir = process.env.ERASURE_LEDGER_DIR!;

async function useDatabase(url: string) {
  await stopQueue();
  await disconnectDb();
  process.env.DATABASE_URL = url;
  resetEnvCache();
}

beforeAll(async () => {
  scratch = await createScratchDatabase(sharedUrl, "erasure");
  await applyMigrations(scratch.url);
  await useDatabase(scratch.url);
}, 120_000);

afterAll(async () => {
  await useDatabase(sharedUrl);
  await scratch?.drop();
  await restored?.drop();
  rmSync(checkpointDir, { recursive: true, force: true });
});

const url = () => process.env.DATABASE_URL!;
const CANARY = `Canary-${randomBytes(6).toString("hex")}`;

interface Record {
  patient: Person;
  doctor: Person;
  admin: Person;
  noteId: string;
  messageId: string;
  ownDocumentKey: string;
  staffDocumentId: string;
}

/** A patient with everything: profile, visit, signed note, prescription, message, medication, device, documents. */
async function patientWithRecord(): Promise<Record> {
  const patient = await person("PATIENT", `${CANARY} Patient`);
  const doctor = await person("DOCTOR");
  const admin = await person("ADMIN");
  const visit = await careVisit(doctor.id, patient.id);
  return runAsSystem("test", async () => {
    const db = getDb();
    await db.patientProfile.update({
      where: { userId: patient.id },
      data: { phone: "+15550001234", address: `${CANARY} Street 1`, allergies: `${CANARY} penicillin` },
    });
    const note = await db.clinicalNote.create({
      data: {
        patientId: patient.id,
        authorId: doctor.id,
        appointmentId: visit.id,
        subjective: `${CANARY} headache for three days`,
        objective: "Alert, no neck stiffness",
        assessment: "Tension headache",
        plan: "Rest, fluids, ibuprofen",
        status: "SIGNED",
        signedAt: new Date(),
      },
      select: { id: true },
    });
    await db.prescription.create({
      data: {
        patientId: patient.id,
        doctorId: doctor.id,
        verificationCode: randomBytes(8).toString("hex"),
        signedAt: new Date(),
        items: {
          create: [
            {
              patientId: patient.id,
              position: 1,
              medicine: "Ibuprofen",
              strength: "400 mg",
              form: "tablet",
              dose: "1",
              route: "oral",
              frequency: "three times a day",
              duration: "5 days",
              quantity: "15",
              instructions: "After food",
            },
          ],
        },
      },
    });
    const thread = await db.messageThread.create({
      data: { patientId: patient.id, doctorId: doctor.id },
      select: { id: true },
    });
    const messageId = randomUUID();
    await db.message.create({
      data: {
        id: messageId,
        threadId: thread.id,
        patientId: patient.id,
        senderId: patient.id,
        body: `${CANARY} still hurts`,
      },
    });
    await db.medication.create({
      data: { patientId: patient.id, name: `${CANARY} aspirin`, dosage: "100 mg" },
    });
    const device = await db.device.create({
      data: { patientId: patient.id, kind: "BLOOD_PRESSURE_MONITOR", vendor: "Omron", model: "M3" },
      select: { id: true },
    });
    await db.reading.create({
      data: {
        patientId: patient.id,
        deviceId: device.id,
        metric: "HEART_RATE",
        value: "72",
        measuredAt: new Date(),
      },
    });
    const ownDocumentKey = `erasure-own-${randomBytes(8).toString("hex")}`;
    await documentStore().put(ownDocumentKey, Buffer.from("ciphertext of the patient's own file"));
    await db.document.create({
      data: {
        patientId: patient.id,
        uploadedById: patient.id,
        fileName: `${CANARY}-scan.pdf`,
        contentType: "application/pdf",
        sizeBytes: 10,
        storageKey: ownDocumentKey,
        fileKey: randomBytes(32).toString("base64"),
        scanStatus: "CLEAN",
      },
    });
    const staffDocument = await db.document.create({
      data: {
        patientId: patient.id,
        uploadedById: doctor.id,
        fileName: "lab-results.pdf",
        contentType: "application/pdf",
        sizeBytes: 10,
        storageKey: `erasure-staff-${randomBytes(8).toString("hex")}`,
        fileKey: randomBytes(32).toString("base64"),
        scanStatus: "CLEAN",
      },
      select: { id: true },
    });
    return {
      patient,
      doctor,
      admin,
      noteId: note.id,
      messageId,
      ownDocumentKey,
      staffDocumentId: staffDocument.id,
    };
  });
}

/** Decrypts a raw envelope with a fresh key store over the current database, as anyone with the keys would. */
async function decryptRaw(envelope: string, table: string, column: string, rowId: string): Promise<string> {
  const store = createDataKeyStore(phiCryptoConfigFromEnv().keyRing);
  const keyId = envelope.split(":")[1]!;
  await store.load(plainClient(), [keyId]);
  return decryptField(
    envelope,
    { table, column, rowId },
    { ring: phiCryptoConfigFromEnv().keyRing, dataKey: (id) => store.cached(id) },
  );
}

async function rawProfile(patientId: string) {
  const rows = await runSql<{ id: string; full_name: string; address: string | null }>(
    url(),
    "SELECT id::text, full_name, address FROM patient_profiles WHERE user_id = $1",
    [patientId],
  );
  return rows[0]!;
}

async function eraseThroughTheQueue(record: Record) {
  const asked = await asActor(record.patient.actor, () =>
    requestErasure(record.patient.actor, { password: TEST_PASSWORD }),
  );
  const outcome = await asActor(record.admin.actor, () =>
    carryOutErasure(record.admin.actor, asked.requestId),
  );
  return { requestId: asked.requestId, outcome };
}

describe("erasure", () => {
  it("refuses a wrong password, and lets the patient withdraw the request", async () => {
    const { patient } = await patientWithRecord();
    const wrong = await appErrorOf(
      asActor(patient.actor, () => requestErasure(patient.actor, { password: "not the password at all" })),
    );
    expect(wrong.code).toBe("VALIDATION_FAILED");
    expect(wrong.details.fields?.[0]?.field).toBe("password");
    const asked = await asActor(patient.actor, () =>
      requestErasure(patient.actor, { password: TEST_PASSWORD }),
    );
    const again = await appErrorOf(
      asActor(patient.actor, () => requestErasure(patient.actor, { password: TEST_PASSWORD })),
    );
    expect(again.code).toBe("CONFLICT");
    await asActor(patient.actor, () => withdrawErasureRequest(patient.actor, asked.requestId));
    const [request] = await runSql<{ status: string }>(
      url(),
      "SELECT status::text FROM data_requests WHERE id = $1",
      [asked.requestId],
    );
    expect(request!.status).toBe("REJECTED");
  });

  it("is paused by a legal hold", async () => {
    const record = await patientWithRecord();
    await runAsSystem("test", () =>
      getDb().legalHold.create({
        data: {
          patientId: record.patient.id,
          reason: "Complaint under investigation",
          placedById: record.admin.id,
        },
      }),
    );
    const asked = await asActor(record.patient.actor, () =>
      requestErasure(record.patient.actor, { password: TEST_PASSWORD }),
    );
    expect(asked.onHold).toBe(true);
    const refused = await appErrorOf(
      asActor(record.admin.actor, () => carryOutErasure(record.admin.actor, asked.requestId)),
    );
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toMatch(/legal hold/);
    const keys = await runSql(url(), "SELECT 1 FROM data_keys WHERE owner_id = $1", [record.patient.id]);
    expect(keys).toHaveLength(1);
  });

  it("is carried out by admins only", async () => {
    const record = await patientWithRecord();
    const asked = await asActor(record.patient.actor, () =>
      requestErasure(record.patient.actor, { password: TEST_PASSWORD }),
    );
    for (const actor of [record.doctor.actor, record.patient.actor]) {
      const refused = await appErrorOf(asActor(actor, () => carryOutErasure(actor, asked.requestId)));
      expect(refused.code).toBe("NOT_FOUND");
    }
  });

  it("waits for the patient's upcoming visits to be cancelled first", async () => {
    const record = await patientWithRecord();
    const visit = await careVisit(record.doctor.id, record.patient.id, "CONFIRMED");
    const asked = await asActor(record.patient.actor, () =>
      requestErasure(record.patient.actor, { password: TEST_PASSWORD }),
    );
    const refused = await appErrorOf(
      asActor(record.admin.actor, () => carryOutErasure(record.admin.actor, asked.requestId)),
    );
    expect(refused.code).toBe("CONFLICT");
    expect(refused.message).toMatch(/1 upcoming visit: cancel it first/);
    await runSql(url(), "UPDATE appointments SET status = 'CANCELLED' WHERE id = $1", [visit.id]);
    await asActor(record.admin.actor, () => carryOutErasure(record.admin.actor, asked.requestId));
    const consents = await runSql<{ withdrawn_at: Date | null }>(
      url(),
      "SELECT withdrawn_at FROM consents WHERE user_id = $1",
      [record.patient.id],
    );
    expect(consents.length).toBeGreaterThan(0);
    expect(consents.every((consent) => consent.withdrawn_at !== null)).toBe(true);
  });

  it("makes another instance that still caches the old key write under the new one", async () => {
    const record = await patientWithRecord();
    // Another app instance: its own pool and key cache, which has just used the patient's key.
    const otherBase = createBaseClient({ url: url(), poolSize: 2, connectTimeoutMs: 5_000 });
    const other = createDb(otherBase, phiCryptoConfigFromEnv());
    try {
      await runAsSystem("test", () =>
        other.medication.create({ data: { patientId: record.patient.id, name: "Cached", dosage: "1" } }),
      );
      await eraseThroughTheQueue(record);
      const messageId = randomUUID();
      const [thread] = await runSql<{ id: string }>(
        url(),
        "SELECT id::text FROM message_threads WHERE patient_id = $1",
        [record.patient.id],
      );
      await runAsSystem("test", () =>
        other.message.create({
          data: {
            id: messageId,
            threadId: thread!.id,
            patientId: record.patient.id,
            senderId: record.doctor.id,
            body: "After",
          },
        }),
      );
      const [message] = await runSql<{ body: string }>(url(), "SELECT body FROM messages WHERE id = $1", [
        messageId,
      ]);
      expect(await decryptRaw(message!.body, "messages", "body", messageId)).toBe("After");
    } finally {
      await otherBase.$disconnect();
    }
  });

  it("never carries out from the ledger an erasure that did not commit, and completes one whose line was lost", async () => {
    const keys = phiCryptoConfigFromEnv().audit;
    const kept = await patientWithRecord();
    await appendLedgerEntry(process.env.ERASURE_LEDGER_DIR!, keys, {
      phase: "intent",
      patientId: kept.patient.id,
      dataKeyId: null,
      requestId: null,
      at: new Date().toISOString(),
    });
    const erased = await patientWithRecord();
    await eraseThroughTheQueue(erased);
    const ledger = await readLedger(process.env.ERASURE_LEDGER_DIR!, keys);
    const done = ledger.entries.find((e) => e.patientId === erased.patient.id && e.phase === "done")!;
    // As if the process died between the commit and the "done" line: only the intent is on file.
    const lostDir = mkdtempSync(path.join(tmpdir(), "haven-ledger-lost-"));
    process.env.ERASURE_LEDGER_DIR = lostDir;
    resetEnvCache();
    try {
      await appendLedgerEntry(lostDir, keys, { ...done, phase: "intent" });
      await appendLedgerEntry(lostDir, keys, {
        phase: "intent",
        patientId: kept.patient.id,
        dataKeyId: null,
        requestId: null,
        at: new Date().toISOString(),
      });
      const applied = await applyErasureLedger();
      expect(applied).toMatchObject({ repaired: 1, abandoned: 1, reapplied: 0, failed: 0 });
      const repaired = await readLedger(lostDir, keys);
      expect(repaired.entries.filter((e) => e.phase === "done").map((e) => e.patientId)).toEqual([
        erased.patient.id,
      ]);
    } finally {
      process.env.ERASURE_LEDGER_DIR = ledgerDir;
      resetEnvCache();
      rmSync(lostDir, { recursive: true, force: true });
    }
    const [user] = await runSql<{ status: string }>(url(), "SELECT status::text FROM users WHERE id = $1", [
      kept.patient.id,
    ]);
    expect(user!.status).toBe("ACTIVE");
  });

  it("destroys the data key, keeps the clinical record under a new one, and the chain still verifies", async () => {
    const record = await patientWithRecord();
    const { patient } = record;
    const before = await rawProfile(patient.id);
    const [oldNote] = await runSql<{ subjective: string }>(
      url(),
      "SELECT subjective FROM clinical_notes WHERE id = $1",
      [record.noteId],
    );
    const [oldKey] = await runSql<{ id: string }>(
      url(),
      "SELECT id::text FROM data_keys WHERE owner_id = $1",
      [patient.id],
    );
    expect(await decryptRaw(before.full_name, "patient_profiles", "full_name", before.id)).toContain(CANARY);

    const { outcome, requestId } = await eraseThroughTheQueue(record);
    expect(outcome.erased).toMatchObject({ medications: 1, devices: 1, readings: 1, documents: 1 });
    expect(outcome.retained).toMatchObject({
      visits: 1,
      notes: 1,
      prescriptionItems: 1,
      messages: 1,
      documents: 1,
    });

    // The wrapped key is gone: the old ciphertext (as any backup holds it) is unreadable.
    expect(await runSql(url(), "SELECT 1 FROM data_keys WHERE id = $1", [oldKey!.id])).toHaveLength(0);
    await expect(
      decryptRaw(before.full_name, "patient_profiles", "full_name", before.id),
    ).rejects.toBeInstanceOf(DataKeyDestroyedError);
    await expect(
      decryptRaw(oldNote!.subjective, "clinical_notes", "subjective", record.noteId),
    ).rejects.toBeInstanceOf(DataKeyDestroyedError);

    // What the patient provided is gone, rows and file.
    for (const table of ["medications", "devices", "readings", "sessions"]) {
      const column = table === "sessions" ? "user_id" : "patient_id";
      expect(await runSql(url(), `SELECT 1 FROM ${table} WHERE ${column} = $1`, [patient.id])).toHaveLength(
        0,
      );
    }
    await expect.poll(() => documentStore().get(record.ownDocumentKey)).toBeNull();
    const after = await rawProfile(patient.id);
    expect(await decryptRaw(after.full_name, "patient_profiles", "full_name", after.id)).toBe(
      "Erased patient",
    );
    expect(after.address).toBeNull();

    // The clinical record is kept, readable by the clinic, under a new key.
    const [newNote] = await runSql<{ subjective: string }>(
      url(),
      "SELECT subjective FROM clinical_notes WHERE id = $1",
      [record.noteId],
    );
    expect(newNote!.subjective).not.toBe(oldNote!.subjective);
    expect(await decryptRaw(newNote!.subjective, "clinical_notes", "subjective", record.noteId)).toContain(
      "headache",
    );
    const [message] = await runSql<{ body: string }>(url(), "SELECT body FROM messages WHERE id = $1", [
      record.messageId,
    ]);
    expect(await decryptRaw(message!.body, "messages", "body", record.messageId)).toContain("still hurts");
    expect(
      await runSql(url(), "SELECT 1 FROM documents WHERE id = $1", [record.staffDocumentId]),
    ).toHaveLength(1);

    // The account cannot sign in; the request is completed with its outcome; the admin's act is audited.
    const [user] = await runSql<{ status: string; password_hash: string | null }>(
      url(),
      "SELECT status::text, password_hash FROM users WHERE id = $1",
      [patient.id],
    );
    expect(user).toEqual({ status: "ERASED", password_hash: null });
    const signIn = await appErrorOf(
      passwordStep(patient.email, TEST_PASSWORD, { addressKey: null, knownDevices: [] }),
    );
    expect(signIn.message).toBe(SIGN_IN_FAILED);
    const [request] = await runSql<{ status: string; outcome: { erased: object } }>(
      url(),
      "SELECT status::text, outcome FROM data_requests WHERE id = $1",
      [requestId],
    );
    expect(request!.status).toBe("COMPLETED");
    const audit = await runSql<{ action: string; actor_id: string | null }>(
      url(),
      "SELECT action, actor_id::text FROM audit_log WHERE subject_id = $1 AND action LIKE 'rights.erasure%'",
      [patient.id],
    );
    expect(audit).toContainEqual({ action: "rights.erasure.carried-out", actor_id: record.admin.id });
    const ledger = await readLedger(process.env.ERASURE_LEDGER_DIR!, phiCryptoConfigFromEnv().audit);
    expect(ledger.entries.map((entry) => entry.patientId)).toContain(patient.id);

    // `npm run audit:verify` still passes.
    const sealed = await sealPendingAuditRows(plainClient(), phiCryptoConfigFromEnv().audit);
    if (sealed.head)
      await appendCheckpoint({ directory: checkpointDir }, phiCryptoConfigFromEnv().audit, sealed.head);
    const cli = spawnSync(
      "npx",
      ["--no-install", "tsx", "--conditions=react-server", "scripts/audit-verify.ts"],
      {
        encoding: "utf8",
        env: { ...process.env, DATABASE_URL: url(), AUDIT_CHECKPOINT_DIR: checkpointDir },
      },
    );
    expect(cli.stderr).toBe("");
    expect(cli.stdout).toMatch(/audit trail OK/);
    expect(cli.status).toBe(0);
  }, 120_000);

  it("erases again a patient whose data comes back with a backup restored after the erasure", async () => {
    const record = await patientWithRecord();
    const { patient } = record;
    const [oldKey] = await runSql<{ id: string }>(
      url(),
      "SELECT id::text FROM data_keys WHERE owner_id = $1",
      [patient.id],
    );
    const backup = path.join(checkpointDir, "before-erasure.dump");
    execFileSync(postgresBinary("pg_dump"), ["--format=custom", `--file=${backup}`, url()]);

    await eraseThroughTheQueue(record);

    // Restore the old backup into an empty database, as a clinic recovering from a disaster would.
    restored = await createScratchDatabase(sharedUrl, "erasure_restore");
    execFileSync(postgresBinary("pg_restore"), ["--no-owner", `--dbname=${restored.url}`, backup]);
    const erasedUrl = url();
    await useDatabase(restored.url);
    try {
      // The backup brought the old key back: the patient's data is readable again...
      expect(await runSql(url(), "SELECT 1 FROM data_keys WHERE id = $1", [oldKey!.id])).toHaveLength(1);
      const revived = await rawProfile(patient.id);
      expect(await decryptRaw(revived.full_name, "patient_profiles", "full_name", revived.id)).toContain(
        CANARY,
      );

      // ...until the ledger is applied (every start and migration does it).
      const applied = await applyErasureLedger();
      expect(applied.reapplied).toBeGreaterThanOrEqual(1);
      expect(await runSql(url(), "SELECT 1 FROM data_keys WHERE id = $1", [oldKey!.id])).toHaveLength(0);
      await expect(
        decryptRaw(revived.full_name, "patient_profiles", "full_name", revived.id),
      ).rejects.toBeInstanceOf(DataKeyDestroyedError);
      const after = await rawProfile(patient.id);
      expect(await decryptRaw(after.full_name, "patient_profiles", "full_name", after.id)).toBe(
        "Erased patient",
      );
      const [user] = await runSql<{ status: string }>(url(), "SELECT status::text FROM users WHERE id = $1", [
        patient.id,
      ]);
      expect(user!.status).toBe("ERASED");
      const [note] = await runSql<{ subjective: string }>(
        url(),
        "SELECT subjective FROM clinical_notes WHERE id = $1",
        [record.noteId],
      );
      expect(await decryptRaw(note!.subjective, "clinical_notes", "subjective", record.noteId)).toContain(
        "headache",
      );
      // Applying it again changes nothing.
      expect((await applyErasureLedger()).reapplied).toBe(0);
    } finally {
      await useDatabase(erasedUrl);
    }
  }, 180_000);
});
