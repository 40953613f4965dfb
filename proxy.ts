// Haven's middleware (Next 16 calls the file proxy.ts). It is a fast first
// layer only: per-request CSP nonce, security headers and a request id. Every
// page, action and route handler still authorizes on the server itself.
import { type NextRequest, NextResponse } from "next/server";
import { createNonce, securityHeaders } from "@/lib/security/headers";

export function proxy(request: NextRequest) {
  const nonce = createNonce();
  const requestId = crypto.randomUUID();
  const headers = securityHeaders({
    nonce,
    isDevelopment: process.env.NODE_ENV === "development",
    isProduction: process.env.NODE_ENV === "production",
    servedOverHttps: (process.env.APP_URL ?? "").startsWith("https://"),
  });

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("x-request-id", requestId);
  // Next reads the policy on the request to put the nonce on its own scripts.
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"] ?? "");

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  response.headers.set("x-request-id", requestId);
  return response;
}

export const config = {
  matcher: [
    // Everything except immutable build assets and static files.
    { source: "/((?!_next/static|_next/image|favicon.ico|robots.txt).*)" },
  ],
};
