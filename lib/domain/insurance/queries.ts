// Reads of insurance checks, scoped to who asks: the patient reads their own checks (decrypted,
// the member id masked); the patient's doctors and the admins read the latest status only, which
// is a plain column: no member detail is decrypted for them.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { chartAccessOf } from "@/lib/domain/clinical/access";
import type { EligibilityResult, PayerFailureKind } from "./payers/types";
import type { CoverageStatus, CoverageStatusView, InsuranceDetails, VerificationView } from "./schemas";

/** What is stored as a check's result: the payer's answer, or which way the payer failed. */
export type StoredResult = EligibilityResult | { status: "payer_error"; kind: PayerFailureKind };

type StoredRequest = InsuranceDetails & { payerName: string };

const PAYER_FAILURE_TEXT: Record<PayerFailureKind, string> = {
  timeout: "The insurer did not answer in time. Try again in a few minutes.",
  unavailable: "The insurer was not answering. Try again in a few minutes.",
  rejected: "The insurer could not process the check. Check the details on your card.",
};

/** The last four characters of a member id, or fewer when the id is short (never the whole id). */
function maskedEnding(memberId: string): string {
  return memberId.slice(-Math.min(4, Math.floor(memberId.length / 2)));
}

export function toVerificationView(check: {
  referenceNumber: string;
  status: CoverageStatus;
  request: StoredRequest;
  result: StoredResult;
  completedAt: Date;
}): VerificationView {
  const { result } = check;
  return {
    referenceNumber: check.referenceNumber,
    status: check.status,
    payerName: check.request.payerName,
    memberIdEnding: maskedEnding(check.request.memberId),
    planName: result.status === "active" || result.status === "inactive" ? (result.planName ?? null) : null,
    coverageStart: result.status === "active" ? (result.coverageStart ?? null) : null,
    coverageEnd:
      result.status === "active" || result.status === "inactive" ? (result.coverageEnd ?? null) : null,
    copay: result.status === "active" ? (result.copay ?? null) : null,
    coinsurancePercent: result.status === "active" ? (result.coinsurancePercent ?? null) : null,
    message:
      result.status === "not_found"
        ? result.reason
        : result.status === "payer_error"
          ? PAYER_FAILURE_TEXT[result.kind]
          : null,
    checkedAt: check.completedAt.toISOString(),
  };
}

/** The patient's own checks, newest first (their member details decrypted, then masked). */
export async function ownVerifications(actor: AuthenticatedActor, take = 10): Promise<VerificationView[]> {
  if (actor.role !== "PATIENT") return [];
  const rows = await getDb().insuranceVerification.findMany({
    where: { patientId: actor.userId },
    orderBy: { createdAt: "desc" },
    take,
    select: { referenceNumber: true, status: true, request: true, result: true, completedAt: true },
  });
  return rows.map((row) =>
    toVerificationView({
      referenceNumber: row.referenceNumber,
      status: row.status,
      request: JSON.parse(row.request) as StoredRequest,
      result: JSON.parse(row.result) as StoredResult,
      completedAt: row.completedAt,
    }),
  );
}

/**
 * The latest conclusive check's status (an insurer that did not answer does not hide an earlier
 * answer; with no answer at all, that failure), for the patient, a doctor with access to their
 * chart, or an admin; null when there is none or the actor may not know. Reads no PHI column; a
 * doctor's or an admin's look is audited.
 */
export async function latestCoverageStatus(
  actor: AuthenticatedActor,
  patientId: string,
): Promise<CoverageStatusView | null> {
  const own = actor.role === "PATIENT" && actor.userId === patientId;
  const allowed =
    own ||
    actor.role === "ADMIN" ||
    (actor.role === "DOCTOR" && (await chartAccessOf(actor, patientId)) !== null);
  if (!allowed) return null;
  const select = { id: true, status: true, referenceNumber: true, completedAt: true } as const;
  const db = getDb();
  const latest =
    (await db.insuranceVerification.findFirst({
      where: { patientId, status: { not: "PAYER_ERROR" } },
      orderBy: { createdAt: "desc" },
      select,
    })) ??
    (await db.insuranceVerification.findFirst({
      where: { patientId },
      orderBy: { createdAt: "desc" },
      select,
    }));
  if (!latest) return null;
  if (!own) {
    await recordAuditEvent({
      action: "insurance.status.read",
      resourceType: "InsuranceVerification",
      resourceId: latest.id,
      subjectId: patientId,
      details: { status: latest.status },
    });
  }
  return { status: latest.status, referenceNumber: latest.referenceNumber, checkedAt: latest.completedAt };
}

/** Every check of the patient in full (their member details too), for the export of all their data. */
export async function verificationsForExport(patientId: string) {
  const rows = await getDb().insuranceVerification.findMany({
    where: { patientId },
    orderBy: { createdAt: "asc" },
    select: {
      referenceNumber: true,
      status: true,
      request: true,
      result: true,
      createdAt: true,
      completedAt: true,
    },
  });
  return rows.map((row) => {
    const { payerName, ...details } = JSON.parse(row.request) as StoredRequest;
    return {
      referenceNumber: row.referenceNumber,
      status: row.status,
      insurer: payerName,
      detailsSent: details,
      answer: JSON.parse(row.result) as StoredResult,
      checkedAt: row.completedAt,
    };
  });
}
