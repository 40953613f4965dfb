// Server actions and page form posts are checked in proxy.ts before Next sees
// them. Next refuses a cross-site action, a body over its limit and a malformed
// multipart body by throwing, which answers 500; these are expected failures
// and get their own 4xx with a readable message here instead.
// Free of Node-only and server-only imports: proxy.ts runs it.

/** Must equal `experimental.serverActions.bodySizeLimit` in next.config.mjs (a test checks). */
export const FORM_POST_LIMIT_BYTES = 1024 * 1024;

/** What Next treats as a possible server action (its getServerActionRequestMetadata). */
export function isPossibleServerAction(request: Request): boolean {
  if (request.method !== "POST") return false;
  const contentType = request.headers.get("content-type") ?? "";
  return (
    request.headers.has("next-action") ||
    contentType.startsWith("multipart/form-data") ||
    contentType === "application/x-www-form-urlencoded"
  );
}

interface Refusal {
  status: 400 | 403 | 413;
  title: string;
  message: string;
}

/**
 * The host the browser addressed, as Next's own check compares it: the first
 * X-Forwarded-Host behind trusted proxies, else Host.
 */
function addressedHost(headers: Headers, trustForwardedHost: boolean): string | null {
  const forwarded = trustForwardedHost ? headers.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  return forwarded || headers.get("host");
}

function originHost(origin: string): string | null {
  if (origin === "null") return null;
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** Reads at most limit + 1 bytes of the body; null when it is longer than the limit. */
async function readCapped(request: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = request.clone().body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    // Over the limit: keep reading without keeping (cancelling the clone stalls the
    // request in Next's body cloning); Next caps what a proxy may read (10 MB).
    if (size <= limit) chunks.push(value);
  }
  if (size > limit) return null;
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

async function findRefusal(request: Request, trustForwardedHost: boolean): Promise<Refusal | null> {
  const origin = request.headers.get("origin");
  // No Origin: not a browser form (browsers always send it on POST); Next lets it through too.
  if (origin !== null && originHost(origin) !== addressedHost(request.headers, trustForwardedHost)) {
    return {
      status: 403,
      title: "Form refused",
      message: "This form was sent from another site. Open Haven directly and submit it again.",
    };
  }
  const tooLarge: Refusal = {
    status: 413,
    title: "Too much data",
    message: `The form sent more than ${FORM_POST_LIMIT_BYTES / 1024 / 1024} MB. Shorten what you entered and try again.`,
  };
  const declaredLength = Number(request.headers.get("content-length") ?? "0");
  if (declaredLength > FORM_POST_LIMIT_BYTES) return tooLarge;
  const body = await readCapped(request, FORM_POST_LIMIT_BYTES);
  if (!body) return tooLarge;
  const contentType = request.headers.get("content-type") ?? "";
  if (contentType.startsWith("multipart/form-data")) {
    try {
      await new Response(body, { headers: { "content-type": contentType } }).formData();
    } catch {
      return {
        status: 400,
        title: "Form not readable",
        message: "The form arrived incomplete or damaged. Reload the page and submit it again.",
      };
    }
  }
  return null;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A 4xx answer for a form post Next would fail on, or null to let it through.
 * Script-driven posts (a Next-Action header) get plain text; a browser posting
 * without JavaScript gets a small page saying what happened.
 */
export async function refuseBadFormPost(
  request: Request,
  options: { trustForwardedHost: boolean },
): Promise<Response | null> {
  const refusal = await findRefusal(request, options.trustForwardedHost);
  if (!refusal) return null;
  if (request.headers.has("next-action")) {
    return new Response(refusal.message, {
      status: refusal.status,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  const back = escapeHtml(new URL(request.url).pathname);
  const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(refusal.title)} · Haven</title></head><body><main><h1>${escapeHtml(refusal.title)}</h1><p>${escapeHtml(refusal.message)}</p><p><a href="${back}">Back to the form</a></p></main></body></html>`;
  return new Response(page, {
    status: refusal.status,
    headers: { "content-type": "text/html; charset=utf-8" },
  });
}
