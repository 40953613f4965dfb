// Accounts: patient sign-up and email verification, staff invitations (doctors; admins by command), password
// changes and resets, MFA on the account page. (What admins do to accounts: admin-users.ts.) Callers run inside
// a request context (lib/auth/current.ts runAs) and have already authorized.
import "server-only";
import { consumeAuthToken, issueAuthToken, peekAuthToken } from "@/lib/auth/auth-tokens";
import { hashPassword, passwordProblem, verifyPassword } from "@/lib/auth/password";
import { revokeAllSessions } from "@/lib/auth/sessions";
import {
  accountLockKey,
  clearFailures,
  lockedError,
  lockedUntil,
  registerFailure,
  resetLockKey,
} from "@/lib/auth/lockout";
import { acceptSecondFactor, activateAuthenticator } from "@/lib/auth/second-factor";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { emailBlindIndex, getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { describeError, logger } from "@/lib/logger";
import { sendMail } from "@/lib/mail/mailer";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { CURRENT_CONSENT_VERSIONS, currentGrantOf } from "@/lib/domain/consent/documents";
import { canonicalTimeZone } from "@/lib/domain/scheduling/time-zones";
import { runAsSystem } from "@/lib/request-context";

/** The consent versions sign-up records (the texts live in lib/domain/consent/documents.ts). */
export const CONSENT_VERSIONS = CURRENT_CONSENT_VERSIONS;

function assertPassword(password: string, email?: string): void {
  const problem = passwordProblem(password, email);
  if (problem)
    throw new AppError("VALIDATION_FAILED", problem, { fields: [{ field: "password", message: problem }] });
}

const link = (path: string, token: string) => `${getEnv().APP_URL}${path}?token=${encodeURIComponent(token)}`;

export interface PatientSignUp {
  email: string;
  password: string;
  fullName: string;
  dateOfBirth: string;
  timeZone?: string | undefined;
  /** The optional secure-messaging consent (telehealth and data processing are required). */
  acceptMessaging?: boolean | undefined;
}

/** Creates an unverified patient and emails a verification link. An existing email gets a notice instead, so the response never reveals it. */
export async function signUpPatient(input: PatientSignUp): Promise<void> {
  assertPassword(input.password, input.email);
  const passwordHash = await hashPassword(input.password);
  await runAsSystem("auth.sign-up", async () => {
    const existing = await getDb().user.findFirst({ where: { email: input.email }, select: { id: true } });
    if (existing) {
      await sendMail({
        to: input.email,
        subject: "Someone tried to create a Haven account with your email",
        text: `An account already exists for this address. If this was you, sign in or reset your password at ${getEnv().APP_URL}/forgot-password.`,
      });
      await recordAuditEvent({
        action: "auth.sign-up",
        resourceType: "User",
        resourceId: existing.id,
        outcome: "FAILURE",
        details: { reason: "email-taken" },
      });
      return;
    }
    const user = await transaction(async () => {
      const grants = [
        currentGrantOf("TELEHEALTH"),
        currentGrantOf("PRIVACY"),
        ...(input.acceptMessaging ? [currentGrantOf("MESSAGING")] : []),
      ];
      const created = await getDb().user.create({
        data: {
          email: input.email,
          role: "PATIENT",
          // Empty or unknown (the form posted before its script ran, or a forged value): UTC, changeable later.
          timeZone: canonicalTimeZone(input.timeZone ?? "") ?? "UTC",
          passwordHash,
          passwordChangedAt: new Date(),
          patientProfile: { create: { fullName: input.fullName, dateOfBirth: input.dateOfBirth } },
          consents: { create: grants },
        },
        select: { id: true },
      });
      await recordAuditEvent({ action: "auth.sign-up", resourceType: "User", resourceId: created.id });
      // The grants given at sign-up are audited like those given later on Privacy and data.
      for (const grant of grants) {
        await recordAuditEvent({
          action: "consent.granted",
          resourceType: "Consent",
          subjectId: created.id,
          details: { kind: grant.kind, version: grant.version },
        });
      }
      return created;
    });
    const token = await issueAuthToken("EMAIL_VERIFICATION", user.id);
    await sendMail({
      to: input.email,
      subject: "Confirm your email for Haven",
      text: `Welcome to Haven. Confirm your email address to finish creating your account:\n\n${link("/verify-email", token)}\n\nThe link works once and expires in 24 hours.`,
    });
  });
}

export async function verifyEmail(token: string): Promise<boolean> {
  return runAsSystem("auth.verify-email", async () => {
    const userId = await consumeAuthToken("EMAIL_VERIFICATION", token);
    if (!userId) return false;
    await getDb().user.update({ where: { id: userId }, data: { emailVerifiedAt: new Date() } });
    await recordAuditEvent({ action: "auth.email-verified", resourceType: "User", resourceId: userId });
    return true;
  });
}

export interface DoctorInvitation {
  email: string;
  displayName: string;
  specialty: string;
}

export async function inviteDoctor(admin: AuthenticatedActor, input: DoctorInvitation): Promise<void> {
  const db = getDb();
  if ((await db.user.count({ where: { email: input.email } })) > 0) {
    throw new AppError("CONFLICT", "An account with this email already exists.", {
      fields: [{ field: "email", message: "An account with this email already exists." }],
    });
  }
  const doctor = await transaction(async () => {
    const created = await db.user.create({
      data: {
        email: input.email,
        role: "DOCTOR",
        status: "INVITED",
        doctorProfile: { create: { displayName: input.displayName, specialty: input.specialty } },
      },
      select: { id: true },
    });
    await recordAuditEvent({
      action: "admin.doctor.invited",
      resourceType: "User",
      resourceId: created.id,
      details: { by: admin.userId },
    });
    return created;
  });
  const token = await issueAuthToken("STAFF_INVITATION", doctor.id);
  await sendMail({
    to: input.email,
    subject: "You are invited to Haven",
    text: `${input.displayName}, your clinic invited you to Haven. Set your password here (the link works once, for 72 hours):\n\n${link("/invite", token)}\n\nAt your first sign-in you will set up an authenticator app.`,
  });
}

export interface AdminInvitation {
  userId: string;
  /** The link, when the operator asked for it instead of an email. */
  link: string | null;
  /** An invited admin with this email existed: a new link replaced theirs. */
  renewed: boolean;
}

/**
 * An administrator invited from the command line (`npm run admin:create`): the first of a new clinic, or
 * another (the admin portal invites doctors only). The invitation is a staff invitation like a doctor's
 * (same single-use, 72-hour link; a password, then an authenticator at the first sign-in). An invited admin
 * with this email gets a new link (the first email may never have arrived); any other account with it is
 * refused. With `printLink` the link is returned for the operator to hand over, not emailed: for a clinic
 * whose mail is not set up yet.
 */
export async function inviteAdmin(email: string, options: { printLink: boolean }): Promise<AdminInvitation> {
  return runAsSystem("cli.admin-create", async () => {
    const db = getDb();
    const existing = await db.user.findFirst({
      where: { email },
      select: { id: true, role: true, status: true },
    });
    if (existing && !(existing.role === "ADMIN" && existing.status === "INVITED")) {
      throw new AppError("CONFLICT", "An account with this email already exists.", {
        fields: [{ field: "email", message: "An account with this email already exists." }],
      });
    }
    const admin = await transaction(async () => {
      const invited =
        existing ??
        (await db.user.create({
          data: { email, role: "ADMIN", status: "INVITED" },
          select: { id: true },
        }));
      await recordAuditEvent({
        action: "admin.admin.invited",
        resourceType: "User",
        resourceId: invited.id,
        details: {
          by: "command line",
          renewed: Boolean(existing),
          delivery: options.printLink ? "printed" : "email",
        },
      });
      return invited;
    });
    const invitation = link("/invite", await issueAuthToken("STAFF_INVITATION", admin.id));
    if (!options.printLink) {
      try {
        await sendMail({
          to: email,
          subject: "You are invited to administer Haven",
          text: `Your clinic made you an administrator of Haven. Set your password here (the link works once, for 72 hours):\n\n${invitation}\n\nAt your first sign-in you will set up an authenticator app.`,
        });
      } catch (error) {
        // The account stays invited: the next run (a printed link, or once mail works) renews the link.
        // sendMail's error names the mail server's codes only, never the address.
        logger.error("the admin invitation email was not sent", describeError(error));
        throw new AppError(
          "SERVICE_UNAVAILABLE",
          "The administrator is invited, but the email with the link could not be sent. Print a new link " +
            "instead (--print-link), or send one again once mail works.",
        );
      }
    }
    return { userId: admin.id, link: options.printLink ? invitation : null, renewed: Boolean(existing) };
  });
}

/**
 * What the invitation page shows, or null for a used or expired link: a doctor's display name; an
 * admin has none.
 */
export async function describeInvitation(
  token: string,
): Promise<{ role: "DOCTOR" | "ADMIN"; displayName: string | null } | null> {
  const userId = await peekAuthToken("STAFF_INVITATION", token);
  if (!userId) return null;
  const user = await getDb().user.findUnique({
    where: { id: userId },
    select: { role: true, status: true, doctorProfile: { select: { displayName: true } } },
  });
  if (user?.status !== "INVITED" || user.role === "PATIENT") return null;
  return { role: user.role, displayName: user.doctorProfile?.displayName ?? null };
}

export async function acceptInvitation(token: string, password: string): Promise<void> {
  assertPassword(password);
  const passwordHash = await hashPassword(password);
  await runAsSystem("auth.invitation", async () => {
    const userId = await consumeAuthToken("STAFF_INVITATION", token);
    if (!userId)
      throw new AppError(
        "NOT_FOUND",
        "This invitation link was already used or has expired. Ask your clinic for a new one.",
      );
    // Only a doctor still invited: one deactivated meanwhile must not become active by its old link.
    const { count } = await getDb().user.updateMany({
      where: { id: userId, status: "INVITED" },
      data: { passwordHash, passwordChangedAt: new Date(), status: "ACTIVE", emailVerifiedAt: new Date() },
    });
    if (count === 0) {
      await recordAuditEvent({
        action: "auth.invitation.accepted",
        resourceType: "User",
        resourceId: userId,
        outcome: "DENIED",
        details: { reason: "not-invited" },
      });
      throw new AppError("NOT_FOUND", "This invitation is no longer valid. Ask your clinic for a new one.");
    }
    await recordAuditEvent({ action: "auth.invitation.accepted", resourceType: "User", resourceId: userId });
  });
}

/**
 * Changing a credential (password, two-step sign-in) needs the current password
 * again, so a session left open or stolen cannot take the account over.
 */
async function confirmCurrentPassword(actor: AuthenticatedActor, password: string, action: string) {
  const user = await getDb().user.findUniqueOrThrow({
    where: { id: actor.userId },
    select: { passwordHash: true },
  });
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, password))) {
    await recordAuditEvent({ action, resourceType: "User", resourceId: actor.userId, outcome: "FAILURE" });
    throw new AppError("VALIDATION_FAILED", "Your current password is not correct.", {
      fields: [{ field: "currentPassword", message: "Your current password is not correct." }],
    });
  }
}

