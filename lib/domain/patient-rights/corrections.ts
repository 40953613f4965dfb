// Corrections (GDPR art. 16, HIPAA 164.526): the patient asks for a part of their record to be
// corrected; the request goes to a doctor who treats them (the author of the note or
// prescription, else the doctor of their most recent visit), who corrects it (a note gets an
// amendment in the chart) or declines with a reason. After a refusal the patient may add one
// statement of disagreement, kept with the request. With nobody treating the patient, the request
// waits in the admins' queue until an admin assigns a treating doctor (queue.ts).
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { careVisitFilter } from "@/lib/authz/care";
import { recordRefusal, refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import type { DataRequestKind, DataRequestStatus } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { FINAL_STATUSES, lockRequest, openRequest, recordStep } from "./requests";
import {
  type AnswerCorrectionInput,
  type CorrectionTargetType,
  type RequestCorrectionInput,
  chooseCorrectionAssignee,
  joinCorrectionDetails,
  splitCorrectionDetails,
} from "./schemas";

/** More open corrections than this at once is not a person asking: the next one is refused. */
export const MAX_OPEN_CORRECTIONS = 20;
/** The step that records a patient's statement of disagreement (at most one per request). */
export const STATEMENT_STEP = "statement of disagreement added";

const OPEN_STATUSES: DataRequestStatus[] = ["RECEIVED", "IN_PROGRESS", "ON_HOLD"];

const asTargetType = (value: string | null): CorrectionTargetType | null =>
  value === "profile" || value === "note" || value === "prescription" || value === "other" ? value : null;

const doctorName = (user: { doctorProfile: { displayName: string } | null } | null) =>
  user?.doctorProfile?.displayName ?? null;

export interface CorrectionTargetChoice {
  targetType: "note" | "prescription";
  id: string;
  at: Date;
  doctorName: string;
}

/** The patient's signed notes and prescriptions, newest first, to choose from (no PHI read). */
export async function correctionTargetsOf(actor: AuthenticatedActor): Promise<CorrectionTargetChoice[]> {
  if (actor.role !== "PATIENT") return [];
  const [notes, prescriptions] = await Promise.all([
    getDb().clinicalNote.findMany({
      where: { patientId: actor.userId, status: "SIGNED" },
      select: { id: true, signedAt: true, createdAt: true, author: { select: { doctorProfile: true } } },
      orderBy: { createdAt: "desc" },
      take: 100,
    }),
    getDb().prescription.findMany({
      where: { patientId: actor.userId },
      select: { id: true, signedAt: true, doctor: { select: { doctorProfile: true } } },
      orderBy: { signedAt: "desc" },
      take: 100,
    }),
  ]);
  const choices: CorrectionTargetChoice[] = [
    ...notes.map((note) => ({
      targetType: "note" as const,
      id: note.id,
      at: note.signedAt ?? note.createdAt,
      doctorName: doctorName(note.author) ?? "your doctor",
    })),
    ...prescriptions.map((prescription) => ({
      targetType: "prescription" as const,
      id: prescription.id,
      at: prescription.signedAt,
      doctorName: doctorName(prescription.doctor) ?? "your doctor",
    })),
  ];
  return choices.sort((a, b) => b.at.getTime() - a.at.getTime());
}

/** The author of the patient's own note or prescription; null (an audited refusal) when it is not theirs. */
async function authorOfOwnRecord(
  patientId: string,
  targetType: "note" | "prescription",
  targetId: string,
): Promise<{ id: string; active: boolean } | null> {
  const author =
    targetType === "note"
      ? (
          await getDb().clinicalNote.findFirst({
            where: { id: targetId, patientId, status: "SIGNED" },
            select: { author: { select: { id: true, status: true } } },
          })
        )?.author
      : (
          await getDb().prescription.findFirst({
            where: { id: targetId, patientId },
            select: { doctor: { select: { id: true, status: true } } },
          })
        )?.doctor;
  if (!author) {
    await recordRefusal(targetType === "note" ? "ClinicalNote" : "Prescription", targetId);
    return null;
  }
  return { id: author.id, active: author.status === "ACTIVE" };
}

/** The patient's care visits with their doctors' account state (for routing; no PHI read). */
async function careVisitsOf(patientId: string) {
  const visits = await getDb().appointment.findMany({
    where: { patientId, ...careVisitFilter() },
    select: { doctorId: true, startsAt: true, doctor: { select: { status: true } } },
    orderBy: { startsAt: "desc" },
    take: 200,
  });
  return visits.map((visit) => ({
    doctorId: visit.doctorId,
    startsAt: visit.startsAt,
    doctorActive: visit.doctor.status === "ACTIVE",
  }));
}

export interface CorrectionReceipt {
  id: string;
  dueAt: Date;
  /** The doctor it went to; null when it waits for an admin to assign one. */
  assigneeName: string | null;
}

/** The patient asks for a correction; it is routed to a doctor who treats them (or to the admins). */
export async function requestCorrection(
  actor: AuthenticatedActor,
  input: RequestCorrectionInput,
): Promise<CorrectionReceipt> {
  if (actor.role !== "PATIENT") return refuseAsNotFound("DataRequest", "(new correction)");
  const { targetType, targetId } = input.target;
  let recordAuthor: { id: string; active: boolean } | null = null;
  if ((targetType === "note" || targetType === "prescription") && targetId) {
    // Outside the transaction: the refusal's audit row must stay.
    recordAuthor = await authorOfOwnRecord(actor.userId, targetType, targetId);
    if (!recordAuthor) {
      const message = `That ${targetType === "note" ? "note" : "prescription"} is not one of yours: choose one from the list.`;
      throw new AppError("VALIDATION_FAILED", message, { fields: [{ field: "target", message }] });
    }
  }
  const open = await getDb().dataRequest.count({
    where: { patientId: actor.userId, kind: "CORRECTION", status: { in: OPEN_STATUSES } },
  });
  if (open >= MAX_OPEN_CORRECTIONS) {
    throw new AppError(
      "CONFLICT",
      `You have ${open} corrections waiting for an answer. Please wait for some of them before asking for more.`,
    );
  }
  const assigneeId = chooseCorrectionAssignee({
    recordAuthor,
    careVisits: await careVisitsOf(actor.userId),
    now: new Date(),
  });
  const opened = await transaction(() =>
    openRequest({
      patientId: actor.userId,
      kind: "CORRECTION",
      actorId: actor.userId,
      details: input.details,
      targetType,
      targetId,
      assigneeId,
    }),
  );
  const assignee = assigneeId
    ? await getDb().user.findUnique({ where: { id: assigneeId }, select: { doctorProfile: true } })
    : null;
  return { ...opened, assigneeName: doctorName(assignee) };
}

export interface CorrectionSummary {
  id: string;
  patientId: string;
  patientName: string;
  targetType: CorrectionTargetType | null;
  status: DataRequestStatus;
  receivedAt: Date;
  dueAt: Date;
  completedAt: Date | null;
}

const patientNameOf = (patient: { patientProfile: { fullName: string } | null }) =>
  patient.patientProfile?.fullName ?? "Patient";

/** The corrections assigned to this doctor: open ones by due date, then the 20 last answered. */
export async function correctionsOfDoctor(actor: AuthenticatedActor): Promise<{
  open: CorrectionSummary[];
  answered: CorrectionSummary[];
}> {
  if (actor.role !== "DOCTOR") return { open: [], answered: [] };
  const select = {
    id: true,
    patientId: true,
    targetType: true,
    status: true,
    receivedAt: true,
    dueAt: true,
    completedAt: true,
    patient: { select: { patientProfile: { select: { fullName: true } } } },
  } as const;
  const mine = { assigneeId: actor.userId, kind: "CORRECTION" as DataRequestKind };
  const [open, answered] = await Promise.all([
    getDb().dataRequest.findMany({
      where: { ...mine, status: { in: OPEN_STATUSES } },
      select,
      orderBy: { dueAt: "asc" },
      take: 200,
    }),
    getDb().dataRequest.findMany({
      where: { ...mine, status: { in: [...FINAL_STATUSES] } },
      select,
      orderBy: { completedAt: "desc" },
      take: 20,
    }),
  ]);
  const toSummary = ({ patient, targetType, ...row }: (typeof open)[number]): CorrectionSummary => ({
    ...row,
    targetType: asTargetType(targetType),
    patientName: patientNameOf(patient),
  });
  return { open: open.map(toSummary), answered: answered.map(toSummary) };
}

export interface RequestStepView {
  id: string;
  at: Date;
  step: string;
  toStatus: DataRequestStatus;
  actorId: string | null;
}

export interface CorrectionForDoctor extends CorrectionSummary {
  targetId: string | null;
  request: string;
  statement: string | null;
  resolution: string | null;
  steps: RequestStepView[];
}

/** The assignee's header of a correction, or a 404 (audited) for anyone else. */
async function assignedCorrection(actor: AuthenticatedActor, requestId: string) {
  const header = await getDb().dataRequest.findUnique({
    where: { id: requestId },
    select: { id: true, kind: true, assigneeId: true, patientId: true, status: true },
  });
  if (
    !header ||
    header.kind !== "CORRECTION" ||
    actor.role !== "DOCTOR" ||
    header.assigneeId !== actor.userId
  ) {
    return refuseAsNotFound("DataRequest", requestId);
  }
  return header;
}

/** One correction, for the doctor it is assigned to (anyone else: 404, audited). */
export async function correctionForDoctor(
  actor: AuthenticatedActor,
  requestId: string,
): Promise<CorrectionForDoctor> {
  await assignedCorrection(actor, requestId);
  return transaction(async () => {
    const row = await getDb().dataRequest.findUniqueOrThrow({
      where: { id: requestId },
      select: {
        id: true,
        patientId: true,
        targetType: true,
        targetId: true,
        status: true,
        receivedAt: true,
        dueAt: true,
        completedAt: true,
        details: true,
        resolution: true,
        patient: { select: { patientProfile: { select: { fullName: true } } } },
        events: {
          select: { id: true, at: true, step: true, toStatus: true, actorId: true },
          orderBy: { at: "asc" },
        },
      },
    });
    await recordAuditEvent({
      action: "rights.correction.viewed",
      resourceType: "DataRequest",
      resourceId: requestId,
      subjectId: row.patientId,
    });
    const { request, statement } = splitCorrectionDetails(row.details);
    return {
      id: row.id,
      patientId: row.patientId,
      patientName: patientNameOf(row.patient),
      targetType: asTargetType(row.targetType),
      targetId: row.targetId,
      status: row.status,
      receivedAt: row.receivedAt,
      dueAt: row.dueAt,
      completedAt: row.completedAt,
      request: request ?? "",
      statement,
      resolution: row.resolution,
      steps: row.events,
    };
  });
}

/** The assignee answers: corrected (what changed) or declined (why; the patient reads it). */
export async function answerCorrection(
  actor: AuthenticatedActor,
  input: AnswerCorrectionInput,
): Promise<void> {
  await assignedCorrection(actor, input.requestId);
  await transaction(async () => {
    const locked = await lockRequest(input.requestId);
    const current = await getDb().dataRequest.findUnique({
      where: { id: input.requestId },
      select: { assigneeId: true },
    });
    // Reassigned by an admin meanwhile: no longer this doctor's to answer.
    if (!locked || current?.assigneeId !== actor.userId) throw new AppError("NOT_FOUND", "Not found.");
    if (FINAL_STATUSES.includes(locked.status)) {
      throw new AppError("CONFLICT", "This request has already been answered.");
    }
    await recordStep({
      requestId: locked.id,
      patientId: locked.patientId,
      actorId: actor.userId,
      step: input.answer === "CORRECTED" ? "corrected by the doctor" : "declined by the doctor",
      toStatus: input.answer === "CORRECTED" ? "COMPLETED" : "REJECTED",
      resolution: input.resolution,
    });
  });
}

export interface PatientRequestView {
  id: string;
  kind: DataRequestKind;
  status: DataRequestStatus;
  receivedAt: Date;
  dueAt: Date;
  completedAt: Date | null;
  targetType: CorrectionTargetType | null;
  request: string | null;
  statement: string | null;
  resolution: string | null;
  assigneeName: string | null;
  outcome: unknown;
  /** A declined correction without a statement yet: the patient may add one. */
  canAddStatement: boolean;
}

/** Every request of the patient (all kinds), newest first, with the answers. */
export async function requestsOfPatient(actor: AuthenticatedActor): Promise<PatientRequestView[]> {
  if (actor.role !== "PATIENT") return [];
  const rows = await getDb().dataRequest.findMany({
    where: { patientId: actor.userId },
    select: {
      id: true,
      kind: true,
      status: true,
      receivedAt: true,
      dueAt: true,
      completedAt: true,
      targetType: true,
      details: true,
      resolution: true,
      outcome: true,
      assignee: { select: { doctorProfile: true } },
      events: { where: { step: STATEMENT_STEP }, select: { id: true } },
    },
    orderBy: { receivedAt: "desc" },
    take: 100,
  });
  return rows.map((row) => {
    const { request, statement } = splitCorrectionDetails(row.details);
    return {
      id: row.id,
      kind: row.kind,
      status: row.status,
      receivedAt: row.receivedAt,
      dueAt: row.dueAt,
      completedAt: row.completedAt,
      targetType: asTargetType(row.targetType),
      request,
      statement,
      resolution: row.resolution,
      assigneeName: doctorName(row.assignee),
      outcome: row.outcome,
      canAddStatement:
        row.kind === "CORRECTION" &&
        row.status === "REJECTED" &&
        row.events.length === 0 &&
        statement === null,
    };
  });
}

/**
 * After a declined correction the patient may add one statement of disagreement (HIPAA
 * 164.526(d)): kept with the request (encrypted), recorded as a step, shown to the doctor.
 */
export async function addDisagreementStatement(
  actor: AuthenticatedActor,
  input: { requestId: string; statement: string },
): Promise<void> {
  const header = await getDb().dataRequest.findUnique({
    where: { id: input.requestId },
    select: { patientId: true, kind: true },
  });
  if (
    !header ||
    actor.role !== "PATIENT" ||
    header.patientId !== actor.userId ||
    header.kind !== "CORRECTION"
  ) {
    return refuseAsNotFound("DataRequest", input.requestId);
  }
  await transaction(async () => {
    const locked = await lockRequest(input.requestId);
    if (!locked || locked.status !== "REJECTED") {
      throw new AppError("CONFLICT", "A statement can be added only to a declined correction.");
    }
    const row = await getDb().dataRequest.findUniqueOrThrow({
      where: { id: input.requestId },
      select: { details: true, events: { where: { step: STATEMENT_STEP }, select: { id: true } } },
    });
    const { request, statement } = splitCorrectionDetails(row.details);
    if (row.events.length || statement !== null) {
      throw new AppError("CONFLICT", "You have already added your statement to this request.");
    }
    await getDb().dataRequest.update({
      where: { id: input.requestId },
      data: { details: joinCorrectionDetails(request ?? "", input.statement) },
      select: { id: true },
    });
    await getDb().dataRequestEvent.create({
      data: { requestId: input.requestId, actorId: actor.userId, step: STATEMENT_STEP, toStatus: "REJECTED" },
    });
    await recordAuditEvent({
      action: "rights.request.statement-added",
      resourceType: "DataRequest",
      resourceId: input.requestId,
      subjectId: actor.userId,
    });
  });
}

export interface TreatingDoctor {
  id: string;
  name: string;
}

/** The active doctors who treat a patient (a confirmed visit), for an admin assigning a correction. */
export async function treatingDoctorsOf(patientId: string): Promise<TreatingDoctor[]> {
  const visits = await getDb().appointment.findMany({
    where: { patientId, ...careVisitFilter(), doctor: { status: "ACTIVE" } },
    select: { doctorId: true, doctor: { select: { doctorProfile: { select: { displayName: true } } } } },
    distinct: ["doctorId"],
    take: 50,
  });
  return visits
    .map((visit) => ({ id: visit.doctorId, name: visit.doctor.doctorProfile?.displayName ?? "Doctor" }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** An admin routes an open correction to a doctor who treats the patient (or to another one). */
export async function assignCorrection(
  admin: AuthenticatedActor,
  input: { requestId: string; doctorId: string },
): Promise<void> {
  if (admin.role !== "ADMIN") return refuseAsNotFound("DataRequest", input.requestId);
  const header = await getDb().dataRequest.findUnique({
    where: { id: input.requestId },
    select: { patientId: true, kind: true },
  });
  if (!header) return refuseAsNotFound("DataRequest", input.requestId);
  if (header.kind !== "CORRECTION")
    throw new AppError("CONFLICT", "Only a correction is assigned to a doctor.");
  const treating = await treatingDoctorsOf(header.patientId);
  if (!treating.some((doctor) => doctor.id === input.doctorId)) {
    const message = "Choose a doctor who treats this patient.";
    throw new AppError("VALIDATION_FAILED", message, { fields: [{ field: "doctorId", message }] });
  }
  await transaction(async () => {
    const locked = await lockRequest(input.requestId);
    if (!locked) throw new AppError("NOT_FOUND", "Not found.");
    if (FINAL_STATUSES.includes(locked.status)) {
      throw new AppError("CONFLICT", "This request has already been answered.");
    }
    await getDb().dataRequest.update({
      where: { id: input.requestId },
      data: { assigneeId: input.doctorId },
      select: { id: true },
    });
    await getDb().dataRequestEvent.create({
      data: {
        requestId: input.requestId,
        actorId: admin.userId,
        step: "assigned to a treating doctor",
        toStatus: locked.status,
      },
    });
    await recordAuditEvent({
      action: "rights.request.assigned",
      resourceType: "DataRequest",
      resourceId: input.requestId,
      subjectId: header.patientId,
      details: { assigneeId: input.doctorId },
    });
  });
}
