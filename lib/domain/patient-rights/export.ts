// "Download all my data" (GDPR art. 15 and 20, HIPAA 164.524): everything Haven holds about the
// signed-in patient, decrypted, as a zip streamed to the browser.
//
// Every read goes through the data layer (decrypted and audited like any other read), mostly
// through the areas' own queries, so each area's visibility rules apply (the notes a patient may
// see, the documents they may download). Everything but the file bytes is read in one transaction,
// which also records the export as a completed data request with its counts and writes
// `rights.export.downloaded`: nothing leaves before that is committed. The zip is then produced file
// by file as the browser reads it (one document, at most 10 MB, in memory at a time).
import "server-only";
import { Zip, ZipDeflate, ZipPassThrough } from "fflate";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { verificationsForExport } from "@/lib/domain/insurance/queries";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { auditLogReader, getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { notesOfPatient } from "@/lib/domain/clinical/notes";
import { documentForDownload, documentsOfPatient } from "@/lib/domain/documents/queries";
import { healthSummaryOf } from "@/lib/domain/health-profile/queries";
import { MESSAGE_SELECT, toMessageView } from "@/lib/domain/messaging/views";
import { prescriptionDocumentFor, prescriptionsOfPatient } from "@/lib/domain/prescriptions/queries";
import { renderPrescriptionPdf } from "@/lib/domain/prescriptions/render-prescription-pdf";
import { devicesOfPatient } from "@/lib/domain/readings/queries";
import {
  BREAK_GLASS_ACTION,
  CHART_VIEWED_ACTION,
  CLINICAL_RESOURCE_TYPES,
  PHI_READ_ACTION,
  isRecordRead,
} from "@/lib/domain/security/rules";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { describeError, logger } from "@/lib/logger";
import { currentContext, runWithContext } from "@/lib/request-context";
import { RATE_LIMITS, consumeRateLimit } from "@/lib/security/rate-limit";
import {
  DOCUMENTS_FOLDER,
  type DocumentEntry,
  EXPORT_FILES,
  type ExportCounts,
  NOT_INCLUDED_MISSING,
  NOT_INCLUDED_PENDING_SCAN,
  PRESCRIPTIONS_FOLDER,
  type RecordAccessFacts,
  consentsJson,
  devicesAndReadingsJson,
  documentPath,
  documentsJson,
  exportZipName,
  isExportable,
  jsonFile,
  medicationsJson,
  messagesJson,
  notesJson,
  paymentsJson,
  prescriptionPdfPath,
  prescriptionsJson,
  profileJson,
  recordAccessJson,
  requestsJson,
  visitsJson,
} from "./export-files";
import { exportReadme } from "./export-readme";
import { REQUEST_KIND_LABEL, REQUEST_STATUS_LABEL, openRequest, recordStep } from "./requests";

export const EXPORT_DOWNLOADED_ACTION = "rights.export.downloaded";

/** The limit exports spend ("sensitive": password changes, MFA changes, exports), per patient. */
export const EXPORTS_PER_HOUR = RATE_LIMITS.sensitive.points;

export interface PatientExport {
  /** The data request that records this export. */
  requestId: string;
  /** "haven-export-YYYY-MM-DD.zip" (the patient's local date). */
  fileName: string;
  /** Records per file (also the request's outcome). */
  counts: ExportCounts;
  /** The zip, produced as it is read. */
  stream: ReadableStream<Uint8Array>;
}

/** One file of the zip: its bytes are produced only when the browser has read the previous ones. */
interface ZipEntry {
  path: string;
  modifiedAt: Date;
  /** Already-compressed formats (PDF, JPEG, PNG) are stored as they are. */
  compress: boolean;
  bytes: () => Promise<Uint8Array>;
}

/**
 * The signed-in patient's data as a zip. Anyone but a patient gets an audited 404 (the route has
 * already refused them); more than EXPORTS_PER_HOUR exports in an hour is a 429.
 */
export async function exportPatientData(actor: AuthenticatedActor, now = new Date()): Promise<PatientExport> {
  if (actor.role !== "PATIENT") return refuseAsNotFound("DataRequest", "(export)");
  await spendExportLimit(actor.userId);
  const context = currentContext();
  if (!context) throw new Error("exportPatientData runs inside a request context");

  const gathered = await transaction(() => gatherAndRecord(actor, now));
  const entries = zipEntries(actor, gathered, now);
  return {
    requestId: gathered.requestId,
    fileName: exportZipName(now, gathered.timeZone),
    counts: gathered.counts,
    // The stream is read after the route has returned: its reads run in the request's context.
    stream: zipStream(entries, (step) => runWithContext(context, step), gathered.requestId),
  };
}

async function spendExportLimit(patientId: string): Promise<void> {
  try {
    await consumeRateLimit("sensitive", `rights-export:${patientId}`);
  } catch (error) {
    if (!AppError.is(error) || error.code !== "RATE_LIMITED") throw error;
    const minutes = Math.max(1, Math.ceil((error.details.retryAfterSeconds ?? 60) / 60));
    throw new AppError(
      "RATE_LIMITED",
      `You can download your data ${EXPORTS_PER_HOUR} times an hour. Try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}.`,
      error.details,
    );
  }
}

type Gathered = Awaited<ReturnType<typeof gatherAndRecord>>;

/** Reads everything but the files' bytes, and records the export (one transaction). */
async function gatherAndRecord(actor: AuthenticatedActor, now: Date) {
  const patientId = actor.userId;
  const db = getDb();
  const account = await db.user.findUniqueOrThrow({
    where: { id: patientId },
    select: { email: true, createdAt: true, timeZone: true, emailVerifiedAt: true, mfaEnabledAt: true },
  });
  const timeZone = account.timeZone;
  // One after the other: they share the transaction's connection.
  const health = await healthSummaryOf(actor, patientId);
  const emergencyAlerts = await db.emergencyEvent.findMany({
    where: { patientId },
    select: { id: true, createdAt: true, country: true, acknowledgedAt: true },
    orderBy: { createdAt: "asc" },
  });
  const devices = await devicesOfPatient(actor, patientId);
  // All of them (the readings page shows the latest 2,000).
  const readings = await db.reading.findMany({
    where: { patientId },
    select: { id: true, deviceId: true, metric: true, value: true, measuredAt: true },
    orderBy: { measuredAt: "asc" },
  });
  const visits = await db.appointment.findMany({
    where: { patientId },
    select: {
      id: true,
      doctorId: true,
      startsAt: true,
      endsAt: true,
      status: true,
      reason: true,
      cancelReason: true,
      cancelledById: true,
      confirmedAt: true,
      feeMinor: true,
      currency: true,
      createdAt: true,
    },
    orderBy: { startsAt: "asc" },
  });
  const notes = await notesOfPatient(actor, patientId);
  const prescriptions = await prescriptionsOfPatient(actor, patientId);
  const threads = await db.messageThread.findMany({
    where: { patientId },
    select: {
      id: true,
      doctorId: true,
      createdAt: true,
      messages: { select: MESSAGE_SELECT, orderBy: { createdAt: "asc" } },
    },
    orderBy: { createdAt: "asc" },
  });
  const documents = await documentsOfPatient(actor, patientId);
  const payments = await db.payment.findMany({
    where: { patientId },
    select: {
      id: true,
      appointmentId: true,
      doctorId: true,
      provider: true,
      amountMinor: true,
      currency: true,
      status: true,
      failureCode: true,
      capturedMinor: true,
      refundedMinor: true,
      expiresAt: true,
      paidAt: true,
      createdAt: true,
      refunds: {
        select: {
          id: true,
          amountMinor: true,
          currency: true,
          status: true,
          cause: true,
          createdAt: true,
          updatedAt: true,
        },
        orderBy: { createdAt: "asc" },
      },
    },
    orderBy: { createdAt: "asc" },
  });
  const consents = await db.consent.findMany({
    where: { userId: patientId },
    select: { id: true, kind: true, version: true, documentHash: true, acceptedAt: true, withdrawnAt: true },
    orderBy: { acceptedAt: "asc" },
  });
  const requests = await db.dataRequest.findMany({
    where: { patientId },
    select: {
      id: true,
      kind: true,
      status: true,
      receivedAt: true,
      dueAt: true,
      completedAt: true,
      targetType: true,
      targetId: true,
      details: true,
      resolution: true,
      outcome: true,
      events: { select: { at: true, step: true, toStatus: true, actorId: true }, orderBy: { at: "asc" } },
    },
    orderBy: { receivedAt: "asc" },
  });
  const insuranceChecks = await verificationsForExport(patientId);
  const recordAccess = await recordReadsOf(patientId);

  const names = await doctorNamesOf([
    ...visits.map((visit) => visit.doctorId),
    ...notes.flatMap((note) => [note.authorId, ...note.amendments.map((amendment) => amendment.authorId)]),
    ...threads.map((thread) => thread.doctorId),
    ...payments.map((payment) => payment.doctorId),
    ...recordAccess.filter((row) => row.actorRole === "DOCTOR").map((row) => row.actorId),
  ]);

  const messageThreads = threads.map((thread) => ({
    id: thread.id,
    doctorId: thread.doctorId,
    createdAt: thread.createdAt,
    messages: thread.messages.map((row) => {
      const view = toMessageView(row, patientId, now.getTime());
      return {
        ...view,
        attachment: view.attachment ? { id: view.attachment.id, fileName: view.attachment.fileName } : null,
      };
    }),
  }));
  const exportable = documents.filter(isExportable);
  const files: Partial<Record<keyof typeof EXPORT_FILES, unknown>> = {
    profile: profileJson(
      {
        email: account.email,
        createdAt: account.createdAt,
        timeZone,
        emailVerifiedAt: account.emailVerifiedAt,
        twoStepSignIn: account.mfaEnabledAt !== null,
      },
      health,
      emergencyAlerts,
    ),
    medications: medicationsJson(health),
    devicesAndReadings: devicesAndReadingsJson(devices, readings),
    visits: visitsJson(patientId, visits, names),
    notes: notesJson(notes, names),
    prescriptions: prescriptionsJson(prescriptions, timeZone),
    messages: messagesJson(patientId, messageThreads, names),
    payments: paymentsJson(payments, names, now),
    consents: consentsJson(consents),
    insurance: insuranceChecks,
    requests: requestsJson(patientId, requests, { kind: REQUEST_KIND_LABEL, status: REQUEST_STATUS_LABEL }),
    recordAccess: recordAccessJson(recordAccess, names),
  };
  const counts: ExportCounts = {
    [EXPORT_FILES.profile]: health.profile ? 1 : 0,
    [EXPORT_FILES.medications]: health.current.length + health.past.length,
    [EXPORT_FILES.devicesAndReadings]: devices.length + readings.length,
    [EXPORT_FILES.visits]: visits.length,
    [EXPORT_FILES.notes]: notes.length,
    [EXPORT_FILES.prescriptions]: prescriptions.length,
    [`${PRESCRIPTIONS_FOLDER}/`]: prescriptions.length,
    [EXPORT_FILES.messages]: messageThreads.reduce((sum, thread) => sum + thread.messages.length, 0),
    [EXPORT_FILES.payments]: payments.length,
    [EXPORT_FILES.consents]: consents.length,
    [EXPORT_FILES.insurance]: insuranceChecks.length,
    [EXPORT_FILES.requests]: requests.length,
    [EXPORT_FILES.recordAccess]: recordAccess.length,
    [EXPORT_FILES.documents]: documents.length,
    [`${DOCUMENTS_FOLDER}/`]: exportable.length,
  };

  const request = await openRequest({ patientId, kind: "EXPORT", actorId: patientId, receivedAt: now });
  await recordStep({
    requestId: request.id,
    patientId,
    actorId: patientId,
    step: "export downloaded",
    toStatus: "COMPLETED",
    outcome: counts,
    at: now,
  });
  await recordAuditEvent({
    action: EXPORT_DOWNLOADED_ACTION,
    resourceType: "DataRequest",
    resourceId: request.id,
    subjectId: patientId,
    details: { ...counts },
  });

  const readme = exportReadme({
    clinicName: getEnv().CLINIC_NAME,
    appUrl: getEnv().APP_URL.replace(/\/+$/, ""),
    patientName: health.profile?.fullName ?? null,
    madeAt: now,
    timeZone,
    requestId: request.id,
    counts,
    documentsLeftOut: documents.length - exportable.length,
    deadlineDays: getEnv().DATA_REQUEST_DEADLINE_DAYS,
  });
  return { requestId: request.id, timeZone, counts, readme, files, prescriptions, documents };
}

/**
 * Reads of the patient's record by anyone else, oldest first: the security rules' notion of reading
 * a record (isRecordRead: opening the chart, reading its clinical content) and emergency access.
 * The SQL narrows by the same constants on the (subject_id, sequence) index; isRecordRead decides.
 */
async function recordReadsOf(patientId: string): Promise<RecordAccessFacts[]> {
  const rows = await auditLogReader().$queryRaw<
    {
      occurred_at: Date;
      actor_id: string | null;
      actor_role: string;
      action: string;
      resource_type: string;
      resource_id: string | null;
      outcome: string;
    }[]
  >`SELECT a.occurred_at, a.actor_id::text AS actor_id, a.actor_role, a.action, a.resource_type,
           a.resource_id, a.outcome::text AS outcome
      FROM audit_log a
     WHERE a.subject_id = ${patientId}::uuid
       AND (a.actor_id IS NULL OR a.actor_id <> ${patientId}::uuid)
       AND (a.action IN (${CHART_VIEWED_ACTION}, ${BREAK_GLASS_ACTION})
            OR (a.action = ${PHI_READ_ACTION}
                AND a.resource_type IN (${Prisma.join([...CLINICAL_RESOURCE_TYPES])})))
     ORDER BY a.sequence`;
  return rows
    .filter(
      (row) =>
        row.action === BREAK_GLASS_ACTION ||
        isRecordRead({ action: row.action, resourceType: row.resource_type }),
    )
    .map((row) => ({
      occurredAt: row.occurred_at,
      actorId: row.actor_id,
      actorRole: row.actor_role,
      action: row.action,
      resourceType: row.resource_type,
      resourceId: row.resource_id,
      outcome: row.outcome,
    }));
}

/** Doctors' display names (public, not PHI). */
async function doctorNamesOf(ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!unique.length) return new Map();
  const profiles = await getDb().doctorProfile.findMany({
    where: { userId: { in: unique } },
    select: { userId: true, displayName: true },
  });
  return new Map(profiles.map((profile) => [profile.userId, profile.displayName]));
}

