// Erasure (GDPR art. 17) by crypto-shredding. The patient asks (re-entering their password); an
// admin carries it out from the request queue unless a legal hold pauses it. In one transaction:
//   1. what the law requires keeping (the clinical record: visits, notes, amendments, prescriptions,
//      messages, documents staff added; refunds; the records of requests, holds and emergency access)
//      is read, decrypted, under the patient's data key;
//   2. what the patient provided and no law requires keeping (their profile and health profile,
//      medications, devices and readings, documents they uploaded that no message carries) is deleted;
//      their sessions, recovery codes and links end; the account becomes ERASED and can never sign in;
//   3. the data key is destroyed (crypto-shredding: every copy of every value it encrypted, in dead
//      tuples, replicas, WAL and backups, is unreadable from then on);
//   4. the retained record is written back under a NEW data key of the same, now pseudonymous, account
//      id ("retain"), or replaced by a marker ("redact"): ERASURE_CLINICAL_RECORDS.
// The ledger entry (erasure-ledger.ts) is written first, so a restored backup is erased again.
// Audit rows are kept: they hold ids only.
//
// Like key rotation, erasure works on every PHI model by design (driven by PHI_MODELS): it is the
// one place outside the areas that writes their tables, and only through the data layer.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { verifyPassword } from "@/lib/auth/password";
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import {
  afterCommit,
  destroyDataKey,
  getDb,
  recordAuditEvent,
  transaction,
  transactionClient,
} from "@/lib/db/client";
import type { DataRequestStatus } from "@/lib/db/generated/enums";
import type { PHI_MODELS } from "@/lib/db/phi-fields";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { documentStore } from "@/lib/integrations/storage";
import { reportError } from "@/lib/integrations/sentry/server";
import { describeError, logger } from "@/lib/logger";
import { sendMail } from "@/lib/mail/mailer";
import { runAsSystem } from "@/lib/request-context";
import { type LedgerEntry, appendLedgerEntry, readLedger } from "./erasure-ledger";
import { activeLegalHold } from "./legal-hold";
import { FINAL_STATUSES, lockRequest, openRequest, recordStep } from "./requests";

/** What an erasure erased and kept, by category (counts, no PHI): shown to the patient and the admin. */
export interface ErasureOutcome {
  erased: Record<string, number>;
  retained: Record<string, number>;
  clinicalRecords: "retain" | "redact";
}

/** What becomes of each PHI model's values: a new PHI model must say (the type requires it). */
type Fate =
  | "identity" // replaced by a pseudonymous placeholder
  | "patient-provided" // deleted
  | "clinical-record" // kept re-encrypted, or redacted
  | "uploader-decides" // documents: the patient's own are deleted, staff's are clinical record
  | "kept-record"; // refunds, requests, holds, emergency access: kept re-encrypted, never redacted
export const ERASURE_PLAN = {
  User: "identity",
  PatientProfile: "patient-provided",
  Appointment: "clinical-record",
  ClinicalNote: "clinical-record",
  NoteAmendment: "clinical-record",
  PrescriptionItem: "clinical-record",
  Medication: "patient-provided",
  Document: "uploader-decides",
  Device: "patient-provided",
  Reading: "patient-provided",
  Refund: "kept-record",
  Message: "clinical-record",
  BreakGlassGrant: "kept-record",
  DataRequest: "kept-record",
  LegalHold: "kept-record",
  InsuranceSession: "patient-provided",
  InsuranceVerification: "patient-provided",
} as const satisfies Record<keyof typeof PHI_MODELS, Fate>;

export interface ErasureCategory {
  label: string;
  fate: "erased" | "retained";
  why: string;
}

