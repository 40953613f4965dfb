// Legal holds: while one is active, a patient's data is neither erased nor destroyed by the
// retention job (an investigation, a complaint, litigation). Placing and releasing one is an admin's
// decision with a stated reason (PHI, under the patient's key), audited.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction, transactionClient } from "@/lib/db/client";
import type { DataRequestStatus } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { recordStep } from "./requests";

/** The patient's active hold, if any (id and since when; no reason: that is PHI). */
export async function activeLegalHold(patientId: string): Promise<{ id: string; placedAt: Date } | null> {
  return getDb().legalHold.findFirst({
    where: { patientId, releasedAt: null },
    select: { id: true, placedAt: true },
  });
}

/** Every patient under an active hold (the retention job skips their data). */
export async function patientsOnLegalHold(): Promise<Set<string>> {
  const holds = await getDb().legalHold.findMany({
    where: { releasedAt: null },
    select: { patientId: true },
  });
  return new Set(holds.map((hold) => hold.patientId));
}

const UNIQUE_VIOLATION = "P2002";
const isUniqueViolation = (error: unknown) =>
  typeof error === "object" && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;

/** Erasure requests a hold pauses: those not yet carried out. */
const PAUSABLE: DataRequestStatus[] = ["RECEIVED", "IN_PROGRESS"];

/**
 * An admin places a hold on a patient's data: erasure and retention destruction stop until it is
 * released; the patient's open erasure requests move to ON_HOLD (a step each). One active hold per
 * patient (CONFLICT for a second).
 */
export async function placeLegalHold(
  actor: AuthenticatedActor,
  patientId: string,
  reason: string,
): Promise<{ id: string; heldRequests: number }> {
  if (actor.role !== "ADMIN") return refuseAsNotFound("LegalHold", patientId);
  const patient = await getDb().user.findUnique({ where: { id: patientId }, select: { role: true } });
  if (patient?.role !== "PATIENT") return refuseAsNotFound("User", patientId);
  try {
    return await transaction(async () => {
      // The patient's row first, as erasure does: a hold and an erasure of one patient take turns.
      const [locked] = await transactionClient().$queryRaw<{ status: string }[]>`
        SELECT status::text AS status FROM users WHERE id = ${patientId}::uuid FOR UPDATE`;
      if (locked?.status === "ERASED") {
        throw new AppError(
          "CONFLICT",
          "This patient's data has already been erased: there is nothing left to hold.",
        );
      }
      if (await activeLegalHold(patientId)) throw alreadyHeld();
      const hold = await getDb().legalHold.create({
        data: { patientId, reason, placedById: actor.userId },
        select: { id: true },
      });
      const erasures = await getDb().dataRequest.findMany({
        where: { patientId, kind: "ERASURE", status: { in: PAUSABLE } },
        select: { id: true },
      });
      for (const request of erasures) {
        await recordStep({
          requestId: request.id,
          patientId,
          actorId: actor.userId,
          step: "legal hold placed",
          toStatus: "ON_HOLD",
        });
      }
      await recordAuditEvent({
        action: "legal-hold.placed",
        resourceType: "LegalHold",
        resourceId: hold.id,
        subjectId: patientId,
        details: { heldRequests: erasures.length },
      });
      return { id: hold.id, heldRequests: erasures.length };
    });
  } catch (error) {
    // Two admins at once: the partial unique index lets one hold through.
    if (isUniqueViolation(error)) throw alreadyHeld();
    throw error;
  }
}

const alreadyHeld = () =>
  new AppError("CONFLICT", "A legal hold is already active for this patient: release it first.");

/** An admin releases a hold; the patient's erasure requests it paused go back to RECEIVED. */
export async function releaseLegalHold(
  actor: AuthenticatedActor,
  holdId: string,
  note: string,
): Promise<{ resumedRequests: number }> {
  if (actor.role !== "ADMIN") return refuseAsNotFound("LegalHold", holdId);
  const hold = await getDb().legalHold.findUnique({
    where: { id: holdId },
    select: { patientId: true },
  });
  if (!hold) return refuseAsNotFound("LegalHold", holdId);
  return transaction(async () => {
    // Compare-and-set: a hold released meanwhile is not released twice.
    const { count } = await getDb().legalHold.updateMany({
      where: { id: holdId, releasedAt: null },
      data: { releasedAt: new Date(), releasedById: actor.userId, releaseNote: note },
    });
    if (count === 0) throw new AppError("CONFLICT", "This legal hold has already been released.");
    const paused = await getDb().dataRequest.findMany({
      where: { patientId: hold.patientId, kind: "ERASURE", status: "ON_HOLD" },
      select: { id: true },
    });
    for (const request of paused) {
      await recordStep({
        requestId: request.id,
        patientId: hold.patientId,
        actorId: actor.userId,
        step: "legal hold released",
        toStatus: "RECEIVED",
      });
    }
    await recordAuditEvent({
      action: "legal-hold.released",
      resourceType: "LegalHold",
      resourceId: holdId,
      subjectId: hold.patientId,
      details: { resumedRequests: paused.length },
    });
    return { resumedRequests: paused.length };
  });
}

export interface LegalHoldView {
  id: string;
  reason: string;
  placedAt: Date;
  placedById: string;
  releasedAt: Date | null;
  releasedById: string | null;
  releaseNote: string | null;
}

/** A patient's holds, newest first (the reasons decrypted: the admins' own words, audited). */
export async function legalHoldsOf(actor: AuthenticatedActor, patientId: string): Promise<LegalHoldView[]> {
  if (actor.role !== "ADMIN") return refuseAsNotFound("LegalHold", patientId);
  return getDb().legalHold.findMany({
    where: { patientId },
    select: {
      id: true,
      reason: true,
      placedAt: true,
      placedById: true,
      releasedAt: true,
      releasedById: true,
      releaseNote: true,
    },
    orderBy: { placedAt: "desc" },
    take: 20,
  });
}
