// Announcing changes to the people concerned, on whichever transport is configured.
// Events carry ids only (lib/realtime/events.ts); clients fetch content through the
// authenticated API. Durable events are stored (built-in transport) so that a client
// reconnecting with Last-Event-ID misses nothing, and are delivered only once the
// change they announce is committed.
import "server-only";
import { afterCommit, currentTransaction } from "@/lib/db/client";
import { triggerPusher } from "@/lib/integrations/pusher/server";
import { type Envelope, realtimeBus } from "./bus";
import { realtimeTransport } from "./config";
import {
  type DurableEventName,
  REALTIME_EVENTS,
  type RealtimeEventData,
  type RealtimeEventName,
  userChannel,
} from "./events";

/**
 * Writers of durable events take this transaction-level lock right before they
 * insert, and hold it until commit: event ids then increase in commit order, so a
 * reader who has seen id n has seen every event below n ("after my last id" misses
 * nothing). Only event-writing transactions wait, and only for each other's commit.
 */
const EVENT_ORDER_LOCK = 7_265_321_001;

/**
 * Takes the order lock in the current transaction (held to commit): rows inserted after it
 * get ids in commit order. For other id-ordered relays read "after my last id" (video signals).
 */
export async function lockCommitOrder(): Promise<void> {
  const tx = currentTransaction();
  if (!tx) throw new Error("lockCommitOrder runs inside a transaction");
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${EVENT_ORDER_LOCK}::bigint)`;
}

/**
 * Inside the transaction that makes the change, as its last statement (the order
 * lock is held until commit). Delivered after commit; nothing if it rolls back.
 */
export async function publishDurable<Name extends DurableEventName>(
  userIds: readonly string[],
  name: Name,
  data: RealtimeEventData<Name>,
): Promise<void> {
  const payload = REALTIME_EVENTS[name].parse(data) as Record<string, unknown>;
  if (realtimeTransport() === "pusher") {
    afterCommit(() => void triggerPusher(userIds.map(userChannel), name, payload));
    return;
  }
  const tx = currentTransaction();
  if (!tx) throw new Error("publishDurable runs inside the transaction that made the change");
  await lockCommitOrder();
  const envelopes: Envelope[] = [];
  for (const userId of new Set(userIds)) {
    const [row] = await tx.$queryRaw<{ id: bigint }[]>`
      INSERT INTO realtime_events (user_id, name, data)
      VALUES (${userId}::uuid, ${name}, ${JSON.stringify(payload)}::jsonb)
      RETURNING id`;
    envelopes.push({ id: String(row!.id), userId, name, data: payload });
  }
  await realtimeBus().sendOnCommit(envelopes);
}

/** Typing and presence: delivered now, not stored (nothing to replay). */
export async function publishEphemeral<Name extends Exclude<RealtimeEventName, DurableEventName | "resync">>(
  userIds: readonly string[],
  name: Name,
  data: RealtimeEventData<Name>,
): Promise<void> {
  const payload = REALTIME_EVENTS[name].parse(data) as Record<string, unknown>;
  const recipients = [...new Set(userIds)];
  if (recipients.length === 0) return;
  if (realtimeTransport() === "pusher") {
    await triggerPusher(recipients.map(userChannel), name, payload);
    return;
  }
  await realtimeBus().sendNow(recipients.map((userId) => ({ id: null, userId, name, data: payload })));
}
