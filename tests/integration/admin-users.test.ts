// Admin user management against a real PostgreSQL: deactivation ends every
// session at once (an existing session's next check fails) and refuses sign-in;
// reactivation lets the account in again (an invited one stays invited and its
// old invitation no longer works while deactivated); a second-factor reset clears
// the authenticator and recovery codes, keeps who/when/why in mfa_resets and the
// audit trail, and sends the account back to enrolment; one session can be ended;
// the patient lookup goes through the blind index; admins cannot act on
// themselves; everyone else is refused (404 for a named account, audited).
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import * as actions from "@/app/(app)/admin/users/actions";
import { issueAuthToken } from "@/lib/auth/auth-tokens";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { activateAuthenticator } from "@/lib/auth/second-factor";
import { checkSession, createSession } from "@/lib/auth/sessions";
import { type SignInClient, passwordStep } from "@/lib/auth/sign-in";
import { newTotpSecret } from "@/lib/auth/totp";
import { disconnectDb, getDb } from "@/lib/db/client";
import { resetEnvCache } from "@/lib/env";
import {
  accountForAdmin,
  deactivateAccount,
  findPatientByEmail,
  listStaffAccounts,
  reactivateAccount,
  resetSecondFactor,
  revokeAccountSession,
} from "@/lib/domain/accounts/admin-users";
import { MFA_RESET_REASON_MESSAGE } from "@/lib/domain/accounts/schemas";
import { acceptInvitation } from "@/lib/domain/accounts/service";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";
import { runAsSystem } from "@/lib/request-context";
import { applyMigrations } from "@/scripts/lib/schema-engine";
import { TEST_PASSWORD, createAccount, totpCode } from "../support/accounts";
import { appErrorOf, asActor, authenticatedActor, uniqueEmail } from "../support/actors";
import { denialsOf, person } from "../support/care";
import { type ScratchDatabase, createScratchDatabase, runSql } from "../support/database";

