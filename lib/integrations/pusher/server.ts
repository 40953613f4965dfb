// Pusher Channels, the hosted realtime transport. Haven sends it event names and
// ids only (lib/realtime/events.ts); it never sees message text or names.
import "server-only";
import Pusher from "pusher";
import { getEnv } from "@/lib/env";
import { describeError, logger } from "@/lib/logger";

const globalForPusher = globalThis as unknown as { havenPusher?: Pusher };

/** The process's Pusher client (PUSHER_HOST/PORT point it at a Pusher-compatible server, or a test's recorder). */
export function pusherClient(): Pusher {
  if (!globalForPusher.havenPusher) {
    const env = getEnv();
    if (!env.PUSHER_APP_ID || !env.PUSHER_KEY || !env.PUSHER_SECRET || !env.PUSHER_CLUSTER) {
      throw new Error("Pusher is not configured (PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET, PUSHER_CLUSTER)");
    }
    const base = {
      appId: env.PUSHER_APP_ID,
      key: env.PUSHER_KEY,
      secret: env.PUSHER_SECRET,
      useTLS: env.PUSHER_USE_TLS,
      timeout: 5_000,
    };
    globalForPusher.havenPusher = new Pusher(
      env.PUSHER_HOST
        ? { ...base, host: env.PUSHER_HOST, ...(env.PUSHER_PORT ? { port: String(env.PUSHER_PORT) } : {}) }
        : { ...base, cluster: env.PUSHER_CLUSTER },
    );
  }
  return globalForPusher.havenPusher;
}

/** Sends one event to channels (at most 100 per call, Pusher's limit). A failure is logged, never thrown:
 * the change it announces is committed, and clients refetch when they reconnect or regain focus. */
export async function triggerPusher(channels: string[], name: string, data: object): Promise<void> {
  try {
    for (let start = 0; start < channels.length; start += 100) {
      await pusherClient().trigger(channels.slice(start, start + 100), name, data);
    }
  } catch (error) {
    logger.error("pusher trigger failed", {
      event: name,
      channels: channels.length,
      ...describeError(error),
    });
  }
}

/** Signs a subscription the caller has already authorised (Pusher's channel authorization response). */
export function signPusherSubscription(
  socketId: string,
  channel: string,
  presence?: { userId: string },
): { auth: string; channel_data?: string } {
  return presence
    ? pusherClient().authorizeChannel(socketId, channel, { user_id: presence.userId, user_info: {} })
    : pusherClient().authorizeChannel(socketId, channel);
}

/** Forgets the client (tests change the configuration). */
export function resetPusherClient(): void {
  globalForPusher.havenPusher = undefined;
}