/** The zip's files in order: README, the JSON files, the prescription PDFs, the documents, documents.json. */
async function* zipEntries(
  actor: AuthenticatedActor,
  gathered: Gathered,
  now: Date,
): AsyncGenerator<ZipEntry> {
  const json = (path: string, value: unknown): ZipEntry => ({
    path,
    modifiedAt: now,
    compress: true,
    bytes: () => Promise.resolve(jsonFile(value)),
  });
  yield {
    path: EXPORT_FILES.readme,
    modifiedAt: now,
    compress: true,
    bytes: () => Promise.resolve(new TextEncoder().encode(gathered.readme)),
  };
  for (const [key, value] of Object.entries(gathered.files)) {
    yield json(EXPORT_FILES[key as keyof typeof EXPORT_FILES], value);
  }
  for (const prescription of gathered.prescriptions) {
    yield {
      path: prescriptionPdfPath(prescription, gathered.timeZone),
      modifiedAt: prescription.signedAt,
      compress: false,
      // The same PDF the prescription page offers, audited as a download.
      bytes: async () => renderPrescriptionPdf(await prescriptionDocumentFor(actor, prescription.id)),
    };
  }
  const listed: DocumentEntry[] = [];
  for (const document of gathered.documents) {
    if (!isExportable(document)) {
      listed.push({ document, path: null, notIncluded: NOT_INCLUDED_PENDING_SCAN });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = (await documentForDownload(actor, document.id)).bytes;
    } catch (error) {
      // Bytes missing from the store (logged there) or a scan reopened meanwhile: say so, go on.
      if (!AppError.is(error)) throw error;
      logger.warn("document left out of a patient's export", { documentId: document.id, code: error.code });
      listed.push({ document, path: null, notIncluded: NOT_INCLUDED_MISSING });
      continue;
    }
    const path = documentPath(document);
    listed.push({ document, path, notIncluded: null });
    yield { path, modifiedAt: document.createdAt, compress: false, bytes: () => Promise.resolve(bytes) };
  }
  yield json(EXPORT_FILES.documents, documentsJson(listed));
}

