// The "document.scan" job: a file kept while the scanner was unreachable is
// scanned later. Clean → offered for download; infected → its bytes and row are
// removed; still unreachable → tried again later (it is never offered meanwhile).
import "server-only";
import { decryptFile } from "@/lib/crypto/file-cipher";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { scanForMalware } from "@/lib/integrations/clamav";
import { documentStore } from "@/lib/integrations/storage";
import { sendJob } from "@/lib/jobs/queue";
import { logger } from "@/lib/logger";
import { runAsSystem } from "@/lib/request-context";
import { nextScanAt } from "./upload-document";

/** About a day of retries (30 s doubling to hourly); the file stays pending, never offered, after that. */
export const MAX_SCAN_ATTEMPTS = 30;

export async function scanPendingDocument({
  documentId,
  attempt = 1,
}: {
  documentId: string;
  attempt?: number;
}): Promise<void> {
  await runAsSystem("jobs.document-scan", async () => {
    const header = await getDb().document.findFirst({
      where: { id: documentId, scanStatus: "PENDING" },
      select: { id: true, storageKey: true },
    });
    if (!header) return;
    const { fileKey } = await getDb().document.findUniqueOrThrow({
      where: { id: documentId },
      select: { fileKey: true },
    });
    const store = documentStore();
    const sealed = await store.get(header.storageKey);
    if (!sealed) {
      logger.error("pending document has no stored bytes", { documentId });
      return;
    }
    const bytes = decryptFile(Buffer.from(fileKey, "base64"), documentId, sealed);
    const scan = await scanForMalware(bytes);
    bytes.fill(0);

    if (scan.status === "unavailable") {
      if (attempt >= MAX_SCAN_ATTEMPTS) {
        logger.error("document scan gave up; the file stays pending", { documentId, attempts: attempt });
        return;
      }
      await sendJob(
        "document.scan",
        { documentId, attempt: attempt + 1 },
        { startAfter: nextScanAt(attempt + 1), singletonKey: `document.scan:${documentId}:${attempt + 1}` },
      );
      return;
    }
    if (scan.status === "infected") {
      await transaction(async () => {
        await getDb().document.delete({ where: { id: documentId }, select: { id: true } });
        await recordAuditEvent({
          action: "document.rejected",
          resourceType: "Document",
          resourceId: documentId,
          outcome: "FAILURE",
          details: { reason: "malware", signature: scan.signature },
        });
      });
      await store.delete(header.storageKey);
      return;
    }
    // Scanned clean, or the scanner was switched off meanwhile: say which.
    const status = scan.status === "clean" ? "CLEAN" : "NOT_SCANNED";
    await transaction(async () => {
      await getDb().document.updateMany({
        where: { id: documentId, scanStatus: "PENDING" },
        data: { scanStatus: status, scannedAt: status === "CLEAN" ? new Date() : null },
      });
      await recordAuditEvent({
        action: "document.scanned",
        resourceType: "Document",
        resourceId: documentId,
        details: { scanStatus: status },
      });
    });
  });
}
