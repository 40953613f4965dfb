// Only the page that opens Razorpay Checkout lets Razorpay's script, frames and
// calls in; every other page keeps the app's own policy. And the TEST MODE
// checkout (/pay/test/<id>) is a signed-in page: the proxy sends the anonymous to sign in.
import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import {
  RAZORPAY_CHECKOUT_SOURCES,
  buildContentSecurityPolicy,
  pageCspAdditions,
} from "@/lib/security/headers";
import { proxy } from "@/proxy";

/** The policy as directive → sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(";").map((part) => {
      const [name = "", ...sources] = part.trim().split(/\s+/);
      return [name, sources] as const;
    }),
  );
}

const RAZORPAY = /razorpay/;

describe("the Razorpay checkout page's policy", () => {
  it("applies to /patient/pay/<id> only", () => {
    const id = randomUUID();
    expect(pageCspAdditions(`/patient/pay/${id}`)).toBe(RAZORPAY_CHECKOUT_SOURCES);
    for (const path of [
      "/patient",
      `/patient/visits/${id}`,
      `/patient/pay/${id}/other`,
      `/patient/payments/${id}`,
      `/pay/test/tco_${id}`,
      `/api/payments/${id}/receipt`,
      `/doctor/pay/${id}`,
    ]) {
      expect(pageCspAdditions(path), path).toBeNull();
    }
  });

  it("adds Razorpay's script, frame and connect sources and keeps the nonce, 'self' and the rest", () => {
    const policy = directives(buildContentSecurityPolicy("abc", false, true, RAZORPAY_CHECKOUT_SOURCES));
    expect(policy.get("script-src")).toEqual([
      "'self'",
      "'nonce-abc'",
      "'strict-dynamic'",
      "https://checkout.razorpay.com",
    ]);
    expect(policy.get("frame-src")).toEqual([
      "'self'",
      "https://api.razorpay.com",
      "https://checkout.razorpay.com",
    ]);
    expect(policy.get("connect-src")).toEqual([
      "'self'",
      "https://api.razorpay.com",
      "https://lumberjack.razorpay.com",
    ]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.has("upgrade-insecure-requests")).toBe(true);
  });

  it("is what the proxy sends for that path, and for no other", async () => {
    const id = randomUUID();
    const widened = await proxy(new NextRequest(`http://haven.example/patient/pay/${id}`));
    const policy = widened.headers.get("content-security-policy") ?? "";
    expect(directives(policy).get("script-src")).toContain("https://checkout.razorpay.com");
    expect(directives(policy).get("frame-src")).toContain("https://api.razorpay.com");
    for (const path of [`/patient/visits/${id}`, "/sign-in", "/patient/billing", `/pay/test/tco_${id}`]) {
      const response = await proxy(new NextRequest(`http://haven.example${path}`));
      expect(response.headers.get("content-security-policy"), path).not.toMatch(RAZORPAY);
    }
  });
});

describe("the TEST MODE checkout page", () => {
  it("sends an anonymous visitor to sign in, like the portal pages", async () => {
    const response = await proxy(new NextRequest(`http://haven.example/pay/test/tco_${randomUUID()}`));
    expect(response.status).toBe(307);
    expect(new URL(response.headers.get("location") ?? "").pathname).toBe("/sign-in");
  });
});
