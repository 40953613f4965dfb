// The admin's view of accounts: every staff account with its status, second
// factor, last sign-in and live sessions; one account's detail; a patient found
// by exact email (the blind index, through the data layer); and what an admin
// may do to an account: deactivate, reactivate, reset the second factor, end a
// session. Every change is audited with ids only, its subject being the account.
// Callers run inside a request context (lib/auth/current.ts runAs).
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { listActiveSessions, revokeAllSessions, sessionPolicy } from "@/lib/auth/sessions";
import { roleCan } from "@/lib/authz/permissions";
import { recordRefusal, refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction, transactionClient } from "@/lib/db/client";
import type { Role, UserStatus } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { isUuid } from "@/lib/http/params";
import { describeBrowser } from "./user-agent";

export { ROLE_LABEL, STATUS_LABEL } from "./labels";

export const STAFF_ROLES = ["DOCTOR", "ADMIN"] as const satisfies readonly Role[];

/** What the account page says after a change (the action redirects with one of these codes). */
export const ACCOUNT_CHANGE_MESSAGE = {
  deactivated: "The account is deactivated and every session of it has ended. It cannot sign in.",
  reactivated: "The account is reactivated: it can sign in again.",
  "reactivated-invited":
    "The account is reactivated and still invited: it signs in once it accepts its invitation.",
  "mfa-reset":
    "The second factor is reset and every session has ended: the account sets up a new authenticator at its next sign-in.",
  "session-revoked": "The session has ended: its browser is signed out on its next request.",
} as const;
export type AccountChange = keyof typeof ACCOUNT_CHANGE_MESSAGE;

/** A change code from the page's query, or null. */
export function accountChangeOf(value: unknown): AccountChange | null {
  return typeof value === "string" && Object.hasOwn(ACCOUNT_CHANGE_MESSAGE, value)
    ? (value as AccountChange)
    : null;
}

const ROLE_ORDER: Record<Role, number> = { DOCTOR: 0, ADMIN: 1, PATIENT: 2 };
const NO_SUCH_ACCOUNT = "No such account.";

/** Admins only; anyone else is refused (and audited) whatever the page or action checked before. */
async function assertManager(actor: AuthenticatedActor): Promise<void> {
  if (roleCan(actor.role, "users:manage")) return;
  await recordRefusal("User", "(list)");
  throw new AppError("FORBIDDEN", "You do not have access to this.");
}

/** An account an admin names by id: refused as not found (audited) for anyone else, a malformed or an unknown id. */
async function targetAccount(actor: AuthenticatedActor, userId: string) {
  if (!roleCan(actor.role, "users:manage") || !isUuid(userId)) {
    return refuseAsNotFound("User", userId, NO_SUCH_ACCOUNT);
  }
  const user = await getDb().user.findUnique({
    where: { id: userId },
    select: { id: true, role: true, status: true, passwordHash: true, mfaEnabledAt: true },
  });
  if (!user) return refuseAsNotFound("User", userId, NO_SUCH_ACCOUNT);
  return user;
}

const ADMIN_DEACTIVATION_LOCK = 7_244_913_554;

/** Ids compare case-insensitively: a uuid posted in upper case is still the admin's own. */
const isOwnAccount = (actor: AuthenticatedActor, userId: string) =>
  actor.userId.toLowerCase() === userId.toLowerCase();

function refuseSelf(actor: AuthenticatedActor, userId: string, what: string): void {
  if (isOwnAccount(actor, userId)) {
    throw new AppError(
      "BAD_REQUEST",
      `You cannot ${what} your own account. Another admin has to do it, so no one can lock themselves out or hide their own changes.`,
    );
  }
}

/** Display names of staff (a doctor's public name, else the email, decrypted and audited by the data layer). */
export async function staffNames(userIds: readonly string[]): Promise<Map<string, string>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const users = await getDb().user.findMany({
    where: { id: { in: ids }, role: { in: [...STAFF_ROLES] } },
    select: { id: true, email: true, doctorProfile: { select: { displayName: true } } },
  });
  return new Map(users.map((user) => [user.id, user.doctorProfile?.displayName ?? user.email]));
}

/** The latest sign-in of each account: the newest session's start (a session begins only after every factor passed). */
async function lastSignIns(userIds: readonly string[]): Promise<Map<string, Date>> {
  if (userIds.length === 0) return new Map();
  const rows = await getDb().session.groupBy({
    by: ["userId"],
    where: { userId: { in: [...userIds] } },
    _max: { createdAt: true },
  });
  const result = new Map<string, Date>();
  for (const row of rows) if (row._max.createdAt) result.set(row.userId, row._max.createdAt);
  return result;
}

/** Sessions that would still be accepted now (not ended, not expired, not idle), per account. */
async function activeSessionCounts(
  userIds: readonly string[],
  now = new Date(),
): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await getDb().session.groupBy({
    by: ["userId"],
    where: {
      userId: { in: [...userIds] },
      revokedAt: null,
      expiresAt: { gt: now },
      lastSeenAt: { gt: new Date(now.getTime() - sessionPolicy().idleMs) },
    },
    _count: { _all: true },
  });
  return new Map(rows.map((row) => [row.userId, row._count._all]));
}

