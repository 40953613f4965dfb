// A patient, or a treating doctor into the patient's chart, uploads a PDF, JPEG
// or PNG of at most 10 MB. What is kept is ciphertext under the file's own key;
// a rejected upload (too large, wrong content, malware) leaves no row and no bytes.
import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { fileTypeFromBuffer } from "file-type";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { encryptFile, generateFileKey } from "@/lib/crypto/file-cipher";
import { recordAuditEvent, getDb, transaction } from "@/lib/db/client";
import { requireChartAccess } from "@/lib/domain/clinical/access";
import { requireConsent } from "@/lib/domain/consent/require-consent";
import { AppError } from "@/lib/http/errors";
import { scanForMalware } from "@/lib/integrations/clamav";
import { StoreFullError, documentStore } from "@/lib/integrations/storage";
import { queue, sendJob } from "@/lib/jobs/queue";
import { logger } from "@/lib/logger";
import {
  type DocumentScanStatus,
  MAX_DOCUMENT_BYTES,
  MESSAGES,
  isAcceptedType,
  sanitizeFileName,
  tooLargeMessage,
} from "./schemas";

export interface UploadInput {
  patientId: string;
  fileName: string;
  bytes: Uint8Array;
}

export interface UploadedDocument {
  id: string;
  scanStatus: DocumentScanStatus;
}

async function reject(
  patientId: string,
  reason: "too-large" | "empty" | "type" | "malware" | "store-full",
  error: AppError,
  extra: Record<string, string | number> = {},
): Promise<never> {
  await recordAuditEvent({
    action: "document.rejected",
    resourceType: "Chart",
    resourceId: patientId,
    outcome: "FAILURE",
    details: { reason, ...extra },
  });
  throw error;
}

export async function uploadDocument(
  actor: AuthenticatedActor,
  input: UploadInput,
): Promise<UploadedDocument> {
  const { patientId, bytes } = input;
  // The patient into their own record; a doctor only as a treating doctor.
  await requireChartAccess(actor, patientId, actor.role === "DOCTOR" ? "write" : "read");
  // A patient adds to their record only while they agree to data processing.
  if (actor.role === "PATIENT") await requireConsent(patientId, "PRIVACY");

  if (bytes.byteLength > MAX_DOCUMENT_BYTES) {
    await reject(
      patientId,
      "too-large",
      new AppError("PAYLOAD_TOO_LARGE", tooLargeMessage(bytes.byteLength)),
      {
        sizeBytes: bytes.byteLength,
      },
    );
  }
  if (bytes.byteLength === 0) await reject(patientId, "empty", new AppError("BAD_REQUEST", MESSAGES.empty));

  // The scanner sees the upload exactly as sent, before anything else judges it:
  // ClamAV's hash signatures (EICAR's among them) match whole files only.
  const scan = await scanForMalware(bytes);
  if (scan.status === "infected") {
    await reject(patientId, "malware", new AppError("VALIDATION_FAILED", MESSAGES.infected), {
      signature: scan.signature,
    });
  }

  // By content (magic bytes), never by the name or the browser's claim.
  const detected = await fileTypeFromBuffer(bytes);
  const contentType = detected?.mime;
  if (!isAcceptedType(contentType)) {
    return reject(patientId, "type", new AppError("BAD_REQUEST", MESSAGES.wrongType), {
      detected: detected?.mime ?? "unknown",
    });
  }

  const scanStatus: DocumentScanStatus =
    scan.status === "clean" ? "CLEAN" : scan.status === "unavailable" ? "PENDING" : "NOT_SCANNED";
  if (scan.status === "unavailable") {
    logger.warn("malware scanner unavailable; document kept pending", { reason: scan.reason });
  }

  const id = randomUUID();
  const fileKey = generateFileKey();
  const storageKey = randomBytes(24).toString("base64url");
  const store = documentStore();
  try {
    await store.put(storageKey, encryptFile(fileKey, id, bytes));
  } catch (error) {
    fileKey.fill(0);
    if (!StoreFullError.is(error)) throw error;
    // The operators must hear of it; the user is told plainly that nothing was kept.
    logger.error("document store full; upload refused", { sizeBytes: bytes.byteLength });
    return reject(patientId, "store-full", new AppError("INSUFFICIENT_STORAGE", MESSAGES.storeFull), {
      sizeBytes: bytes.byteLength,
    });
  }
  try {
    if (scanStatus === "PENDING") await queue();
    await transaction(async () => {
      await getDb().document.create({
        data: {
          id,
          patientId,
          uploadedById: actor.userId,
          fileName: sanitizeFileName(input.fileName),
          contentType,
          sizeBytes: bytes.byteLength,
          storageKey,
          fileKey: fileKey.toString("base64"),
          scanStatus,
          scannedAt: scanStatus === "CLEAN" ? new Date() : null,
        },
        select: { id: true },
      });
      if (scanStatus === "PENDING") {
        await sendJob("document.scan", { documentId: id, attempt: 1 }, { startAfter: nextScanAt(1) });
      }
      await recordAuditEvent({
        action: "document.uploaded",
        resourceType: "Document",
        resourceId: id,
        details: { patientId, contentType, sizeBytes: bytes.byteLength, scanStatus },
      });
    });
  } catch (error) {
    // No row: no bytes either.
    await store.delete(storageKey).catch(() => undefined);
    throw error;
  } finally {
    fileKey.fill(0);
  }
  return { id, scanStatus };
}

/** When to try a pending scan again: 30 s, then doubling, at most hourly. */
export function nextScanAt(attempt: number, now = Date.now()): Date {
  const delayMs = Math.min(30_000 * 2 ** (attempt - 1), 3_600_000);
  return new Date(now + delayMs);
}
