// A visit's video room: the patient joins and waits, the doctor admits them (the visit is
// then in progress), either may leave and come back, the doctor ends the visit (completed).
// Only the visit's doctor and patient, only while the room is open (window.ts); anyone else
// gets the audited 404. Every join, admission, leaving and end is audited, and announced to
// the other side through the realtime transport (ids only): the status change itself by the
// scheduling area (`visit.status`), the room's own comings and goings here.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { currentTransaction, getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { requireConsent } from "@/lib/domain/consent/require-consent";
import { canProgress, canSee } from "@/lib/domain/scheduling/policy";
import { transitionAppointment } from "@/lib/domain/scheduling/transition-appointment";
import { AppError } from "@/lib/http/errors";
import { realtimeTransport } from "@/lib/realtime/config";
import { onlineUsers } from "@/lib/realtime/event-stream";
import { lockCommitOrder, publishDurable } from "@/lib/realtime/publish";
import { videoUidOf } from "./channel";
import { iceServersFor } from "./ice-servers";
import { agoraSettings, issueVideoToken } from "./issue-token";
import type { RoomJoin, RoomState, RoomStatus, RoomTransport } from "./schemas";
import { ROOM_REFUSAL_MESSAGE, roomRefusal } from "./window";

export interface RoomVisit {
  id: string;
  patientId: string;
  doctorId: string;
  startsAt: Date;
  endsAt: Date;
  status: string;
}

/** The visit, if the actor is its doctor or its patient; otherwise the audited 404. */
export async function roomVisitFor(actor: AuthenticatedActor, visitId: string): Promise<RoomVisit> {
  const visit = await getDb().appointment.findUnique({
    where: { id: visitId },
    select: { id: true, patientId: true, doctorId: true, startsAt: true, endsAt: true, status: true },
  });
  if (!visit || !canSee(actor, visit)) return refuseAsNotFound("Appointment", visitId);
  return visit;
}

export const counterpartOf = (actor: AuthenticatedActor, visit: RoomVisit): string =>
  actor.userId === visit.doctorId ? visit.patientId : visit.doctorId;

export function roomStateOf(status: string): RoomState {
  if (status === "IN_PROGRESS") return "admitted";
  if (status === "COMPLETED") return "ended";
  return "waiting";
}

/**
 * The patient is in the room: their latest join has not left and, with the built-in transport,
 * their page still holds its event stream (a tab that died without saying goodbye is not
 * "waiting" for ever). With Pusher, Haven does not see connections: the join alone decides.
 */
async function patientPresent(visit: RoomVisit): Promise<boolean> {
  const latest = await getDb().videoJoin.findFirst({
    where: { appointmentId: visit.id, userId: visit.patientId },
    orderBy: { joinedAt: "desc" },
    select: { leftAt: true },
  });
  if (latest === null || latest.leftAt !== null) return false;
  return realtimeTransport() !== "builtin" || (await onlineUsers([visit.patientId])).has(visit.patientId);
}

async function statusOf(visit: RoomVisit): Promise<RoomStatus> {
  const state = roomStateOf(visit.status);
  return { state, patientWaiting: state === "waiting" && (await patientPresent(visit)) };
}

export async function roomStatus(actor: AuthenticatedActor, visitId: string): Promise<RoomStatus> {
  return statusOf(await roomVisitFor(actor, visitId));
}

/**
 * A visit under way stays open until the doctor ends it, however late it runs; otherwise the
 * window decides (window.ts). Agora tokens keep to the window (issue-token.ts).
 */
function refuseClosedRoom(visit: RoomVisit, now: Date): void {
  if (visit.status === "IN_PROGRESS") return;
  const refusal = roomRefusal(visit, now);
  if (refusal) throw new AppError("CONFLICT", ROOM_REFUSAL_MESSAGE[refusal]);
}

/**
 * Locks the visit's row for this transaction and reads its status afresh: joins, admissions,
 * ends and signals of one visit then happen one after another, each seeing the last.
 */
export async function lockVisit(visit: RoomVisit, mode: "UPDATE" | "SHARE"): Promise<RoomVisit> {
  const tx = currentTransaction();
  if (!tx) throw new Error("lockVisit runs inside a transaction");
  const [row] =
    mode === "UPDATE"
      ? await tx.$queryRaw<
          { status: string }[]
        >`SELECT status::text FROM appointments WHERE id = ${visit.id}::uuid FOR UPDATE`
      : await tx.$queryRaw<
          { status: string }[]
        >`SELECT status::text FROM appointments WHERE id = ${visit.id}::uuid FOR SHARE`;
  return { ...visit, status: row?.status ?? visit.status };
}

async function transportFor(actor: AuthenticatedActor, visit: RoomVisit, now: Date): Promise<RoomTransport> {
  if (agoraSettings()) return { kind: "agora", ...(await issueVideoToken(actor, visit.id, now)) };
  return {
    kind: "builtin",
    iceServers: iceServersFor(String(videoUidOf(visit.id, actor.userId)), now),
    // Perfect negotiation: on colliding offers the polite side (the patient) gives way.
    polite: actor.userId === visit.patientId,
  };
}

