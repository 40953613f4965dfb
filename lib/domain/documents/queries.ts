// Reads of documents, scoped by the care relationship: the patient and their
// treating doctors; anyone else, and any id that does not exist, gets the same
// audited 404.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { decryptFile } from "@/lib/crypto/file-cipher";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { requireChartAccess } from "@/lib/domain/clinical/access";
import { AppError } from "@/lib/http/errors";
import { documentStore } from "@/lib/integrations/storage";
import { logger } from "@/lib/logger";
import {
  type DocumentContentType,
  type DocumentView,
  MESSAGES,
  isAcceptedType,
  isDownloadable,
} from "./schemas";

/** A patient's documents, newest first (for their own page and the chart). */
export async function documentsOfPatient(
  actor: AuthenticatedActor,
  patientId: string,
): Promise<DocumentView[]> {
  await requireChartAccess(actor, patientId, "read");
  const rows = await getDb().document.findMany({
    where: { patientId },
    select: {
      id: true,
      fileName: true,
      contentType: true,
      sizeBytes: true,
      scanStatus: true,
      scannedAt: true,
      createdAt: true,
      uploadedById: true,
    },
    orderBy: { createdAt: "desc" },
  });
  return rows.map(({ uploadedById, ...row }) => ({ ...row, uploadedByPatient: uploadedById === patientId }));
}

export interface DocumentDownload {
  id: string;
  fileName: string;
  contentType: DocumentContentType;
  bytes: Buffer;
}

/** The decrypted file for the patient or a treating doctor; audited. A file waiting for its scan is a 409. */
export async function documentForDownload(
  actor: AuthenticatedActor,
  documentId: string,
): Promise<DocumentDownload> {
  const header = await getDb().document.findUnique({
    where: { id: documentId },
    select: { patientId: true, scanStatus: true, storageKey: true, contentType: true },
  });
  if (!header) return refuseAsNotFound("Document", documentId);
  await requireChartAccess(actor, header.patientId, "read", { type: "Document", id: documentId });
  if (!isDownloadable(header.scanStatus)) throw new AppError("CONFLICT", MESSAGES.pending);
  if (!isAcceptedType(header.contentType)) throw new Error("stored document has an unexpected type");

  const { fileKey, fileName } = await getDb().document.findUniqueOrThrow({
    where: { id: documentId },
    select: { fileKey: true, fileName: true },
  });
  const sealed = await documentStore().get(header.storageKey);
  if (!sealed) {
    logger.error("document bytes missing from the store", { documentId });
    throw new AppError("NOT_FOUND", "This file is no longer available.");
  }
  const bytes = decryptFile(Buffer.from(fileKey, "base64"), documentId, sealed);
  await recordAuditEvent({
    action: "document.downloaded",
    resourceType: "Document",
    resourceId: documentId,
    details: { patientId: header.patientId, contentType: header.contentType, sizeBytes: bytes.byteLength },
  });
  return { id: documentId, fileName, contentType: header.contentType, bytes };
}
