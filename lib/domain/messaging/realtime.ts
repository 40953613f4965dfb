// Messaging's side of realtime: typing indicators, who may subscribe to which Pusher
// channel, and who hears about a user's presence.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { threadPresenceChannel, userChannel } from "@/lib/realtime/events";
import { publishEphemeral } from "@/lib/realtime/publish";
import { requireThreadParty } from "./access";

export { threadCounterpartsOf as presenceAudienceOf } from "./access";

/** "X is typing…" to the other party of a thread the actor belongs to. */
export async function announceTyping(actor: AuthenticatedActor, threadId: string): Promise<void> {
  const thread = await requireThreadParty(actor, threadId);
  await publishEphemeral([thread.counterpartId], "typing", { threadId, userId: actor.userId });
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const PRIVATE_USER = new RegExp(`^private-user-(${UUID})$`);
const PRESENCE_THREAD = new RegExp(`^presence-thread-(${UUID})$`);

/**
 * Whether the actor may subscribe to a Pusher channel: their own private channel, or
 * the presence channel of a thread they belong to. Anything else is a 404 (audited).
 * Returns the presence member data for presence channels (the user id only).
 */
export async function authorizeChannel(
  actor: AuthenticatedActor,
  channel: string,
): Promise<{ presence: { userId: string } | null }> {
  const own = PRIVATE_USER.exec(channel);
  if (own) {
    if (own[1] !== actor.userId || channel !== userChannel(actor.userId)) {
      return refuseAsNotFound("RealtimeChannel", own[1]!);
    }
    return { presence: null };
  }
  const thread = PRESENCE_THREAD.exec(channel);
  if (thread && channel === threadPresenceChannel(thread[1]!)) {
    await requireThreadParty(actor, thread[1]!);
    return { presence: { userId: actor.userId } };
  }
  return refuseAsNotFound("RealtimeChannel", "(not a channel)");
}