/** What the patient is told before and after: what goes, what stays and why. */
export function erasureCategories(mode = getEnv().ERASURE_CLINICAL_RECORDS): ErasureCategory[] {
  const clinicalWhy =
    mode === "retain"
      ? "Medical-records law requires the clinic to keep the record of care it gave. It is kept encrypted under a new key, tied only to an anonymous account number, and nobody can connect it to your name, email, phone or address any more."
      : "The clinic keeps that a visit, note, prescription or message existed (for its legal record), but their text is replaced by a marker.";
  return [
    {
      label: "Your account: email, password, two-step codes and every session",
      fate: "erased",
      why: "The account is closed for good; nobody can sign in to it.",
    },
    {
      label:
        "Your profile: name, date of birth, phone, address, emergency contact, medical history, allergies",
      fate: "erased",
      why: "You provided these and no law requires keeping them.",
    },
    {
      label: "Medications you listed, your devices and their readings, your insurance checks",
      fate: "erased",
      why: "You provided these and no law requires keeping them.",
    },
    {
      label: "Documents you uploaded (unless sent in a message to your doctor)",
      fate: "erased",
      why: "You provided these and no law requires keeping them.",
    },
    {
      label:
        "Visits, consultation notes, amendments, prescriptions, messages and documents your doctors added",
      fate: "retained",
      why: clinicalWhy,
    },
    {
      label: "Payments and refunds",
      fate: "retained",
      why: "Tax and accounting law requires keeping financial records; they hold no health information.",
    },
    {
      label: "The record of who accessed your data (the audit log), your consents and your requests",
      fate: "retained",
      why: "The clinic must be able to show how your data was handled. These hold account numbers, not your name.",
    },
  ];
}

const ERASED_NAME = "Erased patient";
const REDACTED = "[erased]";
const tombstoneEmail = (patientId: string) => `erased-${patientId}@erased.invalid`;

/** The patient's current data key id (null when they have none), read without decrypting. */
async function dataKeyIdOf(patientId: string): Promise<string | null> {
  const rows = await transactionClient().$queryRaw<{ id: string }[]>`
    SELECT id::text FROM data_keys WHERE owner_id = ${patientId}::uuid`;
  return rows[0]?.id ?? null;
}

type Row = Record<string, unknown> & { id: string };
type Retained = { model: keyof typeof ERASURE_PLAN; rows: Row[]; redact: boolean };

/** The PHI fields of a row (all strings), redacted when asked (nulls stay null). */
function rewrite(row: Row, redact: boolean): Record<string, string | null> {
  const data: Record<string, string | null> = {};
  for (const [field, value] of Object.entries(row)) {
    if (field === "id") continue;
    data[field] = typeof value !== "string" ? null : redact ? REDACTED : value;
  }
  return data;
}

/**
 * Erases one patient inside the caller's transaction (system actor). Returns null when there is
 * nothing to do: the account is already erased and its old key is not back.
 */
