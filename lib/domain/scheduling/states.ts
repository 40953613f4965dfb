// An appointment's life, in one place: which status may follow which. Every
// change goes through transitionAppointment (transition-appointment.ts).
import type { AppointmentStatus } from "@/lib/db/generated/enums";

/** Statuses that occupy time: PostgreSQL refuses overlaps among them (exclusion constraints). */
export const ACTIVE_STATUSES = [
  "HELD",
  "CONFIRMED",
  "IN_PROGRESS",
] as const satisfies readonly AppointmentStatus[];

export const TRANSITIONS: Readonly<Record<AppointmentStatus, readonly AppointmentStatus[]>> = {
  HELD: ["CONFIRMED", "CANCELLED", "EXPIRED"],
  CONFIRMED: ["IN_PROGRESS", "CANCELLED", "NO_SHOW"],
  IN_PROGRESS: ["COMPLETED"],
  COMPLETED: [],
  CANCELLED: [],
  NO_SHOW: [],
  EXPIRED: [],
};

/** The statuses a transition to `to` may start from. */
export function sourcesOf(to: AppointmentStatus): AppointmentStatus[] {
  return (Object.keys(TRANSITIONS) as AppointmentStatus[]).filter((from) => TRANSITIONS[from].includes(to));
}

export function canTransition(from: AppointmentStatus, to: AppointmentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export const isActive = (status: AppointmentStatus) =>
  (ACTIVE_STATUSES as readonly string[]).includes(status);

export const STATUS_LABEL: Readonly<Record<AppointmentStatus, string>> = {
  HELD: "Held for you",
  CONFIRMED: "Confirmed",
  IN_PROGRESS: "In progress",
  COMPLETED: "Completed",
  CANCELLED: "Cancelled",
  NO_SHOW: "Missed",
  EXPIRED: "Hold expired",
};