export async function changePassword(
  actor: AuthenticatedActor,
  current: string,
  next: string,
): Promise<void> {
  await confirmCurrentPassword(actor, current, "auth.password.changed");
  const { email } = await getDb().user.findUniqueOrThrow({
    where: { id: actor.userId },
    select: { email: true },
  });
  assertPassword(next, email);
  await getDb().user.update({
    where: { id: actor.userId },
    data: { passwordHash: await hashPassword(next), passwordChangedAt: new Date() },
  });
  const ended = await revokeAllSessions(actor.userId, "password-changed", actor.sessionId);
  await recordAuditEvent({
    action: "auth.password.changed",
    resourceType: "User",
    resourceId: actor.userId,
    details: { sessionsEnded: ended },
  });
}

/**
 * Always answers the same way; only an active account with a password gets a
 * link, and at most a few an hour (so nobody's inbox can be flooded).
 */
export async function requestPasswordReset(email: string): Promise<void> {
  await runAsSystem("auth.password-reset", async () => {
    try {
      await consumeRateLimit("passwordResetMail", `email:${emailBlindIndex(email)}`);
    } catch (error) {
      if (AppError.is(error) && error.code === "RATE_LIMITED") return;
      throw error;
    }
    const user = await getDb().user.findFirst({
      where: { email },
      select: { id: true, status: true, passwordHash: true },
    });
    if (!user || user.status !== "ACTIVE" || !user.passwordHash) return;
    const token = await issueAuthToken("PASSWORD_RESET", user.id);
    await recordAuditEvent({
      action: "auth.password-reset.requested",
      resourceType: "User",
      resourceId: user.id,
    });
    await sendMail({
      to: email,
      subject: "Reset your Haven password",
      text: `Someone asked to reset the password of your Haven account. If it was you, choose a new password here (the link works once, for 30 minutes):\n\n${link("/reset-password", token)}\n\nIf it was not you, ignore this email: your password stays as it is.`,
    });
  });
}

