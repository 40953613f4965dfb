// Document uploads (POST /api/documents) are multipart bodies of up to 10 MB
// plus the form's own bytes, far over the 1 MB of server actions. Next buffers
// what the proxy may read up to `experimental.proxyClientMaxBodySize` and
// silently truncates the rest, so that limit is raised to exactly this one
// (next.config.mjs; a test checks) and anything declaring more is refused here,
// before Next reads it. Free of Node-only and server-only imports: proxy.ts runs it.
import { MAX_UPLOAD_BODY_BYTES, MESSAGES } from "@/lib/domain/documents/schemas";

export const UPLOAD_PATH = "/api/documents";

/** A JSON error in the shape of lib/http/errors.ts, or null to let the request through. */
export function refuseOversizedUpload(request: Request, requestId: string): Response | null {
  if (request.method !== "POST" || new URL(request.url).pathname !== UPLOAD_PATH) return null;
  const declared = request.headers.get("content-length");
  const refusal = (status: number, code: string, message: string) =>
    Response.json(
      { error: { code, message, requestId } },
      { status, headers: { "cache-control": "no-store" } },
    );
  // Without a length Next could truncate the body unnoticed; browsers always send one for a form.
  if (declared === null || !/^\d+$/.test(declared)) {
    return refusal(411, "BAD_REQUEST", "Send the file as a form upload with its length.");
  }
  if (Number(declared) > MAX_UPLOAD_BODY_BYTES) return refusal(413, "PAYLOAD_TOO_LARGE", MESSAGES.tooLarge);
  return null;
}

/** What a downloaded document may do if a browser renders it anyway: nothing (no scripts, no requests). */
export const DOCUMENT_DOWNLOAD_CSP = "sandbox; default-src 'none'";

/**
 * The policy for a document download, which replaces the pages' policy: proxy.ts
 * sets headers after the route handler's and would otherwise overwrite it.
 */
export function documentDownloadPolicy(pathname: string): string | null {
  return /^\/api\/documents\/[^/]+$/.test(pathname) ? DOCUMENT_DOWNLOAD_CSP : null;
}
