import "server-only";
import { getEnv } from "@/lib/env";
import { newestEventIdOf } from "./event-stream";
import type { RealtimeClientConfig } from "./events";

export type RealtimeTransport = "builtin" | "pusher";

/** Pusher when configured (or forced), else the built-in Server-Sent Events. */
export function realtimeTransport(): RealtimeTransport {
  const env = getEnv();
  if (env.REALTIME_TRANSPORT !== "auto") return env.REALTIME_TRANSPORT;
  return env.PUSHER_APP_ID && env.PUSHER_KEY && env.PUSHER_SECRET && env.PUSHER_CLUSTER
    ? "pusher"
    : "builtin";
}

/** How browsers connect (no secret in it: Pusher's app key is public). */
export async function realtimeClientConfig(userId: string): Promise<RealtimeClientConfig> {
  if (realtimeTransport() === "builtin")
    return { transport: "builtin", since: await newestEventIdOf(userId) };
  const env = getEnv();
  return {
    transport: "pusher",
    key: env.PUSHER_KEY ?? "",
    cluster: env.PUSHER_CLUSTER ?? "",
    host: env.PUSHER_HOST ?? null,
    port: env.PUSHER_PORT ?? null,
    forceTLS: env.PUSHER_USE_TLS,
  };
}
