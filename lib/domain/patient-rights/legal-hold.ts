// Legal holds: while one is active, a patient's data is neither erased nor destroyed by the
// retention job (an investigation, a complaint, litigation). Placing and releasing one is an admin's
// decision with a stated reason (PHI, under the patient's key), audited.
import "server-only";
import { getDb } from "@/lib/db/client";

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
