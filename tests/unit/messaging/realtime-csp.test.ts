// The portals' CSP allows Pusher's socket only when Pusher is the transport.
import { describe, expect, it } from "vitest";
import { buildContentSecurityPolicy, mergeCspAdditions, realtimeCspAdditions } from "@/lib/security/headers";

const pusher = {
  PUSHER_APP_ID: "1",
  PUSHER_KEY: "abcdefgh12",
  PUSHER_SECRET: "s".repeat(20),
  PUSHER_CLUSTER: "eu",
};

describe("realtime CSP", () => {
  it("adds nothing for the built-in transport (same origin)", () => {
    expect(realtimeCspAdditions({})).toBeNull();
    expect(realtimeCspAdditions({ ...pusher, REALTIME_TRANSPORT: "builtin" })).toBeNull();
    expect(realtimeCspAdditions({ PUSHER_KEY: "abcdefgh12" })).toBeNull();
  });

  it("allows the cluster's WebSocket, or a Pusher-compatible server's own", () => {
    expect(realtimeCspAdditions(pusher)).toEqual({ "connect-src": ["wss://ws-eu.pusher.com"] });
    expect(
      realtimeCspAdditions({
        ...pusher,
        PUSHER_HOST: "rt.clinic.example",
        PUSHER_PORT: "6001",
        PUSHER_USE_TLS: "false",
      }),
    ).toEqual({
      "connect-src": ["ws://rt.clinic.example:6001"],
    });
    const policy = buildContentSecurityPolicy(
      "n",
      false,
      true,
      mergeCspAdditions(null, realtimeCspAdditions(pusher)),
    );
    expect(policy).toMatch(/connect-src 'self' wss:\/\/ws-eu\.pusher\.com/);
  });
});
