// Break-glass: a doctor opens a chart without a visit only by stating why. The
// grant lasts one hour and is read-only (lib/authz/care.ts: "emergency"); the
// grant's audit row raises an alert (rules.ts) and the grant waits in the
// admins' review queue until an admin closes it with a finding.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction, transactionClient } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { chartAccessOf } from "@/lib/domain/clinical/access";
import { assertSecurityAdmin } from "./alerts";
import { BREAK_GLASS_ACTION } from "./rules";
import { BREAK_GLASS_HOURS, type breakGlassSchema, type reviewGrantSchema } from "./schemas";
import type { z } from "zod";

export interface GrantResult {
  patientId: string;
  expiresAt: Date;
  /** The doctor already treats the patient: no emergency access was needed or recorded. */
  alreadyTreating: boolean;
}

/** Grants one hour of read-only access to a patient's chart, for the stated reason. */
export async function grantEmergencyAccess(
  actor: AuthenticatedActor,
  input: z.infer<typeof breakGlassSchema>,
): Promise<GrantResult> {
  const patient = await getDb().user.findFirst({
    where: { email: input.patientEmail, role: "PATIENT", status: "ACTIVE" },
    select: { id: true },
  });
  if (!patient) {
    await recordAuditEvent({
      action: BREAK_GLASS_ACTION,
      resourceType: "Chart",
      outcome: "FAILURE",
      details: { reason: "no-such-patient" },
    });
    throw new AppError("VALIDATION_FAILED", "No patient account has that email.", {
      fields: [
        {
          field: "patientEmail",
          message: "No patient account has that email. Check it with the patient or their records.",
        },
      ],
    });
  }
  const access = await chartAccessOf(actor, patient.id);
  if (access === "treating") return { patientId: patient.id, expiresAt: new Date(), alreadyTreating: true };
  return transaction(async () => {
    const grantedAt = new Date();
    const expiresAt = new Date(grantedAt.getTime() + BREAK_GLASS_HOURS * 3_600_000);
    const grant = await getDb().breakGlassGrant.create({
      data: { doctorId: actor.userId, patientId: patient.id, reason: input.reason, grantedAt, expiresAt },
      select: { id: true },
    });
    await recordAuditEvent({
      action: BREAK_GLASS_ACTION,
      resourceType: "BreakGlassGrant",
      resourceId: grant.id,
      subjectId: patient.id,
      details: { patientId: patient.id, hours: BREAK_GLASS_HOURS },
    });
    return { patientId: patient.id, expiresAt, alreadyTreating: false };
  });
}

export interface OwnGrant {
  id: string;
  patientId: string;
  grantedAt: Date;
  expiresAt: Date;
  reviewed: boolean;
}

/** The doctor's own grants of the last 30 days, newest first (no reason: that is the patient's data). */
export async function grantsOfDoctor(actor: AuthenticatedActor): Promise<OwnGrant[]> {
  const grants = await getDb().breakGlassGrant.findMany({
    where: { doctorId: actor.userId, grantedAt: { gt: new Date(Date.now() - 30 * 86_400_000) } },
    select: { id: true, patientId: true, grantedAt: true, expiresAt: true, reviewedAt: true },
    orderBy: { grantedAt: "desc" },
    take: 50,
  });
  return grants.map(({ reviewedAt, ...grant }) => ({ ...grant, reviewed: reviewedAt !== null }));
}

export interface GrantForReview {
  id: string;
  doctorId: string;
  doctorName: string;
  patientId: string;
  reason: string;
  grantedAt: Date;
  expiresAt: Date;
  review: "APPROPRIATE" | "INAPPROPRIATE" | null;
  reviewNote: string | null;
  reviewedAt: Date | null;
}

const doctorNames = async (ids: readonly string[]) => {
  const profiles = await getDb().doctorProfile.findMany({
    where: { userId: { in: [...new Set(ids)] } },
    select: { userId: true, displayName: true },
  });
  return new Map(profiles.map((profile) => [profile.userId, profile.displayName]));
};

/** The review queue: grants no admin has closed, oldest first (ids and times only). */
export async function pendingGrants(): Promise<Omit<GrantForReview, "reason" | "reviewNote">[]> {
  const grants = await getDb().breakGlassGrant.findMany({
    where: { reviewedAt: null },
    select: { id: true, doctorId: true, patientId: true, grantedAt: true, expiresAt: true },
    orderBy: { grantedAt: "asc" },
    take: 200,
  });
  const names = await doctorNames(grants.map((grant) => grant.doctorId));
  return grants.map((grant) => ({
    ...grant,
    doctorName: names.get(grant.doctorId) ?? "A doctor",
    review: null,
    reviewedAt: null,
  }));
}

/** One grant with its reason, for the reviewing admin (a PHI read, audited by the data layer). */
export async function grantForReview(grantId: string): Promise<GrantForReview> {
  const grant = await getDb().breakGlassGrant.findUnique({
    where: { id: grantId },
    select: {
      id: true,
      doctorId: true,
      patientId: true,
      reason: true,
      grantedAt: true,
      expiresAt: true,
      review: true,
      reviewNote: true,
      reviewedAt: true,
    },
  });
  if (!grant) return refuseAsNotFound("BreakGlassGrant", grantId);
  const names = await doctorNames([grant.doctorId]);
  return { ...grant, doctorName: names.get(grant.doctorId) ?? "A doctor" };
}

/** Closes a grant's review with the admin's finding; a grant is reviewed once. */
export async function reviewGrant(
  admin: AuthenticatedActor,
  input: z.infer<typeof reviewGrantSchema>,
): Promise<void> {
  await assertSecurityAdmin(admin, "BreakGlassGrant", input.grantId);
  await transaction(async () => {
    // Locked: two admins closing the same review at once go one after the other, and the second is told.
    const [grant] = await transactionClient().$queryRaw<{ patientId: string; reviewedAt: Date | null }[]>`
      SELECT patient_id::text AS "patientId", reviewed_at AS "reviewedAt" FROM break_glass_grants
       WHERE id = ${input.grantId}::uuid FOR UPDATE`;
    if (!grant) return refuseAsNotFound("BreakGlassGrant", input.grantId);
    if (grant.reviewedAt) throw new AppError("CONFLICT", "This access was already reviewed.");
    await getDb().breakGlassGrant.update({
      where: { id: input.grantId },
      data: {
        review: input.review,
        reviewNote: input.reviewNote,
        reviewedAt: new Date(),
        reviewedById: admin.userId,
      },
    });
    await recordAuditEvent({
      action: "break-glass.reviewed",
      resourceType: "BreakGlassGrant",
      resourceId: input.grantId,
      subjectId: grant.patientId,
      details: { review: input.review },
    });
  });
}
