// The public check behind /verify/<code>: a pharmacist or insurer types the code
// printed on a prescription and learns whether Haven issued it, who signed it
// and when. Nothing about the patient or the medicines is shown. Anyone may ask,
// so it is rate-limited per client address (the general API limit) and audited.
import "server-only";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { canonicalTimeZone } from "@/lib/domain/scheduling/time-zones";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import type { VerifiedPrescription } from "./schemas";
import { normalizeVerificationCode } from "./verification-code";

export const UNKNOWN_CODE_MESSAGE = "There is no prescription with this code.";

/**
 * The signed facts of the prescription with this code, or a NOT_FOUND AppError
 * for an unknown or malformed one. `clientKey` is the caller's rate-limit key
 * (lib/security/client-ip.ts), null when the address is unknown.
 */
export async function verifyPrescription(
  input: string,
  clientKey: string | null,
): Promise<VerifiedPrescription> {
  if (clientKey) await consumeRateLimit("api", `verify:${clientKey}`);
  const code = normalizeVerificationCode(input);
  const found = code
    ? await getDb().prescription.findUnique({
        where: { verificationCode: code },
        select: {
          id: true,
          signedAt: true,
          doctor: {
            select: { timeZone: true, doctorProfile: { select: { displayName: true, licenseNumber: true } } },
          },
          _count: { select: { items: true } },
        },
      })
    : null;
  await recordAuditEvent({
    action: "prescription.verified",
    resourceType: "Prescription",
    resourceId: found?.id ?? null,
    outcome: found ? "SUCCESS" : "FAILURE",
  });
  if (!found) throw new AppError("NOT_FOUND", UNKNOWN_CODE_MESSAGE);
  return {
    doctorName: found.doctor.doctorProfile?.displayName ?? "A Haven doctor",
    licenseNumber: found.doctor.doctorProfile?.licenseNumber ?? null,
    clinicName: getEnv().CLINIC_NAME,
    signedAt: found.signedAt,
    doctorTimeZone: canonicalTimeZone(found.doctor.timeZone) ?? "UTC",
    itemCount: found._count.items,
  };
}
