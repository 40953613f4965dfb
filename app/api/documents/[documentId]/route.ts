import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { documentForDownload } from "@/lib/domain/documents/queries";
import { downloadFileName } from "@/lib/domain/documents/schemas";
import { isUuid, namedResource } from "@/lib/http/params";
import { route } from "@/lib/http/route";
import { DOCUMENT_DOWNLOAD_CSP } from "@/lib/security/upload-gate";

export const dynamic = "force-dynamic";

/**
 * The decrypted file, for the patient and their treating doctors only: always
 * an attachment of the type detected at upload, never sniffed, never cached,
 * and sandboxed should a browser render it anyway.
 */
export const GET = route<{ documentId: string }>(async (_request, { params }) => {
  const resource = namedResource("Document", params.documentId);
  const actor = await requireApiActorForResource("clinical:read", resource);
  const file = await runAs(actor, () =>
    isUuid(params.documentId)
      ? documentForDownload(actor, params.documentId)
      : refuseAsNotFound(resource.type, resource.id),
  );
  return new Response(new Uint8Array(file.bytes), {
    headers: {
      "content-type": file.contentType,
      "content-length": String(file.bytes.byteLength),
      // No name from the upload: it is PHI, and download bars and shared folders show it.
      "content-disposition": `attachment; filename="${downloadFileName(file.id, file.contentType)}"`,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
      "content-security-policy": DOCUMENT_DOWNLOAD_CSP,
    },
  });
});