/**
 * Enters the room (a tab pressing "Join"): a new session, replacing the caller's earlier
 * ones (a reload); the patient's arrival is announced to the doctor while they wait.
 */
export async function joinRoom(
  actor: AuthenticatedActor,
  visitId: string,
  now = new Date(),
): Promise<RoomJoin> {
  const found = await roomVisitFor(actor, visitId);
  const isPatient = actor.userId === found.patientId;
  if (isPatient) await requireConsent(found.patientId, "TELEHEALTH", "PRIVACY");
  const { session, visit, cursor } = await transaction(async () => {
    const visit = await lockVisit(found, "UPDATE");
    refuseClosedRoom(visit, now);
    const db = getDb();
    await db.videoJoin.updateMany({
      where: { appointmentId: visit.id, userId: actor.userId, leftAt: null },
      data: { leftAt: now },
    });
    const join = await db.videoJoin.create({
      data: { appointmentId: visit.id, userId: actor.userId },
      select: { id: true },
    });
    await recordAuditEvent({
      action: "video.joined",
      resourceType: "Appointment",
      resourceId: visit.id,
      details: { role: isPatient ? "PATIENT" : "DOCTOR", session: join.id },
    });
    // Signal ids follow commit order (lockCommitOrder): every signal after this cursor is
    // one this session can read; none that commits later can carry a smaller id.
    await lockCommitOrder();
    const newest = await db.videoSignal.aggregate({ where: { appointmentId: visit.id }, _max: { id: true } });
    if (isPatient && visit.status === "CONFIRMED") {
      await publishDurable([visit.doctorId], "video.waiting", { visitId: visit.id });
    }
    return { session: join.id, visit, cursor: newest._max.id ?? 0n };
  });
  const [status, transport] = await Promise.all([statusOf(visit), transportFor(actor, visit, now)]);
  return {
    role: isPatient ? "PATIENT" : "DOCTOR",
    ...status,
    session,
    transport,
    signalCursor: String(cursor),
  };
}

/** The doctor lets the waiting patient in: the visit is in progress (again: nothing more). */
export async function admitPatient(
  actor: AuthenticatedActor,
  visitId: string,
  now = new Date(),
): Promise<RoomStatus> {
  const found = await roomVisitFor(actor, visitId);
  if (!canProgress(actor, found)) return refuseAsNotFound("Appointment", visitId);
  await transaction(async () => {
    const visit = await lockVisit(found, "UPDATE");
    // Admitted already (another tab of the doctor's, the visit page's "Start"): nothing more.
    if (visit.status === "IN_PROGRESS") return;
    refuseClosedRoom(visit, now);
    await transitionAppointment(visit.id, "IN_PROGRESS");
    await recordAuditEvent({ action: "video.admitted", resourceType: "Appointment", resourceId: visit.id });
  });
  return { state: "admitted", patientWaiting: false };
}

/** The doctor ends the visit: completed, everyone's session closed, the relayed signals gone. */
export async function endVisit(actor: AuthenticatedActor, visitId: string): Promise<RoomStatus> {
  const found = await roomVisitFor(actor, visitId);
  if (!canProgress(actor, found)) return refuseAsNotFound("Appointment", visitId);
  await transaction(async () => {
    const visit = await lockVisit(found, "UPDATE");
    if (visit.status === "COMPLETED") return;
    if (visit.status !== "IN_PROGRESS") {
      throw new AppError("CONFLICT", "Only a visit in progress can be ended. Admit the patient first.");
    }
    await transitionAppointment(visit.id, "COMPLETED");
    const db = getDb();
    await db.videoJoin.updateMany({
      where: { appointmentId: visit.id, leftAt: null },
      data: { leftAt: new Date() },
    });
    await db.videoSignal.deleteMany({ where: { appointmentId: visit.id } });
    await recordAuditEvent({ action: "video.ended", resourceType: "Appointment", resourceId: visit.id });
  });
  return { state: "ended", patientWaiting: false };
}

/** The caller's session leaves the room (a button, or the tab closing); they may join again. */
export async function leaveRoom(actor: AuthenticatedActor, visitId: string, session: string): Promise<void> {
  const visit = await roomVisitFor(actor, visitId);
  await transaction(async () => {
    const { count } = await getDb().videoJoin.updateMany({
      where: { id: session, appointmentId: visit.id, userId: actor.userId, leftAt: null },
      data: { leftAt: new Date() },
    });
    if (count === 0) return;
    await recordAuditEvent({
      action: "video.left",
      resourceType: "Appointment",
      resourceId: visit.id,
      details: { session },
    });
    await publishDurable([counterpartOf(actor, visit)], "video.left", {
      visitId: visit.id,
      userId: actor.userId,
    });
  });
}
