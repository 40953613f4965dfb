import { z } from "zod";
import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { documentForDownload } from "@/lib/domain/documents/queries";
import { downloadFileName } from "@/lib/domain/documents/schemas";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { DOCUMENT_DOWNLOAD_CSP } from "@/lib/security/upload-gate";

export const dynamic = "force-dynamic";

/**
 * The decrypted file, for the patient and their treating doctors only: always
 * an attachment of the type detected at upload, never sniffed, never cached,
 * and sandboxed should a browser render it anyway.
 */
export const GET = route<{ documentId: string }>(async (_request, { params }) => {
  const actor = await requireApiActorForResource("clinical:read");
  const id = z.uuid().safeParse(params.documentId);
  if (!id.success) throw new AppError("NOT_FOUND", "Not found.");
  const file = await runAs(actor, () => documentForDownload(actor, id.data));
  const original = encodeURIComponent(file.fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16)}`,
  );
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "content-type": file.contentType,
      "content-length": String(file.bytes.byteLength),
      "content-disposition": `attachment; filename="${downloadFileName(file.id, file.contentType)}"; filename*=UTF-8''${original}`,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
      "content-security-policy": DOCUMENT_DOWNLOAD_CSP,
    },
  });
});
