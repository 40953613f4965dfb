import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "@/proxy";

// NextResponse.next({ request: { headers } }) hands the rewritten request headers
// to Next as x-middleware-override-headers plus one x-middleware-request-* each.
const forwardedTo = (response: Response) => ({
  overridden: (response.headers.get("x-middleware-override-headers") ?? "").split(","),
  xForwardedFor: response.headers.get("x-middleware-request-x-forwarded-for"),
});

describe("proxy.ts without a trusted proxy (TRUST_PROXY unset)", () => {
  it("removes a client's own X-Forwarded-For, so Next fills in the socket address", async () => {
    const response = await proxy(
      new NextRequest("http://haven.example/sign-in", {
        headers: { "x-forwarded-for": "1.2.3.4", "x-forwarded-host": "evil.example" },
      }),
    );
    const { overridden, xForwardedFor } = forwardedTo(response);
    expect(overridden).toContain("x-nonce");
    expect(overridden).not.toContain("x-forwarded-for");
    expect(overridden).not.toContain("x-forwarded-host");
    expect(xForwardedFor).toBeNull();
  });

  it("answers a cross-site form post itself, with the security headers, before Next's action handler", async () => {
    const form = new FormData();
    form.set("email", "a@example.test");
    const response = await proxy(
      new NextRequest("http://haven.example/forgot-password", {
        method: "POST",
        headers: { origin: "https://evil.example", host: "haven.example" },
        body: form,
      }),
    );
    expect(response.status).toBe(403);
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });
});
