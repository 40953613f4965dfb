// A treating doctor issues a prescription in one step: confirming it signs it.
// The prescription and its items are written together and never change again
// (a database trigger refuses UPDATE and DELETE); a mistake is corrected by a new one.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { requireChartAccess } from "@/lib/domain/clinical/access";
import { AppError } from "@/lib/http/errors";
import { type PrescriptionInput, parsePrescription } from "./schemas";
import { newVerificationCode } from "./verification-code";

const UNIQUE_VIOLATION = "P2002";

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION
  );
}

/** Issues and signs a prescription; returns its id. */
export async function issuePrescription(
  actor: AuthenticatedActor,
  input: PrescriptionInput,
): Promise<string> {
  const { patientId, appointmentId, items, submissionId } = parsePrescription(input);
  await requireChartAccess(actor, patientId, "write");
  const alreadyIssued = async () =>
    submissionId
      ? (
          await getDb().prescription.findFirst({
            where: { submissionId, doctorId: actor.userId, patientId },
            select: { id: true },
          })
        )?.id
      : undefined;
  const earlier = await alreadyIssued();
  if (earlier) return earlier;
  if (appointmentId) {
    const visit = await getDb().appointment.findFirst({
      where: { id: appointmentId, doctorId: actor.userId, patientId },
      select: { id: true },
    });
    if (!visit) {
      throw new AppError("VALIDATION_FAILED", "That visit is not one of yours with this patient.", {
        fields: [{ field: "appointmentId", message: "Choose one of your visits with this patient." }],
      });
    }
  }
  // 60 random bits: a collision is all but impossible, but the unique index decides, so try again if it says so.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction(async () => {
        const { id } = await getDb().prescription.create({
          data: {
            patientId,
            doctorId: actor.userId,
            appointmentId: appointmentId ?? null,
            verificationCode: newVerificationCode(),
            submissionId: submissionId ?? null,
            signedAt: new Date(),
          },
          select: { id: true },
        });
        await getDb().prescriptionItem.createMany({
          data: items.map((item, index) => ({ ...item, prescriptionId: id, patientId, position: index + 1 })),
        });
        await recordAuditEvent({
          action: "prescription.issued",
          resourceType: "Prescription",
          resourceId: id,
          details: { patientId, items: items.length },
        });
        return id;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The same form, submitted twice at once: the other submission issued it.
      const concurrent = await alreadyIssued();
      if (concurrent) return concurrent;
      if (attempt >= 3) throw error;
    }
  }
}