export interface StaffAccountRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: UserStatus;
  mfaOn: boolean;
  lastSignInAt: Date | null;
  activeSessions: number;
}

/** Every doctor and admin, doctors first, then by name. */
export async function listStaffAccounts(actor: AuthenticatedActor): Promise<StaffAccountRow[]> {
  await assertManager(actor);
  const users = await getDb().user.findMany({
    where: { role: { in: [...STAFF_ROLES] } },
    select: {
      id: true,
      email: true,
      role: true,
      status: true,
      mfaEnabledAt: true,
      doctorProfile: { select: { displayName: true } },
    },
    orderBy: { createdAt: "asc" },
  });
  const ids = users.map((user) => user.id);
  const [signIns, sessions] = await Promise.all([lastSignIns(ids), activeSessionCounts(ids)]);
  return users
    .map((user) => ({
      id: user.id,
      name: user.doctorProfile?.displayName ?? user.email,
      email: user.email,
      role: user.role,
      status: user.status,
      mfaOn: user.mfaEnabledAt !== null,
      lastSignInAt: signIns.get(user.id) ?? null,
      activeSessions: sessions.get(user.id) ?? 0,
    }))
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.name.localeCompare(b.name));
}

/**
 * A patient's account by exact email, through the email's blind index (the data
 * layer never decrypts to search); null when no patient has it. Audited without the email.
 */
export async function findPatientByEmail(actor: AuthenticatedActor, email: string): Promise<string | null> {
  await assertManager(actor);
  const found = await getDb().user.findFirst({
    where: { email, role: "PATIENT" },
    select: { id: true },
  });
  await recordAuditEvent({
    action: "admin.patient.looked-up",
    resourceType: "User",
    resourceId: found?.id ?? null,
    outcome: found ? "SUCCESS" : "FAILURE",
    details: { found: found !== null },
    subjectId: found?.id ?? null,
  });
  return found?.id ?? null;
}

export interface MfaResetRow {
  id: string;
  at: Date;
  byId: string;
  byName: string;
  reason: string;
}

export interface AccountSession {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  browser: string;
}

export interface AccountDetail {
  id: string;
  role: Role;
  status: UserStatus;
  /** Staff: a doctor's public name or the email; patients: null (the admin needs no patient data here). */
  name: string | null;
  email: string | null;
  createdAt: Date;
  lastSignInAt: Date | null;
  mfaEnabledAt: Date | null;
  mfaResets: MfaResetRow[];
  sessions: AccountSession[];
  /** The admin looking at their own account (no admin actions on it). */
  isSelf: boolean;
}

/** One account for the admin; anyone else, a malformed or an unknown id: 404 (audited). */
export async function accountForAdmin(actor: AuthenticatedActor, userId: string): Promise<AccountDetail> {
  await targetAccount(actor, userId);
  const user = await getDb().user.findUniqueOrThrow({
    where: { id: userId },
    select: { id: true, role: true, status: true, createdAt: true, mfaEnabledAt: true },
  });
  const staff = user.role !== "PATIENT";
  const staffAccount = staff
    ? await getDb().user.findUniqueOrThrow({
        where: { id: userId },
        select: { email: true, doctorProfile: { select: { displayName: true } } },
      })
    : null;
  const resets = await getDb().mfaReset.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    take: 50,
    select: { id: true, createdAt: true, resetById: true, reason: true },
  });
  const [names, signIns, sessions] = await Promise.all([
    staffNames(resets.map((reset) => reset.resetById)),
    lastSignIns([userId]),
    listActiveSessions(userId),
  ]);
  await recordAuditEvent({
    action: "admin.user.viewed",
    resourceType: "User",
    resourceId: userId,
    subjectId: userId,
  });
  return {
    id: user.id,
    role: user.role,
    status: user.status,
    name: staffAccount ? (staffAccount.doctorProfile?.displayName ?? staffAccount.email) : null,
    email: staffAccount?.email ?? null,
    createdAt: user.createdAt,
    lastSignInAt: signIns.get(userId) ?? null,
    mfaEnabledAt: user.mfaEnabledAt,
    mfaResets: resets.map((reset) => ({
      id: reset.id,
      at: reset.createdAt,
      byId: reset.resetById,
      byName: names.get(reset.resetById) ?? `Account ${reset.resetById.slice(0, 8)}`,
      reason: reset.reason,
    })),
    sessions: sessions.map((session) => ({
      id: session.id,
      createdAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
      ip: session.ip,
      browser: describeBrowser(session.userAgent),
    })),
    isSelf: isOwnAccount(actor, userId),
  };
}

/**
 * Deactivates an account: it can no longer sign in, and every session ends in the
 * same transaction (the session check also refuses any account that is not active).
 * Used by the account page and by an access review's Revoke (`via`).
 */
