// Erasure (GDPR art. 17) by crypto-shredding: being built (issue 15). The signatures are final.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { AppError } from "@/lib/http/errors";

/** What an erasure erased and kept, by category (counts, no PHI): shown to the patient and the admin. */
export interface ErasureOutcome {
  erased: Record<string, number>;
  retained: Record<string, number>;
  clinicalRecords: "retain" | "redact";
}

/** An admin carries out a patient's erasure request (refused while a legal hold is active). */
export async function carryOutErasure(actor: AuthenticatedActor, requestId: string): Promise<ErasureOutcome> {
  void actor;
  void requestId;
  throw new AppError("SERVICE_UNAVAILABLE", "Erasure is not available yet.");
}
