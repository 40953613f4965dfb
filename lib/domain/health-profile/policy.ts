// Who may change a health profile or a medication list: only the patient it
// belongs to. Treating doctors read them in the chart (lib/authz/care.ts decides
// that); nobody else sees them at all.
import type { CareActor } from "@/lib/authz/care";

export const canEditHealthRecord = (actor: CareActor, patientId: string): boolean =>
  actor.role === "PATIENT" && actor.userId === patientId;
