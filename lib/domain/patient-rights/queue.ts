// The admins' queue of patients' data-rights requests: every request with its deadline, and one
// request's steps, assignee and legal hold state, with what an admin may do next (assign a
// correction, start or carry out an erasure, decline with a reason). Admins never read what the
// patient wrote or the doctor answered: the request's account id and email are enough to act.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import type { DataRequestKind, DataRequestStatus } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { type RequestStepView, type TreatingDoctor, treatingDoctorsOf } from "./corrections";
import { activeLegalHold } from "./legal-hold";
import { FINAL_STATUSES, lockRequest, recordStep } from "./requests";
import type { CorrectionTargetType } from "./schemas";

export interface QueueEntry {
  id: string;
  kind: DataRequestKind;
  status: DataRequestStatus;
  receivedAt: Date;
  dueAt: Date;
  completedAt: Date | null;
  /** A correction with no doctor to answer it: the admins assign one. */
  unassigned: boolean;
}

async function assertAdmin(actor: AuthenticatedActor, resourceId: string): Promise<void> {
  if (actor.role !== "ADMIN") await refuseAsNotFound("DataRequest", resourceId);
}

/** Open requests first, soonest due first; then closed ones, most recent first. */
export async function listRequests(
  actor: AuthenticatedActor,
  filter: { status: DataRequestStatus | null; kind: DataRequestKind | null },
): Promise<QueueEntry[]> {
  await assertAdmin(actor, "(queue)");
  const where = {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.kind ? { kind: filter.kind } : {}),
  };
  const select = {
    id: true,
    kind: true,
    status: true,
    receivedAt: true,
    dueAt: true,
    completedAt: true,
    assigneeId: true,
  } as const;
  const [open, closed] = await Promise.all([
    getDb().dataRequest.findMany({
      where: { ...where, status: filter.status ?? { notIn: [...FINAL_STATUSES] } },
      select,
      orderBy: { dueAt: "asc" },
      take: 500,
    }),
    filter.status && !FINAL_STATUSES.includes(filter.status)
      ? Promise.resolve([])
      : getDb().dataRequest.findMany({
          where: { ...where, status: filter.status ?? { in: [...FINAL_STATUSES] } },
          select,
          orderBy: { completedAt: "desc" },
          take: 100,
        }),
  ]);
  const rows = filter.status && FINAL_STATUSES.includes(filter.status) ? closed : [...open, ...closed];
  return rows.map(({ assigneeId, ...row }) => ({
    ...row,
    unassigned: row.kind === "CORRECTION" && assigneeId === null && !FINAL_STATUSES.includes(row.status),
  }));
}

export interface RequestForAdmin extends QueueEntry {
  patientId: string;
  patientEmail: string | null;
  patientStatus: string;
  targetType: CorrectionTargetType | null;
  assigneeId: string | null;
  assigneeName: string | null;
  /** What an erasure erased and kept, or what an export held (counts only). */
  outcome: unknown;
  answered: boolean;
  steps: (RequestStepView & { actorName: string | null })[];
  legalHold: { id: string; placedAt: Date } | null;
  treatingDoctors: TreatingDoctor[];
}

const asTargetType = (value: string | null): CorrectionTargetType | null =>
  value === "profile" || value === "note" || value === "prescription" || value === "other" ? value : null;

/** Names of the people who acted on a request, as an admin recognises them (no patient names). */
export async function actorNames(ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!wanted.length) return new Map();
  const users = await getDb().user.findMany({
    where: { id: { in: wanted } },
    select: { id: true, role: true, doctorProfile: { select: { displayName: true } } },
  });
  const roleLabel = { PATIENT: "The patient", DOCTOR: "Doctor", ADMIN: "Admin" } as const;
  return new Map(
    users.map((user) => [
      user.id,
      user.doctorProfile?.displayName ??
        (user.role === "PATIENT" ? roleLabel.PATIENT : `${roleLabel[user.role]} ${user.id.slice(0, 8)}`),
    ]),
  );
}

