// Who may see and write a patient's clinical record: the care relationship, as
// pure functions (unit-tested), enforced by the clinical services
// (lib/domain/clinical/access.ts) so that no page, route or action can forget it.
// A visit makes its doctor the patient's treating doctor once it was confirmed:
// past, current or upcoming, and still after a cancellation or a missed visit. A
// hold that expired or was cancelled before confirmation does not. A doctor
// without one may read (never write) a chart for the hour of a break-glass grant
// (lib/domain/security/break-glass.ts). Admins manage accounts; they never read
// clinical content.
import type { AppointmentStatus, Role } from "@/lib/db/generated/enums";

export interface CareActor {
  userId: string;
  role: Role;
}

export interface CareVisit {
  doctorId: string;
  patientId: string;
  status: AppointmentStatus;
  confirmedAt: Date | null;
}

/**
 * "own": the patient's own record; "treating": a doctor in a care relationship; "emergency": a
 * doctor's live break-glass grant (read-only); null: no access (a 404).
 */
export type ChartAccess = "own" | "treating" | "emergency" | null;

const CARE_STATUSES = ["CONFIRMED", "IN_PROGRESS", "COMPLETED", "NO_SHOW"] as const;

export function establishesCare(visit: Pick<CareVisit, "status" | "confirmedAt">): boolean {
  if ((CARE_STATUSES as readonly string[]).includes(visit.status)) return true;
  return visit.status === "CANCELLED" && visit.confirmedAt !== null;
}

/** The same rule as a database filter on appointments (for the one query the services make). */
export function careVisitFilter() {
  return {
    OR: [
      { status: { in: [...CARE_STATUSES] } },
      { status: "CANCELLED" as const, confirmedAt: { not: null } },
    ],
  };
}

export function chartAccess(
  actor: CareActor,
  patientId: string,
  visits: readonly CareVisit[],
  emergencyGrant = false,
): ChartAccess {
  if (actor.role === "PATIENT") return actor.userId === patientId ? "own" : null;
  if (actor.role === "DOCTOR") {
    const treating = visits.some(
      (visit) => visit.doctorId === actor.userId && visit.patientId === patientId && establishesCare(visit),
    );
    if (treating) return "treating";
    return emergencyGrant ? "emergency" : null;
  }
  return null;
}

/** Notes and prescriptions are written by treating doctors only. */
export const canWriteClinical = (access: ChartAccess) => access === "treating";

/** A draft is its author's alone; a signed note is seen by the patient and every treating doctor. */
export function canSeeNote(
  actor: CareActor,
  access: ChartAccess,
  note: { authorId: string; status: "DRAFT" | "SIGNED" },
): boolean {
  if (access === null) return false;
  if (note.status === "DRAFT") return access === "treating" && note.authorId === actor.userId;
  return true;
}

/** Only the author edits a draft, signs it, or amends it once signed. */
export const isAuthor = (actor: CareActor, note: { authorId: string }) =>
  actor.role === "DOCTOR" && note.authorId === actor.userId;