async function erasePatientData(
  patientId: string,
  now: Date,
  destroyedKeyId: string | null,
): Promise<ErasureOutcome | null> {
  const tx = transactionClient();
  const mode = getEnv().ERASURE_CLINICAL_RECORDS;
  const users = await tx.$queryRaw<{ role: string; status: string }[]>`
    SELECT role::text AS role, status::text AS status FROM users WHERE id = ${patientId}::uuid FOR UPDATE`;
  const user = users[0];
  if (!user || user.role !== "PATIENT") throw new AppError("NOT_FOUND", "No such patient.");
  // The key row too: a write that picked this key waits for the erasure and then finds the new one
  // (lib/db/data-keys.ts locks the key it encrypts with FOR SHARE), so nothing new lands under the old key.
  const keyRows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id::text FROM data_keys WHERE owner_id = ${patientId}::uuid FOR UPDATE`;
  const currentKey = keyRows[0]?.id ?? null;
  if (user.status === "ERASED" && (destroyedKeyId === null || currentKey !== destroyedKeyId)) return null;
  await tx.$executeRaw`SELECT set_config('haven.lifecycle', 'reencrypt', true)`;
  const db = getDb();
  const redactClinical = mode === "redact";

  // 1. What is kept, read under the old key.
  const where = { patientId };
  const [appointments, notes, amendments, items, messages, documents, refunds, grants, requests, holds] =
    await Promise.all([
      db.appointment.findMany({ where, select: { id: true, reason: true, cancelReason: true } }),
      db.clinicalNote.findMany({
        where,
        select: { id: true, subjective: true, objective: true, assessment: true, plan: true },
      }),
      db.noteAmendment.findMany({ where, select: { id: true, text: true } }),
      db.prescriptionItem.findMany({
        where,
        select: {
          id: true,
          medicine: true,
          strength: true,
          form: true,
          dose: true,
          route: true,
          frequency: true,
          duration: true,
          quantity: true,
          instructions: true,
        },
      }),
      db.message.findMany({ where, select: { id: true, body: true, documentId: true } }),
      db.document.findMany({
        where,
        select: { id: true, fileName: true, fileKey: true, uploadedById: true, storageKey: true },
      }),
      db.refund.findMany({ where, select: { id: true, note: true } }),
      db.breakGlassGrant.findMany({ where, select: { id: true, reason: true, reviewNote: true } }),
      db.dataRequest.findMany({ where, select: { id: true, details: true, resolution: true } }),
      db.legalHold.findMany({ where, select: { id: true, reason: true, releaseNote: true } }),
    ]);
  const attached = new Set(messages.map((message) => message.documentId).filter((id) => id !== null));
  const ownDocuments = documents.filter((doc) => doc.uploadedById === patientId && !attached.has(doc.id));
  const keptDocuments = documents.filter((doc) => !ownDocuments.includes(doc));

  // 2. What the patient provided goes.
  const medications = await db.medication.deleteMany({ where });
  const readings = await db.reading.deleteMany({ where });
  const devices = await db.device.deleteMany({ where });
  const deletedDocuments = ownDocuments.length
    ? await db.document.deleteMany({ where: { id: { in: ownDocuments.map((doc) => doc.id) } } })
    : { count: 0 };
  // Insurance checks (member id, subscriber, plan) and any live verification session's keys.
  const insuranceChecks = await db.insuranceVerification.deleteMany({ where });
  await db.insuranceSession.deleteMany({ where });
  const sessions = await db.session.deleteMany({ where: { userId: patientId } });
  await db.recoveryCode.deleteMany({ where: { userId: patientId } });
  await db.authToken.deleteMany({ where: { userId: patientId } });
  // Nothing more may be done with the pseudonymous account: its consents end (messaging, booking
  // and video are refused without them) and its other open requests close.
  await db.consent.updateMany({
    where: { userId: patientId, withdrawnAt: null },
    data: { withdrawnAt: now },
  });
  const openRequests = await db.dataRequest.findMany({
    where: { patientId, kind: { not: "ERASURE" }, status: { notIn: [...FINAL_STATUSES] } },
    select: { id: true },
  });
  for (const request of openRequests) {
    await recordStep({
      requestId: request.id,
      patientId,
      actorId: null,
      step: "closed: the account was erased",
      toStatus: "REJECTED",
      at: now,
    });
  }

  // 3. Crypto-shredding.
  await destroyDataKey(patientId, "erasure");

  // 4. The kept record, under a new key (or redacted), and the account as a pseudonym.
  const retained: Retained[] = [
    { model: "Appointment", rows: appointments, redact: redactClinical },
    { model: "ClinicalNote", rows: notes, redact: redactClinical },
    { model: "NoteAmendment", rows: amendments, redact: redactClinical },
    { model: "PrescriptionItem", rows: items, redact: redactClinical },
    {
      model: "Message",
      // A retracted message has no text to keep.
      rows: messages.filter((message) => message.body !== null).map(({ id, body }) => ({ id, body })),
      redact: redactClinical,
    },
    { model: "Refund", rows: refunds, redact: false },
    { model: "BreakGlassGrant", rows: grants, redact: false },
    { model: "DataRequest", rows: requests, redact: false },
    { model: "LegalHold", rows: holds, redact: false },
  ];
  for (const { model, rows, redact } of retained) {
    const delegate = (db as unknown as Record<string, { update(args: unknown): Promise<unknown> }>)[
      model.charAt(0).toLowerCase() + model.slice(1)
    ]!;
    for (const row of rows) {
      await delegate.update({ where: { id: row.id }, data: rewrite(row, redact), select: { id: true } });
    }
  }
  for (const doc of keptDocuments) {
    // The file stays encrypted under its own key; only that key (and the name) is re-encrypted.
    await db.document.update({
      where: { id: doc.id },
      data: { fileKey: doc.fileKey, fileName: redactClinical ? "erased-document" : doc.fileName },
      select: { id: true },
    });
  }
  await db.patientProfile.updateMany({
    where: { userId: patientId },
    data: {
      fullName: ERASED_NAME,
      dateOfBirth: null,
      phone: null,
      address: null,
      medicalHistory: null,
      allergies: null,
      emergencyContact: null,
      country: null,
    },
  });
  await db.user.update({
    where: { id: patientId },
    data: {
      email: tombstoneEmail(patientId),
      passwordHash: null,
      mfaSecret: null,
      mfaEnabledAt: null,
      mfaLastTimeStep: null,
      emailVerifiedAt: null,
      status: "ERASED",
      erasedAt: now,
    },
    select: { id: true },
  });

  const storageKeys = ownDocuments.map((doc) => doc.storageKey);
  afterCommit(() => {
    for (const key of storageKeys) {
      documentStore()
        .delete(key)
        .catch((error: unknown) =>
          logger.error("an erased document's file could not be removed", describeError(error)),
        );
    }
  });

  return {
    clinicalRecords: mode,
    erased: {
      profile: 1,
      medications: medications.count,
      devices: devices.count,
      readings: readings.count,
      documents: deletedDocuments.count,
      insuranceChecks: insuranceChecks.count,
      sessions: sessions.count,
    },
    retained: {
      visits: appointments.length,
      notes: notes.length,
      amendments: amendments.length,
      prescriptionItems: items.length,
      messages: messages.length,
      documents: keptDocuments.length,
      refunds: refunds.length,
    },
  };
}

/** The patient's erasure request still open, if any (what the erasure page shows). */
export async function ownOpenErasureRequest(
  actor: AuthenticatedActor,
): Promise<{ id: string; status: DataRequestStatus; receivedAt: Date; dueAt: Date } | null> {
  return getDb().dataRequest.findFirst({
    where: { patientId: actor.userId, kind: "ERASURE", status: { notIn: [...FINAL_STATUSES] } },
    select: { id: true, status: true, receivedAt: true, dueAt: true },
  });
}

/** The patient asks for erasure, confirming with their password. Paused at once under a legal hold. */
export async function requestErasure(
  actor: AuthenticatedActor,
  input: { password: string },
): Promise<{ requestId: string; dueAt: Date; onHold: boolean }> {
  if (actor.role !== "PATIENT") throw new AppError("NOT_FOUND", "Not found.");
  const account = await getDb().user.findUnique({
    where: { id: actor.userId },
    select: { passwordHash: true },
  });
  if (!account?.passwordHash || !(await verifyPassword(account.passwordHash, input.password))) {
    await recordAuditEvent({
      action: "rights.erasure.requested",
      resourceType: "DataRequest",
      outcome: "FAILURE",
      subjectId: actor.userId,
      details: { reason: "wrong-password" },
    });
    throw new AppError("VALIDATION_FAILED", "That password is not right.", {
      fields: [{ field: "password", message: "That password is not right. Enter the one you sign in with." }],
    });
  }
  return transaction(async () => {
    await transactionClient().$queryRaw`SELECT id FROM users WHERE id = ${actor.userId}::uuid FOR UPDATE`;
    const open = await getDb().dataRequest.findFirst({
      where: { patientId: actor.userId, kind: "ERASURE", status: { notIn: [...FINAL_STATUSES] } },
      select: { dueAt: true },
    });
    if (open) {
      throw new AppError(
        "CONFLICT",
        `You have already asked for erasure; the clinic will complete it by ${open.dueAt.toISOString().slice(0, 10)}.`,
      );
    }
    const request = await openRequest({ patientId: actor.userId, kind: "ERASURE", actorId: actor.userId });
    const hold = await activeLegalHold(actor.userId);
    if (hold) {
      await recordStep({
        requestId: request.id,
        patientId: actor.userId,
        actorId: null,
        step: "paused by a legal hold",
        toStatus: "ON_HOLD",
      });
    }
    return { requestId: request.id, dueAt: request.dueAt, onHold: hold !== null };
  });
}

/** The patient changes their mind before the erasure is carried out. */
export async function withdrawErasureRequest(actor: AuthenticatedActor, requestId: string): Promise<void> {
  await transaction(async () => {
    const request = await lockRequest(requestId);
    if (!request || request.patientId !== actor.userId || request.kind !== "ERASURE") {
      throw new AppError("NOT_FOUND", "Not found.");
    }
    if (FINAL_STATUSES.includes(request.status)) {
      throw new AppError("CONFLICT", "This request is already closed.");
    }
    await recordStep({
      requestId,
      patientId: actor.userId,
      actorId: actor.userId,
      step: "withdrawn by the patient",
      toStatus: "REJECTED",
      resolution: "You withdrew this request; nothing was erased.",
    });
  });
}

/** An admin carries out a patient's erasure request (refused while a legal hold is active). */
export async function carryOutErasure(actor: AuthenticatedActor, requestId: string): Promise<ErasureOutcome> {
  if (actor.role !== "ADMIN") throw new AppError("NOT_FOUND", "Not found.");
  const keys = phiCryptoConfigFromEnv().audit;
  const ledgerDir = getEnv().ERASURE_LEDGER_DIR;
  let notice: { to: string } | null = null;
  let intent: LedgerEntry | null = null;
  const outcome = await transaction(async () => {
    const request = await lockRequest(requestId);
    if (!request || request.kind !== "ERASURE") throw new AppError("NOT_FOUND", "No such erasure request.");
    if (FINAL_STATUSES.includes(request.status)) {
      throw new AppError("CONFLICT", "This request is already closed.");
    }
    const patientId = request.patientId;
    // The patient's row before the hold check, as placing a hold does: the two take turns.
    await transactionClient().$queryRaw`SELECT id FROM users WHERE id = ${patientId}::uuid FOR UPDATE`;
    if (await activeLegalHold(patientId)) {
      throw new AppError(
        "CONFLICT",
        "A legal hold is active on this patient: erasure is paused until an admin releases it.",
      );
    }
    const now = new Date();
    const upcoming = await getDb().appointment.count({
      where: { patientId, status: { in: ["HELD", "CONFIRMED", "IN_PROGRESS"] }, endsAt: { gt: now } },
    });
    if (upcoming > 0) {
      throw new AppError(
        "CONFLICT",
        `The patient has ${upcoming} upcoming visit${upcoming === 1 ? "" : "s"}: cancel ${upcoming === 1 ? "it" : "them"} first (refunds follow the clinic's policy), then carry out the erasure.`,
      );
    }
    const account = await runAsSystem("erasure", () =>
      getDb().user.findUnique({ where: { id: patientId }, select: { email: true, status: true } }),
    );
    if (!account) throw new AppError("NOT_FOUND", "No such erasure request.");
    intent = {
      phase: "intent",
      patientId,
      dataKeyId: await dataKeyIdOf(patientId),
      requestId,
      at: now.toISOString(),
    };
    await appendLedgerEntry(ledgerDir, keys, intent);
    const result = await runAsSystem("erasure", () => erasePatientData(patientId, now, intent!.dataKeyId));
    if (!result) throw new AppError("CONFLICT", "This patient's data is already erased.");
    await recordStep({
      requestId,
      patientId,
      actorId: actor.userId,
      step: "erased",
      toStatus: "COMPLETED",
      outcome: { ...result },
    });
    await recordAuditEvent({
      action: "rights.erasure.carried-out",
      resourceType: "User",
      resourceId: patientId,
      subjectId: patientId,
      details: {
        requestId,
        clinicalRecords: result.clinicalRecords,
        erasedItems: total(result.erased),
        retainedItems: total(result.retained),
      },
    });
    if (account.status === "ACTIVE") notice = { to: account.email };
    return result;
  });
  const committed = intent as LedgerEntry | null;
  if (committed) {
    // If this line is lost (a crash now), the next start finds the intent and the erased account and writes it.
    await appendLedgerEntry(ledgerDir, keys, { ...committed, phase: "done" }).catch((error: unknown) =>
      logger.error("the erasure ledger could not be completed; the next start will", errorNameOf(error)),
    );
  }
  const recipient = notice as { to: string } | null;
  if (recipient) {
    // Told after the fact (GDPR art. 12(3)); the address existed only in memory since the commit.
    await sendMail({
      to: recipient.to,
      subject: "Your Haven account has been erased",
      text: completionText(outcome),
    }).catch((error: unknown) =>
      // Only the error's name: a mail server's refusal quotes the address, which was just erased.
      logger.error("the erasure notice could not be sent", errorNameOf(error)),
    );
  }
  return outcome;
}

