// A file sent as a download: never shown inline, never sniffed, never cached. Callers
// name it without PHI (it shows in download bars and lands in shared folders).
import "server-only";

export function attachmentResponse(bytes: Uint8Array, contentType: string, fileName: string): Response {
  return new Response(new Uint8Array(bytes), {
    headers: {
      "content-type": contentType,
      "content-disposition": `attachment; filename="${fileName}"`,
      "content-length": String(bytes.byteLength),
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    },
  });
}
