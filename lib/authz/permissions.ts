// Roles → permissions: the one table every page, action and route handler
// checks (through lib/auth/current.ts). Data-level scoping (a patient sees only
// their rows, a doctor only their patients) lives in each domain service.
import type { Role } from "@/lib/db/generated/enums";

export const PERMISSIONS = {
  "portal:patient": ["PATIENT"],
  "portal:doctor": ["DOCTOR"],
  "portal:admin": ["ADMIN"],
  "account:manage-own": ["PATIENT", "DOCTOR", "ADMIN"],
  "profile:read-own": ["PATIENT"],
  "doctors:invite": ["ADMIN"],
  "doctors:list": ["ADMIN"],
  "users:deactivate": ["ADMIN"],
  /** Every account: status, sign-ins, sessions; reactivate, reset a second factor (with reason). */
  "users:manage": ["ADMIN"],
  /** The audit viewer: filter, detail, export (itself audited) and chain verification. */
  "audit:review": ["ADMIN"],
  /** Security alerts, incidents and the break-glass review queue. */
  "security:manage": ["ADMIN"],
  /** Backups and restore drills (/admin/backups): which backups exist, whether the last drill passed. */
  "backups:manage": ["ADMIN"],
  /** Quarterly access reviews of staff accounts. */
  "access-reviews:manage": ["ADMIN"],
  /** Emergency ("break-glass") access to a chart without a visit: reason stated, one hour, reviewed. */
  "clinical:break-glass": ["DOCTOR"],
  /** The doctor directory and booking: patients. */
  "doctors:browse": ["PATIENT"],
  "appointments:book": ["PATIENT"],
  /** One's own visits (scoped to the parties by lib/domain/scheduling/policy.ts). */
  "appointments:own": ["PATIENT", "DOCTOR"],
  /** A doctor's own schedule, availability and booking settings. */
  "schedule:manage-own": ["DOCTOR"],
  /** Every doctor's bookings (times, status, patient; never the reason). */
  "bookings:list": ["ADMIN"],
  /** Clinical records (chart, notes, prescriptions, documents, readings): a patient's own, a
   * doctor's patients (scoped by lib/authz/care.ts in every clinical service). Never admins. */
  "clinical:read": ["PATIENT", "DOCTOR"],
  /** Notes and prescriptions: treating doctors (care.ts decides whose chart). */
  "clinical:write": ["DOCTOR"],
  /** Uploading a document into a record: the patient's own, or a treating doctor's patient's. */
  "documents:upload": ["PATIENT", "DOCTOR"],
  /** One's own health profile, medications, devices and readings. */
  "health:manage-own": ["PATIENT"],
  /** The emergency button. */
  "emergency:raise": ["PATIENT"],
  /** Paying for one's own visits, one's payments and receipts. */
  "payments:own": ["PATIENT"],
  /** Every payment, manual refunds, the revenue view and the payment settings. */
  "payments:manage": ["ADMIN"],
  /** Secure messaging between a patient and the doctors they share a confirmed visit with (scoped by
   * lib/domain/messaging/access.ts); realtime events of one's own threads. Never admins. */
  "messages:use": ["PATIENT", "DOCTOR"],
  /** One's own data rights: consents, the export of everything, correction and erasure requests. */
  "rights:own": ["PATIENT"],
  /** Corrections patients ask of the records of doctors they are treated by (routed to the doctor). */
  "rights:answer-corrections": ["DOCTOR"],
  /** The queue of every patient's export, correction and erasure requests; legal holds; retention. */
  "rights:manage": ["ADMIN"],
  /** Checking one's own insurance eligibility (the encrypted verification session). */
  "insurance:own": ["PATIENT"],
  /** Joining one's own video visit (the visit's doctor and patient, in its time window). */
  "video:join": ["PATIENT", "DOCTOR"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function roleCan(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Where each role lands after signing in. */
export const PORTAL_OF: Record<Role, "/patient" | "/doctor" | "/admin"> = {
  PATIENT: "/patient",
  DOCTOR: "/doctor",
  ADMIN: "/admin",
};
