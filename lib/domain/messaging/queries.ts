// Reads of threads and messages, scoped to the two parties of each thread. Message
// text and attachment names are PHI: each message read is audited by the data layer
// (phi.read), and each thread view also as `messages.thread.viewed`.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { careVisitFilter } from "@/lib/authz/care";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { onlineUsers } from "@/lib/realtime/event-stream";
import { realtimeTransport } from "@/lib/realtime/config";
import { requireThreadParty } from "./access";
import {
  type Counterpart,
  type Inbox,
  type MessagingPartner,
  THREAD_PAGE_SIZE,
  type ThreadView,
} from "./schemas";
import { MESSAGE_SELECT, type MessageRow, toMessageView } from "./views";

/** Display names of the other parties: doctors' public names, patients' names (PHI, audited reads). */
async function counterpartsById(actor: AuthenticatedActor, ids: string[]): Promise<Map<string, Counterpart>> {
  const unique = [...new Set(ids)];
  const byId = new Map<string, Counterpart>();
  if (unique.length === 0) return byId;
  if (actor.role === "PATIENT") {
    const doctors = await getDb().doctorProfile.findMany({
      where: { userId: { in: unique } },
      select: { userId: true, displayName: true },
    });
    for (const doctor of doctors)
      byId.set(doctor.userId, { id: doctor.userId, name: doctor.displayName, role: "DOCTOR" });
  } else {
    const patients = await getDb().patientProfile.findMany({
      where: { userId: { in: unique } },
      select: { userId: true, fullName: true },
    });
    for (const patient of patients)
      byId.set(patient.userId, { id: patient.userId, name: patient.fullName, role: "PATIENT" });
  }
  for (const id of unique) {
    if (!byId.has(id))
      byId.set(id, {
        id,
        name: actor.role === "PATIENT" ? "Doctor" : "Patient",
        role: actor.role === "PATIENT" ? "DOCTOR" : "PATIENT",
      });
  }
  return byId;
}

const ownThreads = (actor: AuthenticatedActor) =>
  actor.role === "PATIENT" ? { patientId: actor.userId } : { doctorId: actor.userId };

/** Unread messages per thread: from the other party, not read, not retracted. */
async function unreadByThread(actor: AuthenticatedActor, threadIds: string[]): Promise<Map<string, number>> {
  if (threadIds.length === 0) return new Map();
  const groups = await getDb().message.groupBy({
    by: ["threadId"],
    where: { threadId: { in: threadIds }, senderId: { not: actor.userId }, readAt: null, retractedAt: null },
    _count: { _all: true },
  });
  return new Map(groups.map((group) => [group.threadId, group._count._all]));
}

/** The actor's threads with unread counts, most recent first. */
export async function inboxOf(actor: AuthenticatedActor): Promise<Inbox> {
  if (actor.role !== "PATIENT" && actor.role !== "DOCTOR") return { threads: [], unreadTotal: 0 };
  const threads = await getDb().messageThread.findMany({
    where: ownThreads(actor),
    select: { id: true, patientId: true, doctorId: true, lastMessageAt: true, createdAt: true },
    orderBy: [{ lastMessageAt: { sort: "desc", nulls: "last" } }, { createdAt: "desc" }],
  });
  const counterpartIdOf = (thread: (typeof threads)[number]) =>
    actor.role === "PATIENT" ? thread.doctorId : thread.patientId;
  const [names, unread] = await Promise.all([
    counterpartsById(actor, threads.map(counterpartIdOf)),
    unreadByThread(
      actor,
      threads.map((thread) => thread.id),
    ),
  ]);
  const summaries = threads.map((thread) => ({
    id: thread.id,
    counterpart: names.get(counterpartIdOf(thread))!,
    lastMessageAt: thread.lastMessageAt?.toISOString() ?? null,
    unread: unread.get(thread.id) ?? 0,
  }));
  return { threads: summaries, unreadTotal: summaries.reduce((sum, thread) => sum + thread.unread, 0) };
}