export async function passwordResetNeedsCode(token: string): Promise<boolean | null> {
  return runAsSystem("auth.password-reset", async () => {
    const userId = await peekAuthToken("PASSWORD_RESET", token);
    if (!userId) return null;
    const user = await getDb().user.findUnique({ where: { id: userId }, select: { mfaEnabledAt: true } });
    return Boolean(user?.mfaEnabledAt);
  });
}

/** Sets a new password from a reset link; accounts with MFA must also give a code. Ends every session. */
export async function resetPassword(
  token: string,
  password: string,
  code: string | undefined,
): Promise<void> {
  await runAsSystem("auth.password-reset", async () => {
    const userId = await peekAuthToken("PASSWORD_RESET", token);
    const expired = new AppError(
      "NOT_FOUND",
      "This reset link was already used or has expired. Ask for a new one.",
    );
    if (!userId) throw expired;
    const user = await getDb().user.findUniqueOrThrow({
      where: { id: userId },
      select: {
        email: true,
        emailIndex: true,
        mfaSecret: true,
        mfaEnabledAt: true,
        mfaLastTimeStep: true,
      },
    });
    assertPassword(password, user.email);
    const lockKey = resetLockKey(userId);
    if (user.mfaEnabledAt && user.mfaSecret) {
      // Wrong codes lock the reset: a reset link must not open unlimited guessing.
      const locked = await lockedUntil(lockKey);
      if (locked) throw lockedError(locked);
      const ok = await acceptSecondFactor({ ...user, id: userId, mfaSecret: user.mfaSecret }, code ?? "");
      if (!ok) {
        const outcome = await registerFailure(lockKey);
        if (outcome.lockedUntil) throw lockedError(outcome.lockedUntil);
        throw new AppError(
          "VALIDATION_FAILED",
          "Enter a current code from your authenticator app, or a recovery code.",
          {
            fields: [{ field: "code", message: "That code is not valid." }],
          },
        );
      }
    }
    if ((await consumeAuthToken("PASSWORD_RESET", token)) !== userId) throw expired;
    await getDb().user.update({
      where: { id: userId },
      data: { passwordHash: await hashPassword(password), passwordChangedAt: new Date() },
    });
    // Proving control of the mailbox (and the second factor) lifts the sign-in lock.
    await clearFailures(lockKey);
    if (user.emailIndex) await clearFailures(accountLockKey(user.emailIndex));
    const ended = await revokeAllSessions(userId, "password-reset");
    await recordAuditEvent({
      action: "auth.password-reset",
      resourceType: "User",
      resourceId: userId,
      details: { sessionsEnded: ended },
    });
  });
}

