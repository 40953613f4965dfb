// Messaging's side of realtime: typing indicators, who may subscribe to which Pusher
// channel, and who hears about a user's presence.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { isUuid } from "@/lib/http/params";
import { threadPresenceChannel, userChannel } from "@/lib/realtime/events";
import { publishEphemeral } from "@/lib/realtime/publish";
import { requireThreadParty } from "./access";

export { threadCounterpartsOf as presenceAudienceOf } from "./access";

/** "X is typing…" to the other party of a thread the actor belongs to. */
export async function announceTyping(actor: AuthenticatedActor, threadId: string): Promise<void> {
  const thread = await requireThreadParty(actor, threadId);
  await publishEphemeral([thread.counterpartId], "typing", { threadId, userId: actor.userId });
}

/** The id a channel name ends with after its prefix, when it is exactly a UUID. */
function idAfter(channel: string, prefix: string): string | null {
  if (!channel.startsWith(prefix)) return null;
  const id = channel.slice(prefix.length);
  return isUuid(id) ? id : null;
}

/**
 * Whether the actor may subscribe to a Pusher channel: their own private channel, or
 * the presence channel of a thread they belong to. Anything else is a 404 (audited).
 * Returns the presence member data for presence channels (the user id only).
 */
export async function authorizeChannel(
  actor: AuthenticatedActor,
  channel: string,
): Promise<{ presence: { userId: string } | null }> {
  const userId = idAfter(channel, "private-user-");
  if (userId) {
    if (channel !== userChannel(actor.userId)) return refuseAsNotFound("RealtimeChannel", userId);
    return { presence: null };
  }
  const threadId = idAfter(channel, "presence-thread-");
  if (threadId && channel === threadPresenceChannel(threadId)) {
    await requireThreadParty(actor, threadId);
    return { presence: { userId: actor.userId } };
  }
  return refuseAsNotFound("RealtimeChannel", "(not a channel)");
}
