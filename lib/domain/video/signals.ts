// WebRTC signalling for the built-in video: each side's session descriptions and ICE
// candidates are relayed through Haven, authorised like everything else (the visit's two
// parties only), stored until read so that none is lost to a dropped connection, and
// announced by a realtime event that carries ids only. Only while the visit is in progress:
// a waiting patient cannot reach the doctor's browser before being admitted.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, transaction } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { lockCommitOrder, publishDurable } from "@/lib/realtime/publish";
import { counterpartOf, lockVisit, roomVisitFor } from "./room";
import { SESSION_ENDED, type SendSignal, type SignalKind, type SignalPage } from "./schemas";

/** A page of signals: far more than one negotiation sends. */
const PAGE_SIZE = 200;

export async function sendSignal(
  actor: AuthenticatedActor,
  visitId: string,
  signal: SendSignal,
): Promise<{ id: string }> {
  const found = await roomVisitFor(actor, visitId);
  return transaction(async () => {
    // Shared with other signals, exclusive of an end: a signal never lands after the visit ended.
    const visit = await lockVisit(found, "SHARE");
    if (visit.status !== "IN_PROGRESS") {
      throw new AppError(
        "CONFLICT",
        actor.userId === visit.patientId
          ? "The doctor has not let you in yet."
          : "The visit is not in progress: admit the patient first.",
      );
    }
    // The session must be the sender's own, still in the room: a signal cannot speak for another tab.
    const join = await getDb().videoJoin.findFirst({
      where: { id: signal.session, appointmentId: visit.id, userId: actor.userId, leftAt: null },
      select: { id: true },
    });
    if (!join) throw new AppError("CONFLICT", SESSION_ENDED);
    const recipientId = counterpartOf(actor, visit);
    // Ids in commit order: a reader's "after my last id" never skips a signal that committed late.
    await lockCommitOrder();
    const row = await getDb().videoSignal.create({
      data: {
        appointmentId: visit.id,
        senderId: actor.userId,
        recipientId,
        session: signal.session,
        kind: signal.kind,
        payload: signal.payload === undefined || signal.payload === null ? undefined : signal.payload,
      },
      select: { id: true },
    });
    const id = String(row.id);
    await publishDurable([recipientId], "video.signal", { visitId: visit.id, signalId: id });
    return { id };
  });
}

/** The other side's signals to the caller after a cursor, in the order they were sent. */
export async function signalsFor(
  actor: AuthenticatedActor,
  visitId: string,
  after: bigint,
): Promise<SignalPage> {
  const visit = await roomVisitFor(actor, visitId);
  const rows = await getDb().videoSignal.findMany({
    where: { appointmentId: visit.id, recipientId: actor.userId, id: { gt: after } },
    orderBy: { id: "asc" },
    take: PAGE_SIZE,
    select: { id: true, session: true, kind: true, payload: true },
  });
  return {
    signals: rows.map((row) => ({
      id: String(row.id),
      session: row.session,
      kind: row.kind as SignalKind,
      payload: row.payload ?? null,
    })),
    cursor: String(rows.at(-1)?.id ?? after),
  };
}