/** One request for an admin (audited view): its steps, assignee, deadline, hold and the patient's account. */
export async function requestForAdmin(
  actor: AuthenticatedActor,
  requestId: string,
): Promise<RequestForAdmin> {
  await assertAdmin(actor, requestId);
  const row = await getDb().dataRequest.findUnique({
    where: { id: requestId },
    select: {
      id: true,
      patientId: true,
      kind: true,
      status: true,
      receivedAt: true,
      dueAt: true,
      completedAt: true,
      assigneeId: true,
      targetType: true,
      outcome: true,
      events: {
        select: { id: true, at: true, step: true, toStatus: true, actorId: true },
        orderBy: { at: "asc" },
      },
    },
  });
  if (!row) return refuseAsNotFound("DataRequest", requestId);
  return transaction(async () => {
    // The email is needed to contact the patient about the request (a PHI read, audited).
    const patient = await getDb().user.findUniqueOrThrow({
      where: { id: row.patientId },
      select: { email: true, status: true },
    });
    const [names, legalHold, treatingDoctors] = await Promise.all([
      actorNames([row.assigneeId, ...row.events.map((event) => event.actorId)]),
      activeLegalHold(row.patientId),
      row.kind === "CORRECTION" && !FINAL_STATUSES.includes(row.status)
        ? treatingDoctorsOf(row.patientId)
        : Promise.resolve([]),
    ]);
    await recordAuditEvent({
      action: "rights.request.viewed",
      resourceType: "DataRequest",
      resourceId: requestId,
      subjectId: row.patientId,
    });
    const final = FINAL_STATUSES.includes(row.status);
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      receivedAt: row.receivedAt,
      dueAt: row.dueAt,
      completedAt: row.completedAt,
      unassigned: row.kind === "CORRECTION" && row.assigneeId === null && !final,
      patientId: row.patientId,
      patientEmail: patient.status === "ERASED" ? null : patient.email,
      patientStatus: patient.status,
      targetType: asTargetType(row.targetType),
      assigneeId: row.assigneeId,
      assigneeName: row.assigneeId ? (names.get(row.assigneeId) ?? null) : null,
      outcome: row.outcome,
      answered: final,
      steps: row.events.map((event) => ({
        ...event,
        actorName: event.actorId ? (names.get(event.actorId) ?? null) : null,
      })),
      legalHold,
      treatingDoctors,
    };
  });
}

/** An admin starts work on an erasure (RECEIVED → IN_PROGRESS); refused while a legal hold is active. */
export async function markErasureInProgress(actor: AuthenticatedActor, requestId: string): Promise<void> {
  await assertAdmin(actor, requestId);
  await transaction(async () => {
    const locked = await lockRequest(requestId);
    if (!locked) return refuseAsNotFound("DataRequest", requestId);
    if (locked.kind !== "ERASURE")
      throw new AppError("CONFLICT", "Only an erasure request is started this way.");
    if (await activeLegalHold(locked.patientId)) {
      throw new AppError(
        "CONFLICT",
        "A legal hold is active for this patient: the erasure waits until it is released.",
      );
    }
    if (locked.status !== "RECEIVED") {
      throw new AppError("CONFLICT", "Only a request that was received and not yet started can be started.");
    }
    await recordStep({
      requestId,
      patientId: locked.patientId,
      actorId: actor.userId,
      step: "erasure started",
      toStatus: "IN_PROGRESS",
    });
  });
}

/** An admin declines a request with a reason the patient reads (e.g. identity not confirmed). */
export async function rejectRequest(
  actor: AuthenticatedActor,
  input: { requestId: string; reason: string },
): Promise<void> {
  await assertAdmin(actor, input.requestId);
  await transaction(async () => {
    const locked = await lockRequest(input.requestId);
    if (!locked) return refuseAsNotFound("DataRequest", input.requestId);
    if (FINAL_STATUSES.includes(locked.status)) {
      throw new AppError("CONFLICT", "This request has already been answered.");
    }
    await recordStep({
      requestId: input.requestId,
      patientId: locked.patientId,
      actorId: actor.userId,
      step: "declined by an admin",
      toStatus: "REJECTED",
      resolution: input.reason,
    });
  });
}
