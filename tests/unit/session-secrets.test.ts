// Rotating AUTH_SECRET signs nobody out: with the retired secret in AUTH_SECRET_PREVIOUS, a session
// cookie made with it still opens the portals (the page's check, proxy.ts's role redirects and
// next-auth's own endpoints), while new cookies are made with the new secret. Without it, the old
// cookie is no session.
import { randomBytes, randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SESSION_COOKIE, cookieName } from "@/lib/auth/cookies";
import { authOptions } from "@/lib/auth/options";
import { decodeSessionCookie, encodeSessionCookie } from "@/lib/auth/session-cookie";
import { resetEnvCache } from "@/lib/env";
import { proxy } from "@/proxy";

const retired = randomBytes(48).toString("base64url");
const current = randomBytes(48).toString("base64url");
const session = () => ({ sessionId: randomUUID(), userId: randomUUID(), role: "DOCTOR" as const });
// Each case makes its own cookie: decoding results are cached per cookie value.
const oldCookie = () => encode({ token: session(), secret: retired, maxAge: 3600 });

function useSecrets(secret: string, previous?: string) {
  vi.stubEnv("AUTH_SECRET", secret);
  vi.stubEnv("AUTH_SECRET_PREVIOUS", previous ?? "");
  resetEnvCache();
}

/** Where proxy.ts sends a browser with this cookie that opens the doctor's portal (null: it lets it in). */
async function portalRedirect(cookie: string): Promise<string | null> {
  const response = await proxy(
    new NextRequest("http://localhost:3000/doctor", {
      headers: { cookie: `${cookieName(SESSION_COOKIE)}=${cookie}` },
    }),
  );
  const location = response.headers.get("location");
  return location ? new URL(location).pathname : null;
}

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe("rotating AUTH_SECRET", () => {
  it("keeps a cookie made with the retired secret working while AUTH_SECRET_PREVIOUS holds it", async () => {
    useSecrets(current, retired);
    const cookie = await oldCookie();
    expect(await decodeSessionCookie(cookie)).toMatchObject({ role: "DOCTOR" });
    expect(await portalRedirect(cookie)).toBeNull();
    const payload = await authOptions().jwt!.decode!({ token: cookie, secret: current });
    expect(payload).toMatchObject({ role: "DOCTOR" });

    // A new cookie is made with the new secret alone.
    const fresh = await encodeSessionCookie(session());
    useSecrets(current);
    expect(await decodeSessionCookie(fresh.value)).toMatchObject({ role: "DOCTOR" });
  });

  it("treats a cookie made with a retired secret as no session once it is gone", async () => {
    useSecrets(current);
    const cookie = await oldCookie();
    expect(await decodeSessionCookie(cookie)).toBeNull();
    expect(await portalRedirect(cookie)).toBe("/sign-in");
    expect(await authOptions().jwt!.decode!({ token: cookie, secret: current })).toBeNull();
  });
});