// The actions read the session from Next's request (cookies); here the test says who is signed in.
const session = vi.hoisted(() => ({ actor: null as AuthenticatedActor | null }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("@/lib/auth/current", async () => {
  const { roleCan } = await import("@/lib/authz/permissions");
  const { runAsActor } = await import("@/lib/request-context");
  return {
    requireActor: (permission?: Parameters<typeof roleCan>[1]) => {
      const actor = session.actor;
      if (!actor) return Promise.reject(new Error("NEXT_REDIRECT"));
      if (permission && !roleCan(actor.role, permission)) return Promise.reject(new Error("NEXT_NOT_FOUND"));
      return Promise.resolve(actor);
    },
    runAs: (actor: AuthenticatedActor, fn: () => Promise<unknown>) =>
      runAsActor({ kind: "user", userId: actor.userId, role: actor.role }, fn),
  };
});

// Every staff account is listed with its email decrypted, and each Vitest worker has random keys
// of its own: this file gets a database of its own, so other files' accounts (under other keys)
// are not in its lists.
const sharedUrl = process.env.DATABASE_URL!;
let databaseUrl = sharedUrl;
let scratch: ScratchDatabase | undefined;
beforeAll(async () => {
  scratch = await createScratchDatabase(sharedUrl, "admin_users");
  await applyMigrations(scratch.url);
  await disconnectDb();
  process.env.DATABASE_URL = databaseUrl = scratch.url;
  // The lookup's rate limit in memory: a limiter's own pool would outlive this database.
  process.env.RATE_LIMIT_STORE = "memory";
  resetEnvCache();
}, 120_000);
const browser = { ip: "198.51.100.9", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0" };
const client = (): SignInClient => ({ addressKey: null, knownDevices: [] });
const REASON = "Lost phone; identity confirmed by a call-back to the clinic number";

afterAll(async () => {
  await disconnectDb();
  process.env.DATABASE_URL = sharedUrl;
  delete process.env.RATE_LIMIT_STORE;
  (globalThis as { havenRateLimiters?: Map<string, unknown> }).havenRateLimiters?.clear();
  resetEnvCache();
  await scratch?.drop();
});

/** A doctor with a working authenticator and its ten recovery codes. */
async function doctorWithMfa() {
  const account = await createAccount("DOCTOR");
  const secret = newTotpSecret();
  await runAsSystem("test", async () => activateAuthenticator(account.id, secret, await totpCode(secret)));
  return { ...account, actor: authenticatedActor(account.id, "DOCTOR") };
}

async function userRow(userId: string) {
  const [row] = await runSql<{
    status: string;
    mfa_secret: string | null;
    mfa_enabled_at: Date | null;
    mfa_last_time_step: number | null;
  }>(databaseUrl, "SELECT status, mfa_secret, mfa_enabled_at, mfa_last_time_step FROM users WHERE id = $1", [
    userId,
  ]);
  return row!;
}

async function auditRows(action: string, subjectId: string) {
  return runSql<{ actor_id: string; resource_id: string; details: Record<string, unknown> | null }>(
    databaseUrl,
    "SELECT actor_id, resource_id, details FROM audit_log WHERE action = $1 AND subject_id = $2 ORDER BY sequence",
    [action, subjectId],
  );
}

function submit(
  action: (state: FormState, form: FormData) => Promise<FormState>,
  fields: Record<string, string>,
): Promise<FormState> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return action(INITIAL_FORM_STATE, form);
}

describe("admin user management", () => {
  let admin: AuthenticatedActor;

  beforeAll(async () => {
    admin = authenticatedActor((await createAccount("ADMIN", { mfa: true })).id, "ADMIN");
  });

  it("deactivation ends every session at once, refuses sign-in, and is audited with the account as subject", async () => {
    const doctor = await doctorWithMfa();
    const first = await createSession(doctor.id, browser);
    const second = await createSession(doctor.id, browser);
    expect((await checkSession(first.id)).ok).toBe(true);

    const { sessionsEnded } = await asActor(admin, () => deactivateAccount(admin, doctor.id));
    expect(sessionsEnded).toBe(2);
    // The very next request of either browser is refused.
    expect(await checkSession(first.id)).toEqual({ ok: false, reason: "revoked" });
    expect(await checkSession(second.id)).toEqual({ ok: false, reason: "revoked" });
    const open = await runSql(
      databaseUrl,
      "SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL",
      [doctor.id],
    );
    expect(open).toEqual([]);
    expect((await userRow(doctor.id)).status).toBe("DEACTIVATED");
    // A deactivated account cannot sign in (the same answer as a wrong password).
    const refused = await appErrorOf(passwordStep(doctor.email, TEST_PASSWORD, client()));
    expect(refused.code).toBe("UNAUTHENTICATED");

    const [audit] = await auditRows("admin.user.deactivated", doctor.id);
    expect(audit).toMatchObject({ actor_id: admin.userId, resource_id: doctor.id });
    expect(audit!.details).toMatchObject({ sessionsEnded: 2, via: "account-page" });

    // A second deactivation says so and changes nothing.
    const again = await appErrorOf(asActor(admin, () => deactivateAccount(admin, doctor.id)));
    expect(again.code).toBe("CONFLICT");

    // Reactivated: it signs in again (password, then its authenticator).
    expect(await asActor(admin, () => reactivateAccount(admin, doctor.id))).toBe("ACTIVE");
    expect((await userRow(doctor.id)).status).toBe("ACTIVE");
    expect(await passwordStep(doctor.email, TEST_PASSWORD, client())).toEqual({
      next: "mfa",
      userId: doctor.id,
    });
    expect((await auditRows("admin.user.reactivated", doctor.id))[0]!.details).toMatchObject({
      status: "ACTIVE",
    });
    // The old sessions stay ended.
    expect((await checkSession(first.id)).ok).toBe(false);
  });

  it("an invited doctor deactivated and reactivated stays invited; while deactivated, the invitation link is refused", async () => {
    const invited = await runAsSystem("test", () =>
      getDb().user.create({
        data: {
          email: uniqueEmail("invited"),
          role: "DOCTOR",
          status: "INVITED",
          doctorProfile: { create: { displayName: "Dr. Pending Invite", specialty: "Dermatology" } },
        },
        select: { id: true },
      }),
    );
    const token = await runAsSystem("test", () => issueAuthToken("STAFF_INVITATION", invited.id));
    await asActor(admin, () => deactivateAccount(admin, invited.id));
    const refused = await appErrorOf(acceptInvitation(token, "a-fresh-passphrase-for-testing"));
    expect(refused.code).toBe("NOT_FOUND");
    expect((await userRow(invited.id)).status).toBe("DEACTIVATED");

    expect(await asActor(admin, () => reactivateAccount(admin, invited.id))).toBe("INVITED");
    expect((await userRow(invited.id)).status).toBe("INVITED");
    const notDeactivated = await appErrorOf(asActor(admin, () => reactivateAccount(admin, invited.id)));
    expect(notDeactivated.code).toBe("CONFLICT");
  });

  it("resetting the second factor clears it and the recovery codes, ends the sessions, and keeps who, when and why", async () => {
    const doctor = await doctorWithMfa();
    const codesBefore = await runSql(databaseUrl, "SELECT id FROM recovery_codes WHERE user_id = $1", [
      doctor.id,
    ]);
    expect(codesBefore).toHaveLength(10);
    const live = await createSession(doctor.id, browser);

    const { mfaResetId, sessionsEnded } = await asActor(admin, () =>
      resetSecondFactor(admin, doctor.id, REASON),
    );
    expect(sessionsEnded).toBe(1);
    expect(await checkSession(live.id)).toEqual({ ok: false, reason: "revoked" });
    expect(await userRow(doctor.id)).toEqual({
      status: "ACTIVE",
      mfa_secret: null,
      mfa_enabled_at: null,
      mfa_last_time_step: null,
    });
    expect(
      await runSql(databaseUrl, "SELECT id FROM recovery_codes WHERE user_id = $1", [doctor.id]),
    ).toEqual([]);
    const resets = await runSql<{ id: string; reset_by_id: string; reason: string }>(
      databaseUrl,
      "SELECT id, reset_by_id, reason FROM mfa_resets WHERE user_id = $1",
      [doctor.id],
    );
    expect(resets).toEqual([{ id: mfaResetId, reset_by_id: admin.userId, reason: REASON }]);
    const [audit] = await auditRows("admin.user.mfa-reset", doctor.id);
    expect(audit).toMatchObject({ actor_id: admin.userId, resource_id: doctor.id });
    expect(audit!.details).toMatchObject({ mfaResetId, recoveryCodesDeleted: 10, sessionsEnded: 1 });
    // Audit rows hold ids, never the reason.
    expect(JSON.stringify(audit!.details)).not.toContain("phone");

    // At the next sign-in the doctor has to enrol a new authenticator.
    expect(await passwordStep(doctor.email, TEST_PASSWORD, client())).toEqual({
      next: "enrol",
      userId: doctor.id,
    });
    // The account page shows the reset with who did it.
    const detail = await asActor(admin, () => accountForAdmin(admin, doctor.id));
    expect(detail.mfaEnabledAt).toBeNull();
    expect(detail.mfaResets).toEqual([
      expect.objectContaining({ id: mfaResetId, byId: admin.userId, reason: REASON }),
    ]);
    // Nothing is left to reset.
    const nothing = await appErrorOf(asActor(admin, () => resetSecondFactor(admin, doctor.id, REASON)));
    expect(nothing.message).toMatch(/nothing to reset/);
  });

  it("says there is nothing to reset for a patient without two-step sign-in", async () => {
    const patient = await person("PATIENT");
    const error = await appErrorOf(asActor(admin, () => resetSecondFactor(admin, patient.id, REASON)));
    expect(error.message).toBe("This patient has not turned on two-step sign-in: there is nothing to reset.");
    expect(await runSql(databaseUrl, "SELECT id FROM mfa_resets WHERE user_id = $1", [patient.id])).toEqual(
      [],
    );
  });

  it("the reset action needs a reason of 10 to 500 characters and says so beside the field", async () => {
    const doctor = await doctorWithMfa();
    session.actor = admin;
    for (const reason of ["", "too short"]) {
      const state = await submit(actions.resetMfaAction, { userId: doctor.id, reason });
      expect(state.ok).toBe(false);
      expect(state.fieldErrors?.reason).toBe(MFA_RESET_REASON_MESSAGE);
    }
    expect((await userRow(doctor.id)).mfa_enabled_at).not.toBeNull();
    // Done: back to the account page, which says what happened.
    const done = await submit(actions.resetMfaAction, { userId: doctor.id, reason: REASON }).then(
      () => null,
      (error: unknown) => error as { digest?: string },
    );
    expect(done?.digest).toContain(`/admin/users/${doctor.id}?done=mfa-reset`);
    expect((await userRow(doctor.id)).mfa_enabled_at).toBeNull();
    // A forged account id is "no such account".
    const forged = await submit(actions.resetMfaAction, { userId: "not-an-id", reason: REASON });
    expect(forged).toMatchObject({ ok: false, message: "No such account." });
  });

  it("an admin cannot deactivate, reset or end the sessions of their own account", async () => {
    const self = await appErrorOf(asActor(admin, () => deactivateAccount(admin, admin.userId)));
    expect(self.code).toBe("BAD_REQUEST");
    expect(self.message).toMatch(/cannot deactivate your own account/);
    const reset = await appErrorOf(asActor(admin, () => resetSecondFactor(admin, admin.userId, REASON)));
    expect(reset.message).toMatch(/cannot reset the second factor of your own account/);
    const own = await createSession(admin.userId, browser);
    const revoke = await appErrorOf(asActor(admin, () => revokeAccountSession(admin, admin.userId, own.id)));
    expect(revoke.message).toMatch(/your account page/);
    expect((await userRow(admin.userId)).status).toBe("ACTIVE");
    expect((await checkSession(own.id)).ok).toBe(true);
  });

  it("another admin can be deactivated (there is always the acting admin left)", async () => {
    const other = await createAccount("ADMIN", { mfa: true });
    await asActor(admin, () => deactivateAccount(admin, other.id));
    expect((await userRow(other.id)).status).toBe("DEACTIVATED");
  });

  it("ends one session of an account and leaves the others; a session of another account is not ended", async () => {
    const doctor = await doctorWithMfa();
    const stolen = await createSession(doctor.id, { ip: "203.0.113.66", userAgent: "curl/8.5.0" });
    const kept = await createSession(doctor.id, browser);
    const stranger = await doctorWithMfa();
    const strangers = await createSession(stranger.id, browser);

    const detail = await asActor(admin, () => accountForAdmin(admin, doctor.id));
    expect(detail.sessions.map((s) => s.id).sort()).toEqual([stolen.id, kept.id].sort());
    expect(detail.sessions.find((s) => s.id === kept.id)).toMatchObject({
      ip: browser.ip,
      browser: "Chrome 131 on Linux",
    });
    expect(detail.lastSignInAt).not.toBeNull();

    await asActor(admin, () => revokeAccountSession(admin, doctor.id, stolen.id));
    expect((await checkSession(stolen.id)).ok).toBe(false);
    expect((await checkSession(kept.id)).ok).toBe(true);
    expect(await auditRows("admin.session.revoked", doctor.id)).toEqual([
      expect.objectContaining({ actor_id: admin.userId, resource_id: stolen.id }),
    ]);
    const again = await appErrorOf(asActor(admin, () => revokeAccountSession(admin, doctor.id, stolen.id)));
    expect(again.code).toBe("CONFLICT");
    const mismatched = await appErrorOf(
      asActor(admin, () => revokeAccountSession(admin, doctor.id, strangers.id)),
    );
    expect(mismatched.code).toBe("CONFLICT");
    expect((await checkSession(strangers.id)).ok).toBe(true);
  });

  it("lists every staff account with status, second factor, last sign-in and live sessions, and no patients", async () => {
    const doctor = await doctorWithMfa();
    await createSession(doctor.id, browser);
    await createSession(doctor.id, browser);
    const patient = await person("PATIENT");
    const staff = await asActor(admin, () => listStaffAccounts(admin));
    const row = staff.find((account) => account.id === doctor.id);
    expect(row).toMatchObject({
      role: "DOCTOR",
      status: "ACTIVE",
      mfaOn: true,
      activeSessions: 2,
      email: doctor.email,
    });
    expect(row!.lastSignInAt).toBeInstanceOf(Date);
    expect(staff.find((account) => account.id === admin.userId)).toMatchObject({ role: "ADMIN" });
    expect(staff.some((account) => account.id === patient.id)).toBe(false);
    expect(staff.every((account) => account.role !== "PATIENT")).toBe(true);
  });

  it("finds a patient by exact email through the blind index, audited without the email", async () => {
    const patient = await person("PATIENT");
    const doctor = await createAccount("DOCTOR");
    const found = await asActor(admin, () => findPatientByEmail(admin, patient.email.toUpperCase()));
    expect(found).toBe(patient.id);
    // Not a patient, or no such email: nothing.
    expect(await asActor(admin, () => findPatientByEmail(admin, doctor.email))).toBeNull();
    expect(await asActor(admin, () => findPatientByEmail(admin, uniqueEmail("nobody")))).toBeNull();
    const rows = await runSql<{ details: unknown; outcome: string }>(
      databaseUrl,
      "SELECT details, outcome FROM audit_log WHERE action = 'admin.patient.looked-up' AND actor_id = $1",
      [admin.userId],
    );
    expect(rows.map((row) => row.outcome).sort()).toEqual(["FAILURE", "FAILURE", "SUCCESS"]);
    expect(JSON.stringify(rows)).not.toContain(patient.email.split("@")[0]);

    // The action answers an unknown email beside the field and never redirects.
    session.actor = admin;
    const state = await submit(actions.findPatientAction, { email: uniqueEmail("nobody") });
    expect(state.fieldErrors?.email).toMatch(/No patient account has this email/);
    // A known one opens the account page.
    const opened = await submit(actions.findPatientAction, { email: patient.email }).then(
      () => null,
      (error: unknown) => error as { digest?: string },
    );
    expect(opened?.digest).toContain(`/admin/users/${patient.id}`);
  });

  it("a patient's account page shows no name or email, only the account's facts", async () => {
    const patient = await person("PATIENT", "Ottilie Vandersloot");
    const detail = await asActor(admin, () => accountForAdmin(admin, patient.id));
    expect(detail).toMatchObject({ role: "PATIENT", name: null, email: null, mfaEnabledAt: null });
    expect(JSON.stringify(detail)).not.toContain("Vandersloot");
  });

  it("refuses doctors and patients: lists are forbidden, a named account is a 404, every refusal audited", async () => {
    const doctor = await person("DOCTOR");
    const patient = await person("PATIENT");
    const target = await doctorWithMfa();
    for (const actor of [doctor.actor, patient.actor]) {
      expect((await appErrorOf(asActor(actor, () => listStaffAccounts(actor)))).code).toBe("FORBIDDEN");
      expect((await appErrorOf(asActor(actor, () => findPatientByEmail(actor, patient.email)))).code).toBe(
        "FORBIDDEN",
      );
      const before = await denialsOf(target.id);
      const calls: (() => Promise<unknown>)[] = [
        () => accountForAdmin(actor, target.id),
        () => deactivateAccount(actor, target.id),
        () => reactivateAccount(actor, target.id),
        () => resetSecondFactor(actor, target.id, REASON),
        () => revokeAccountSession(actor, target.id, randomUUID()),
      ];
      for (const call of calls) {
        expect((await appErrorOf(asActor(actor, call))).code).toBe("NOT_FOUND");
      }
      expect(await denialsOf(target.id)).toBe(before + 5);
    }
    expect(await userRow(target.id)).toMatchObject({ status: "ACTIVE" });
    expect((await userRow(target.id)).mfa_enabled_at).not.toBeNull();
    // Through the actions, a doctor gets Next's 404.
    session.actor = doctor.actor;
    await expect(submit(actions.deactivateAccountAction, { userId: target.id })).rejects.toThrow(
      "NEXT_NOT_FOUND",
    );
    await expect(submit(actions.resetMfaAction, { userId: target.id, reason: REASON })).rejects.toThrow(
      "NEXT_NOT_FOUND",
    );
  });

  it("an unknown or malformed account id is a 404, audited", async () => {
    const unknown = randomUUID();
    expect((await appErrorOf(asActor(admin, () => accountForAdmin(admin, unknown)))).code).toBe("NOT_FOUND");
    expect(await denialsOf(unknown)).toBe(1);
    expect((await appErrorOf(asActor(admin, () => accountForAdmin(admin, "../etc")))).code).toBe("NOT_FOUND");
    expect((await appErrorOf(asActor(admin, () => deactivateAccount(admin, unknown)))).code).toBe(
      "NOT_FOUND",
    );
  });
});