/**
 * A zip produced as it is read: each pull adds the next file (read, decrypted or rendered only
 * then), so a slow download never holds more than one file in memory.
 */
export function zipStream(
  entries: AsyncIterator<ZipEntry> | Iterator<ZipEntry>,
  inContext: <T>(step: () => Promise<T>) => Promise<T>,
  requestId: string,
): ReadableStream<Uint8Array> {
  let zip: Zip;
  // Set when the browser gives up: a file being produced then is dropped, not added.
  let cancelled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        zip = new Zip((error, chunk, final) => {
          if (error) return controller.error(error);
          controller.enqueue(chunk);
          if (final) controller.close();
        });
      },
      async pull(controller) {
        try {
          const next = await inContext(async () => await entries.next());
          if (cancelled) return;
          if (next.done) return zip.end();
          const entry = next.value;
          const bytes = await inContext(entry.bytes);
          if (cancelled) return;
          const file = entry.compress
            ? new ZipDeflate(entry.path, { level: 6 })
            : new ZipPassThrough(entry.path);
          file.mtime = entry.modifiedAt;
          zip.add(file);
          file.push(bytes, true);
        } catch (error) {
          if (cancelled) return;
          // The response has started: the browser sees a failed download. No PHI in the log.
          logger.error("patient export failed while streaming", {
            dataRequestId: requestId,
            ...describeError(error),
          });
          zip.terminate();
          controller.error(error);
        }
      },
      async cancel() {
        cancelled = true;
        zip.terminate();
        await inContext(async () => entries.return?.(undefined));
      },
    },
    { highWaterMark: 1 },
  );
}