const errorNameOf = (error: unknown) => ({
  error: error instanceof Error ? error.name : typeof error,
  code:
    (error as { code?: unknown } | null)?.code === undefined
      ? null
      : String((error as { code: unknown }).code),
});

const total = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

function completionText(outcome: ErasureOutcome): string {
  const lines = erasureCategories(outcome.clinicalRecords).map(
    (category) => `- ${category.fate === "erased" ? "Erased" : "Kept"}: ${category.label}. ${category.why}`,
  );
  return [
    "Your request to erase your Haven account has been carried out.",
    "",
    ...lines,
    "",
    "Your account can no longer be used to sign in. This is the last email Haven sends to this address.",
  ].join("\n");
}

export interface LedgerApplication {
  /** Patients erased again because a restored backup had brought their data key back. */
  reapplied: number;
  /** Erasures whose "done" line was missing (a crash after the commit), completed in the ledger. */
  repaired: number;
  /** Erasures that did not commit (a hold won the race, the request was withdrawn): not carried out. */
  abandoned: number;
  /** Erasures that could not be applied (logged with ids and reported; the next start tries again). */
  failed: number;
  /** Ledger lines that were not validly signed (reported, never applied). */
  invalid: number;
}

/**
 * Re-applies every completed erasure in the ledger to this database: after a restore from a backup
 * taken before an erasure, the patient's old data key is back, and it is destroyed again. Idempotent;
 * run at every start and migration. One failing entry does not stop the others or the start.
 */
