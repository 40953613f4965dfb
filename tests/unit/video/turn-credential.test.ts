// TURN credentials in coturn's REST API scheme (use-auth-secret): a username of
// "<unix expiry>:<subject>" and a base64 HMAC-SHA1 of it under the shared secret.
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { turnCredential } from "@/lib/domain/video/ice-servers";

describe("TURN credentials", () => {
  it("expire with the username's time and verify under the shared secret only", () => {
    const expiresAt = new Date("2026-12-02T12:00:00Z");
    const { username, credential } = turnCredential("north-clinic-turn-secret", "314159", expiresAt);
    expect(username).toBe("1796212800:314159");
    // What coturn computes on its side for the same username.
    expect(credential).toBe(createHmac("sha1", "north-clinic-turn-secret").update(username).digest("base64"));
    expect(credential).not.toBe(turnCredential("another-secret-entirely", "314159", expiresAt).credential);
    expect(Buffer.from(credential, "base64")).toHaveLength(20);
  });
});
