// Requests under a patient's data rights: an export, a correction, an erasure. Each is a row with
// its one-month deadline (DATA_REQUEST_DEADLINE_DAYS) and an append-only list of steps; every step
// is audited with ids only. The use cases (export.ts, corrections.ts, erasure.ts) move requests
// through these functions; the admins' queue (queue.ts) reads them.
import "server-only";
import { getDb, recordAuditEvent, transactionClient } from "@/lib/db/client";
import type { DataRequestKind, DataRequestStatus } from "@/lib/db/generated/enums";
import type { Prisma } from "@/lib/db/generated/client";
import { getEnv } from "@/lib/env";

export const REQUEST_KIND_LABEL: Record<DataRequestKind, string> = {
  EXPORT: "Export of all data",
  CORRECTION: "Correction",
  ERASURE: "Erasure",
};

export const REQUEST_STATUS_LABEL: Record<DataRequestStatus, string> = {
  RECEIVED: "Received",
  IN_PROGRESS: "In progress",
  ON_HOLD: "On hold (legal hold)",
  COMPLETED: "Completed",
  REJECTED: "Declined",
};

/** Statuses after which nothing more happens to a request. */
export const FINAL_STATUSES: readonly DataRequestStatus[] = ["COMPLETED", "REJECTED"];

export function dueDateOf(receivedAt: Date): Date {
  return new Date(receivedAt.getTime() + getEnv().DATA_REQUEST_DEADLINE_DAYS * 86_400_000);
}

export interface OpenRequestInput {
  patientId: string;
  kind: DataRequestKind;
  /** The acting user (the patient, or an admin recording a request made by letter). */
  actorId: string | null;
  details?: string;
  targetType?: "profile" | "note" | "prescription" | "other";
  targetId?: string | null;
  assigneeId?: string | null;
  receivedAt?: Date;
}

/**
 * Records a new request and its first step; call it inside the use case's transaction so the
 * request, its step and its audit row commit together.
 */
export async function openRequest(input: OpenRequestInput): Promise<{ id: string; dueAt: Date }> {
  const receivedAt = input.receivedAt ?? new Date();
  const dueAt = dueDateOf(receivedAt);
  const request = await getDb().dataRequest.create({
    data: {
      patientId: input.patientId,
      kind: input.kind,
      receivedAt,
      dueAt,
      details: input.details ?? null,
      targetType: input.targetType ?? null,
      targetId: input.targetId ?? null,
      assigneeId: input.assigneeId ?? null,
    },
    select: { id: true },
  });
  await getDb().dataRequestEvent.create({
    data: {
      requestId: request.id,
      actorId: input.actorId,
      step: "received",
      toStatus: "RECEIVED",
      at: receivedAt,
    },
  });
  await recordAuditEvent({
    action: "rights.request.received",
    resourceType: "DataRequest",
    resourceId: request.id,
    subjectId: input.patientId,
    details: { kind: input.kind, dueAt: dueAt.toISOString() },
  });
  return { id: request.id, dueAt };
}

export interface StepInput {
  requestId: string;
  patientId: string;
  actorId: string | null;
  /** What happened, in a few words without PHI ("assigned", "answered", "erased", "hold placed"). */
  step: string;
  toStatus: DataRequestStatus;
  resolution?: string;
  outcome?: Prisma.InputJsonValue;
  at?: Date;
}

/** Moves a request to a status and records the step (inside the use case's transaction). */
export async function recordStep(input: StepInput): Promise<void> {
  const at = input.at ?? new Date();
  const final = FINAL_STATUSES.includes(input.toStatus);
  await getDb().dataRequest.update({
    where: { id: input.requestId },
    data: {
      status: input.toStatus,
      completedAt: final ? at : null,
      ...(input.resolution !== undefined ? { resolution: input.resolution } : {}),
      ...(input.outcome !== undefined ? { outcome: input.outcome } : {}),
    },
    select: { id: true },
  });
  await getDb().dataRequestEvent.create({
    data: {
      requestId: input.requestId,
      actorId: input.actorId,
      step: input.step,
      toStatus: input.toStatus,
      at,
    },
  });
  await recordAuditEvent({
    action: `rights.request.${input.toStatus.toLowerCase().replace("_", "-")}`,
    resourceType: "DataRequest",
    resourceId: input.requestId,
    subjectId: input.patientId,
    details: { step: input.step },
  });
}

/**
 * Locks a request row for the rest of the transaction (two admins pressing at once act one after
 * the other) and returns its state; null when there is no such request.
 */
export async function lockRequest(
  requestId: string,
): Promise<{ id: string; patientId: string; kind: DataRequestKind; status: DataRequestStatus } | null> {
  const rows = await transactionClient().$queryRaw<
    { id: string; patient_id: string; kind: DataRequestKind; status: DataRequestStatus }[]
  >`SELECT id::text, patient_id::text, kind::text AS kind, status::text AS status
      FROM data_requests WHERE id = ${requestId}::uuid FOR UPDATE`;
  const row = rows[0];
  return row ? { id: row.id, patientId: row.patient_id, kind: row.kind, status: row.status } : null;
}
