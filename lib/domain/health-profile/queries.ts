// A patient's own health profile: reads scoped to the acting patient, through
// the encrypted, audited data layer.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, plainClientForBenchmark } from "@/lib/db/client";

export interface OwnHealthProfile {
  fullName: string;
  dateOfBirth: string | null;
  allergies: string | null;
}

/** The signed-in patient's profile (decrypted, one phi.read audit row), or null before it exists. */
export async function ownHealthProfile(actor: AuthenticatedActor): Promise<OwnHealthProfile | null> {
  return getDb().patientProfile.findUnique({
    where: { userId: actor.userId },
    select: { fullName: true, dateOfBirth: true, allergies: true },
  });
}

/** `npm run bench` only: the same read without encryption and audit (returns ciphertext). */
export async function plainOwnHealthProfileForBenchmark(actor: AuthenticatedActor) {
  return plainClientForBenchmark().patientProfile.findUnique({
    where: { userId: actor.userId },
    select: { fullName: true, dateOfBirth: true, allergies: true },
  });
}