export async function deactivateAccount(
  actor: AuthenticatedActor,
  userId: string,
  via: "account-page" | "access-review" = "account-page",
): Promise<{ sessionsEnded: number }> {
  const target = await targetAccount(actor, userId);
  refuseSelf(actor, userId, "deactivate");
  return transaction(async () => {
    if (target.role === "ADMIN") {
      // Admin deactivations one at a time: two admins deactivating each other at once must not
      // leave the clinic without one, and an admin deactivated meanwhile acts no more.
      await transactionClient().$executeRaw`SELECT pg_advisory_xact_lock(${ADMIN_DEACTIVATION_LOCK}::bigint)`;
      const [self, others] = await Promise.all([
        getDb().user.count({ where: { id: actor.userId, status: "ACTIVE" } }),
        getDb().user.count({ where: { role: "ADMIN", status: "ACTIVE", id: { not: target.id } } }),
      ]);
      if (self === 0) throw new AppError("FORBIDDEN", "Your account is no longer active.");
      if (others === 0)
        throw new AppError("CONFLICT", "This is the last active admin account: it cannot be deactivated.");
    }
    const { count } = await getDb().user.updateMany({
      where: { id: userId, status: { not: "DEACTIVATED" } },
      data: { status: "DEACTIVATED" },
    });
    if (count === 0) throw new AppError("CONFLICT", "This account is already deactivated.");
    const sessionsEnded = await revokeAllSessions(userId, "deactivated");
    await recordAuditEvent({
      action: "admin.user.deactivated",
      resourceType: "User",
      resourceId: userId,
      subjectId: userId,
      details: { sessionsEnded, via },
    });
    return { sessionsEnded };
  });
}

/**
 * Lets a deactivated account sign in again. One that never set a password (an
 * invited doctor) goes back to Invited: it still has to accept its invitation.
 */
export async function reactivateAccount(actor: AuthenticatedActor, userId: string): Promise<UserStatus> {
  const user = await targetAccount(actor, userId);
  refuseSelf(actor, userId, "reactivate");
  const status: UserStatus = user.passwordHash ? "ACTIVE" : "INVITED";
  return transaction(async () => {
    const { count } = await getDb().user.updateMany({
      where: { id: userId, status: "DEACTIVATED" },
      data: { status },
    });
    if (count === 0) throw new AppError("CONFLICT", "This account is not deactivated.");
    await recordAuditEvent({
      action: "admin.user.reactivated",
      resourceType: "User",
      resourceId: userId,
      subjectId: userId,
      details: { status },
    });
    return status;
  });
}

/**
 * Resets an account's second factor (a lost phone): clears the authenticator and
 * its recovery codes, so the account enrols again at its next sign-in (doctors
 * and admins must), ends every session, and keeps who did it, when and why.
 */
export async function resetSecondFactor(
  actor: AuthenticatedActor,
  userId: string,
  reason: string,
): Promise<{ mfaResetId: string; sessionsEnded: number }> {
  const user = await targetAccount(actor, userId);
  refuseSelf(actor, userId, "reset the second factor of");
  if (!user.mfaEnabledAt) {
    throw new AppError(
      "BAD_REQUEST",
      user.role === "PATIENT"
        ? "This patient has not turned on two-step sign-in: there is nothing to reset."
        : "This account has no authenticator yet: there is nothing to reset. It sets one up at its next sign-in.",
    );
  }
  return transaction(async () => {
    await getDb().user.update({
      where: { id: userId },
      data: { mfaSecret: null, mfaEnabledAt: null, mfaLastTimeStep: null },
      select: { id: true },
    });
    const { count: recoveryCodesDeleted } = await getDb().recoveryCode.deleteMany({ where: { userId } });
    const reset = await getDb().mfaReset.create({
      data: { userId, resetById: actor.userId, reason },
      select: { id: true },
    });
    const sessionsEnded = await revokeAllSessions(userId, "mfa-reset");
    await recordAuditEvent({
      action: "admin.user.mfa-reset",
      resourceType: "User",
      resourceId: userId,
      subjectId: userId,
      details: { mfaResetId: reset.id, recoveryCodesDeleted, sessionsEnded },
    });
    return { mfaResetId: reset.id, sessionsEnded };
  });
}

/** Ends one session of an account (the session must be that account's). */
export async function revokeAccountSession(
  actor: AuthenticatedActor,
  userId: string,
  sessionId: string,
): Promise<void> {
  await targetAccount(actor, userId);
  if (isOwnAccount(actor, userId)) {
    throw new AppError("BAD_REQUEST", "End your own sessions on your account page.");
  }
  if (!isUuid(sessionId)) return refuseAsNotFound("Session", sessionId, "No such session.");
  await transaction(async () => {
    const { count } = await getDb().session.updateMany({
      where: { id: sessionId, userId, revokedAt: null },
      data: { revokedAt: new Date(), revokeReason: "revoked-by-admin" },
    });
    if (count === 0) throw new AppError("CONFLICT", "That session has already ended.");
    await recordAuditEvent({
      action: "admin.session.revoked",
      resourceType: "Session",
      resourceId: sessionId,
      subjectId: userId,
    });
  });
}