export async function applyErasureLedger(): Promise<LedgerApplication> {
  const ledgerDir = getEnv().ERASURE_LEDGER_DIR;
  const keys = phiCryptoConfigFromEnv().audit;
  const { entries, invalid } = await readLedger(ledgerDir, keys);
  const result: LedgerApplication = { reapplied: 0, repaired: 0, abandoned: 0, failed: 0, invalid };
  if (invalid > 0) logger.error("the erasure ledger has lines that are not validly signed", { invalid });
  const key = (entry: LedgerEntry) => `${entry.patientId}|${entry.at}`;
  const done = new Map(entries.filter((e) => e.phase === "done").map((e) => [key(e), e]));
  const intents = entries.filter((e) => e.phase === "intent" && !done.has(key(e)));
  for (const entry of done.values()) {
    try {
      if (await reapply(entry)) result.reapplied += 1;
    } catch (error) {
      result.failed += 1;
      logger.error("an erasure from the ledger could not be applied", {
        patientId: entry.patientId,
        ...errorNameOf(error),
      });
      reportError(error, { job: "erasure-ledger" });
    }
  }
  for (const entry of intents) {
    const user = await runAsSystem("erasure-ledger", () =>
      getDb().user.findUnique({ where: { id: entry.patientId }, select: { status: true } }),
    );
    if (user?.status === "ERASED") {
      await appendLedgerEntry(ledgerDir, keys, { ...entry, phase: "done" });
      result.repaired += 1;
    } else if (user) {
      result.abandoned += 1;
    }
  }
  if (result.reapplied || result.repaired) logger.info("erasure ledger applied", { ...result });
  return result;
}

async function reapply(entry: LedgerEntry): Promise<boolean> {
  return runAsSystem("erasure-ledger", () =>
    transaction(async () => {
      const exists = await transactionClient().$queryRaw<{ id: string }[]>`
        SELECT id::text FROM users WHERE id = ${entry.patientId}::uuid`;
      if (!exists[0]) return false; // another installation's patient, or not in this database
      const result = await erasePatientData(entry.patientId, new Date(entry.at), entry.dataKeyId);
      if (!result) return false;
      const request = entry.requestId ? await lockRequest(entry.requestId) : null;
      if (request && !FINAL_STATUSES.includes(request.status)) {
        await recordStep({
          requestId: request.id,
          patientId: entry.patientId,
          actorId: null,
          step: "erased again from the erasure ledger after a restore",
          toStatus: "COMPLETED",
          outcome: { ...result },
        });
      }
      await recordAuditEvent({
        action: "rights.erasure.reapplied",
        resourceType: "User",
        resourceId: entry.patientId,
        subjectId: entry.patientId,
        details: { requestId: entry.requestId, erasedAt: entry.at },
      });
      return true;
    }),
  );
}
