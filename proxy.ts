// Haven's middleware (Next 16 calls the file proxy.ts). A fast first layer
// only: per-request CSP nonce, security headers, request id, CORS for the API,
// and redirects for the obviously signed-out or wrong-role visitor. Every page,
// action and route handler still authorizes on the server itself.
import { type NextRequest, NextResponse } from "next/server";
import { SESSION_COOKIE, cookieName, decodeSessionJwt } from "@/lib/auth/cookies";
import { isPossibleServerAction, refuseBadFormPost } from "@/lib/security/form-post-gate";
import { stripUntrustedForwarding, trustedProxyHops } from "@/lib/security/forwarded";
import {
  createNonce,
  mergeCspAdditions,
  pageCspAdditions,
  realtimeCspAdditions,
  securityHeaders,
} from "@/lib/security/headers";
import { documentDownloadPolicy, refuseOversizedUpload } from "@/lib/security/upload-gate";

const PORTAL_ROLE: Record<string, string> = { "/patient": "PATIENT", "/doctor": "DOCTOR", "/admin": "ADMIN" };
const ROLE_PORTAL: Record<string, string> = { PATIENT: "/patient", DOCTOR: "/doctor", ADMIN: "/admin" };
// /pay: the TEST MODE checkout page (/pay/test/<id>), a patient's own.
const SIGNED_IN_AREAS = ["/patient", "/doctor", "/doctors", "/admin", "/account", "/portal", "/pay"];

const isProduction = process.env.NODE_ENV === "production";
const proxyHops = trustedProxyHops(process.env.TRUST_PROXY);
const appUrl = process.env.APP_URL ?? "";
const realtimeSources = realtimeCspAdditions(process.env);
const agoraConfigured = Boolean(process.env.AGORA_APP_ID && process.env.AGORA_APP_CERTIFICATE);
const allowedOrigins = new Set(
  (process.env.CORS_ALLOWED_ORIGINS ?? "")
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean),
);

function areaOf(pathname: string): string | undefined {
  return SIGNED_IN_AREAS.find((area) => pathname === area || pathname.startsWith(`${area}/`));
}

async function redirectFor(request: NextRequest): Promise<URL | null> {
  const area = areaOf(request.nextUrl.pathname);
  if (!area) return null;
  const cookie = request.cookies.get(cookieName(SESSION_COOKIE))?.value;
  const token = cookie ? await decodeSessionJwt(cookie) : null;
  if (!token?.role) return new URL("/sign-in", request.url);
  // Another role is sent to its own portal from a portal's front page only; a deeper
  // path (one naming a visit, say) is left to the page, which answers 404.
  const required = PORTAL_ROLE[area];
  const frontPage = request.nextUrl.pathname === area;
  if (required && frontPage && token.role !== required) {
    return new URL(ROLE_PORTAL[token.role] ?? "/sign-in", request.url);
  }
  return null;
}

function applyCors(request: NextRequest, response: NextResponse): NextResponse {
  const origin = request.headers.get("origin");
  if (origin && allowedOrigins.has(origin)) {
    response.headers.set("Access-Control-Allow-Origin", origin);
    response.headers.set("Access-Control-Allow-Credentials", "true");
    response.headers.set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    response.headers.set("Access-Control-Allow-Headers", "content-type, x-request-id");
    response.headers.append("Vary", "Origin");
  }
  return response;
}

export async function proxy(request: NextRequest) {
  const nonce = createNonce();
  const requestId = crypto.randomUUID();
  const headers = securityHeaders({
    nonce,
    isDevelopment: process.env.NODE_ENV === "development",
    isProduction,
    servedOverHttps: appUrl.startsWith("https://"),
    additions: mergeCspAdditions(
      pageCspAdditions(request.nextUrl.pathname, { agora: agoraConfigured }),
      realtimeSources,
    ),
    pathname: request.nextUrl.pathname,
  });
  const isApi = request.nextUrl.pathname.startsWith("/api/");

  let response: NextResponse | Response;
  const refusedPost = isApi
    ? refuseOversizedUpload(request, requestId)
    : isPossibleServerAction(request)
      ? await refuseBadFormPost(request, { trustForwardedHost: proxyHops > 0 })
      : null;
  const redirectTo = isApi || refusedPost ? null : await redirectFor(request);
  if (refusedPost) {
    response = refusedPost;
  } else if (isApi && request.method === "OPTIONS") {
    const origin = request.headers.get("origin");
    response = new NextResponse(null, { status: origin && allowedOrigins.has(origin) ? 204 : 403 });
  } else if (redirectTo) {
    response = NextResponse.redirect(redirectTo);
  } else {
    const requestHeaders = new Headers(request.headers);
    // Without a trusted proxy, Next then fills X-Forwarded-For with the socket address.
    stripUntrustedForwarding(requestHeaders, proxyHops);
    requestHeaders.set("x-nonce", nonce);
    requestHeaders.set("x-request-id", requestId);
    // Next reads the policy on the request to put the nonce on its own scripts.
    requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"] ?? "");
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  const downloadPolicy = documentDownloadPolicy(request.nextUrl.pathname);
  if (downloadPolicy) response.headers.set("Content-Security-Policy", downloadPolicy);
  response.headers.set("x-request-id", requestId);
  return isApi && response instanceof NextResponse ? applyCors(request, response) : response;
}

export const config = {
  matcher: [
    // Everything except immutable build assets and static files.
    { source: "/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)" },
  ],
};