/** Account page MFA for a signed-in user: confirm a new authenticator, replace recovery codes. */
export async function enableMfa(
  actor: AuthenticatedActor,
  input: { secret: string; code: string; currentPassword: string },
): Promise<string[]> {
  await confirmCurrentPassword(actor, input.currentPassword, "auth.mfa.enrolled");
  const codes = await activateAuthenticator(actor.userId, input.secret, input.code);
  await revokeAllSessions(actor.userId, "mfa-changed", actor.sessionId);
  return codes;
}

/** Patients may turn MFA off (with their password); doctors and admins may not. Ends the other sessions. */
export async function disableMfa(actor: AuthenticatedActor, currentPassword: string): Promise<void> {
  if (actor.role !== "PATIENT")
    throw new AppError("FORBIDDEN", "Doctors and admins must keep two-step sign-in on.");
  await confirmCurrentPassword(actor, currentPassword, "auth.mfa.disabled");
  await getDb().user.update({
    where: { id: actor.userId },
    data: { mfaSecret: null, mfaEnabledAt: null, mfaLastTimeStep: null },
  });
  await getDb().recoveryCode.deleteMany({ where: { userId: actor.userId } });
  await revokeAllSessions(actor.userId, "mfa-changed", actor.sessionId);
  await recordAuditEvent({ action: "auth.mfa.disabled", resourceType: "User", resourceId: actor.userId });
}

export async function listDoctors() {
  return getDb().user.findMany({
    where: { role: "DOCTOR" },
    select: {
      id: true,
      email: true,
      status: true,
      mfaEnabledAt: true,
      doctorProfile: { select: { displayName: true, specialty: true } },
    },
    orderBy: { createdAt: "asc" },
  });
}

export async function accountOverview(actor: AuthenticatedActor) {
  return getDb().user.findUniqueOrThrow({
    where: { id: actor.userId },
    select: {
      email: true,
      role: true,
      createdAt: true,
      mfaEnabledAt: true,
      passwordChangedAt: true,
      patientProfile: { select: { fullName: true } },
      doctorProfile: { select: { displayName: true, specialty: true } },
    },
  });
}

/** The zone every time is shown to this user in. */
export async function accountTimeZone(actor: AuthenticatedActor): Promise<string> {
  const user = await getDb().user.findUniqueOrThrow({
    where: { id: actor.userId },
    select: { timeZone: true },
  });
  // A zone this runtime does not know would make every date on the page throw.
  return canonicalTimeZone(user.timeZone) ?? "UTC";
}

export async function updateTimeZone(actor: AuthenticatedActor, chosen: string): Promise<void> {
  const timeZone = canonicalTimeZone(chosen);
  if (!timeZone) {
    throw new AppError("VALIDATION_FAILED", "Choose a time zone from the list.", {
      fields: [{ field: "timeZone", message: "Choose a time zone from the list." }],
    });
  }
  await getDb().user.update({ where: { id: actor.userId }, data: { timeZone }, select: { id: true } });
  await recordAuditEvent({
    action: "account.time-zone-changed",
    resourceType: "User",
    resourceId: actor.userId,
  });
}