/** Just the unread total (the navigation's badge), no names read. */
export async function unreadTotalOf(actor: AuthenticatedActor): Promise<number> {
  if (actor.role !== "PATIENT" && actor.role !== "DOCTOR") return 0;
  return getDb().message.count({
    where: { thread: ownThreads(actor), senderId: { not: actor.userId }, readAt: null, retractedAt: null },
  });
}

/** Everyone the actor may message (a shared confirmed visit), with their thread if it exists. */
export async function messagingPartnersOf(actor: AuthenticatedActor): Promise<MessagingPartner[]> {
  if (actor.role !== "PATIENT" && actor.role !== "DOCTOR") return [];
  const visits = await getDb().appointment.findMany({
    where: { ...ownThreads(actor), ...careVisitFilter() },
    select: { patientId: true, doctorId: true },
    distinct: actor.role === "PATIENT" ? ["doctorId"] : ["patientId"],
  });
  const ids = visits.map((visit) => (actor.role === "PATIENT" ? visit.doctorId : visit.patientId));
  const threads = await getDb().messageThread.findMany({
    where: ownThreads(actor),
    select: { id: true, patientId: true, doctorId: true },
  });
  const threadOf = new Map(
    threads.map((thread) => [actor.role === "PATIENT" ? thread.doctorId : thread.patientId, thread.id]),
  );
  const names = await counterpartsById(actor, ids);
  return ids
    .map((id) => ({ counterpart: names.get(id)!, threadId: threadOf.get(id) ?? null }))
    .sort((a, b) => a.counterpart.name.localeCompare(b.counterpart.name));
}

/** A message of this thread as a cursor, or a 404. */
async function cursorOf(threadId: string, messageId: string) {
  const cursor = await getDb().message.findFirst({
    where: { id: messageId, threadId },
    select: { id: true, createdAt: true },
  });
  if (!cursor) return refuseAsNotFound("Message", messageId);
  return cursor;
}

/** One thread's latest page of messages (or the page before/after a message); 404 for anyone but its two parties. */
export async function threadViewOf(
  actor: AuthenticatedActor,
  threadId: string,
  page: { before?: string | undefined; after?: string | undefined } = {},
): Promise<ThreadView> {
  const thread = await requireThreadParty(actor, threadId);
  let where: object = { threadId };
  let newestFirst = true;
  if (page.after) {
    const cursor = await cursorOf(threadId, page.after);
    newestFirst = false;
    where = {
      threadId,
      OR: [{ createdAt: { gt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }],
    };
  } else if (page.before) {
    const cursor = await cursorOf(threadId, page.before);
    where = {
      threadId,
      OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { lt: cursor.id } }],
    };
  }
  const direction = newestFirst ? "desc" : "asc";
  const rows = (await getDb().message.findMany({
    where,
    select: MESSAGE_SELECT,
    orderBy: [{ createdAt: direction }, { id: direction }],
    take: THREAD_PAGE_SIZE + 1,
  })) as MessageRow[];
  const hasMore = rows.length > THREAD_PAGE_SIZE;
  const pageRows = rows.slice(0, THREAD_PAGE_SIZE);
  if (newestFirst) pageRows.reverse();

  const [names, online] = await Promise.all([
    counterpartsById(actor, [thread.counterpartId]),
    // With Pusher, the thread's presence channel says who is here.
    realtimeTransport() === "builtin"
      ? onlineUsers([thread.counterpartId])
      : Promise.resolve(new Set<string>()),
  ]);
  await recordAuditEvent({
    action: "messages.thread.viewed",
    resourceType: "MessageThread",
    resourceId: threadId,
    details: { patientId: thread.patientId, messages: pageRows.length },
  });
  const now = Date.now();
  return {
    id: thread.id,
    meId: actor.userId,
    counterpart: { ...names.get(thread.counterpartId)!, online: online.has(thread.counterpartId) },
    messages: pageRows.map((row) => toMessageView(row, actor.userId, now)),
    // A page after a cursor says nothing about earlier messages (the client already has them).
    hasEarlier: newestFirst ? hasMore : false,
  };
}
