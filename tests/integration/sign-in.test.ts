// Sign-in: the password step, the second factor, server-side sessions, single-use tokens and
// password reset. Lockout and per-address throttling have files of their own (sign-in-*.test.ts).
import { afterAll, describe, expect, it } from "vitest";
import { consumeAuthToken, issueAuthToken } from "@/lib/auth/auth-tokens";
import { checkSession, revokeAllSessions } from "@/lib/auth/sessions";
import {
  SIGN_IN_FAILED,
  enrolmentStep,
  passwordStep,
  secondFactorStep,
  startSession,
} from "@/lib/auth/sign-in";
import { newTotpSecret } from "@/lib/auth/totp";
import { disconnectDb, getDb } from "@/lib/db/client";
import { resetPassword, requestPasswordReset } from "@/lib/domain/accounts/service";
import { runAsSystem } from "@/lib/request-context";
import { RATE_LIMITS } from "@/lib/security/rate-limit";
import { appErrorOf } from "../support/actors";
import { TEST_PASSWORD, createAccount, totpCode } from "../support/accounts";
import { runSql } from "../support/database";
import { browser, clientAt } from "../support/sign-in";

const databaseUrl = process.env.DATABASE_URL!;
afterAll(async () => {
  await disconnectDb();
});

describe("password step", { timeout: 120_000 }, () => {
  it("signs a patient in: the last step begins a server-side session", async () => {
    const patient = await createAccount("PATIENT");
    const result = await passwordStep(patient.email, TEST_PASSWORD, clientAt());
    expect(result).toEqual({ next: "session", userId: patient.id });
    const signedIn = await startSession(patient.id, browser);
    expect(signedIn).toMatchObject({ id: patient.id, role: "PATIENT" });
    expect(await checkSession(signedIn.sessionId)).toMatchObject({ ok: true, userId: patient.id });
  });

  it("gives the same answer for an unknown email as for a wrong password", async () => {
    const patient = await createAccount("PATIENT");
    const unknown = await appErrorOf(
      passwordStep(`nobody-${patient.id}@example.test`, TEST_PASSWORD, clientAt()),
    );
    const wrong = await appErrorOf(passwordStep(patient.email, "not-the-password-at-all", clientAt()));
    expect(unknown.message).toBe(SIGN_IN_FAILED);
    expect(wrong.message).toBe(SIGN_IN_FAILED);
    expect(unknown.status).toBe(wrong.status);
  });
});

describe("second factor and enrolment", () => {
  it("sends doctors without an authenticator to enrolment, which proves a code and issues recovery codes", async () => {
    const doctor = await createAccount("DOCTOR");
    const result = await passwordStep(doctor.email, TEST_PASSWORD, clientAt());
    expect(result).toEqual({ next: "enrol", userId: doctor.id });
    const secret = newTotpSecret();
    await expect(enrolmentStep(doctor.id, secret, "000000")).rejects.toThrow(/does not match/);
    const recoveryCodes = await enrolmentStep(doctor.id, secret, await totpCode(secret));
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect((await passwordStep(doctor.email, TEST_PASSWORD, clientAt())).next).toBe("mfa");
  });

  it("accepts a TOTP code once: the same code replayed is refused", async () => {
    const admin = await createAccount("ADMIN", { mfa: true });
    const client = clientAt();
    expect((await passwordStep(admin.email, TEST_PASSWORD, client)).next).toBe("mfa");
    const code = await totpCode(admin.mfaSecret!);
    await secondFactorStep(admin.id, code, client);
    const replay = await appErrorOf(secondFactorStep(admin.id, code, client));
    expect(replay.message).toMatch(/Codes work once/);
    // Two requests racing with the next code: exactly one wins.
    const next = await totpCode(admin.mfaSecret!, 1);
    const results = await Promise.allSettled([
      secondFactorStep(admin.id, next, client),
      secondFactorStep(admin.id, next, client),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("accepts each recovery code once", async () => {
    const doctor = await createAccount("DOCTOR");
    const secret = newTotpSecret();
    const recoveryCodes = await enrolmentStep(doctor.id, secret, await totpCode(secret));
    const code = recoveryCodes[3]!;
    await expect(secondFactorStep(doctor.id, code.toUpperCase(), clientAt())).resolves.toBeUndefined();
    expect((await appErrorOf(secondFactorStep(doctor.id, code, clientAt()))).code).toBe("UNAUTHENTICATED");
  });

  it("counts wrong codes toward the lockout", async () => {
    const admin = await createAccount("ADMIN", { mfa: true });
    for (let i = 0; i < 4; i += 1) {
      expect((await appErrorOf(secondFactorStep(admin.id, "000000", clientAt()))).code).toBe(
        "UNAUTHENTICATED",
      );
    }
    expect((await appErrorOf(secondFactorStep(admin.id, "000000", clientAt()))).code).toBe("LOCKED");
    const rightCode = await appErrorOf(
      secondFactorStep(admin.id, await totpCode(admin.mfaSecret!), clientAt()),
    );
    expect(rightCode.code).toBe("LOCKED");
  });
});

describe("server-side sessions", () => {
  async function signedIn() {
    const patient = await createAccount("PATIENT");
    await passwordStep(patient.email, TEST_PASSWORD, clientAt());
    const user = await startSession(patient.id, browser);
    return { patient, sessionId: user.sessionId };
  }

  it("ends a session idle longer than the timeout, and it stays ended", async () => {
    const { sessionId } = await signedIn();
    await runSql(
      databaseUrl,
      "UPDATE sessions SET last_seen_at = now() - interval '16 minutes' WHERE id = $1",
      [sessionId],
    );
    expect(await checkSession(sessionId)).toEqual({ ok: false, reason: "idle" });
    await runSql(databaseUrl, "UPDATE sessions SET last_seen_at = now() WHERE id = $1", [sessionId]);
    expect(await checkSession(sessionId)).toEqual({ ok: false, reason: "revoked" });
  });

  it("ends a session at its absolute lifetime even when active", async () => {
    const { sessionId } = await signedIn();
    await runSql(databaseUrl, "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1", [
      sessionId,
    ]);
    expect(await checkSession(sessionId)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a revoked session at once, and every session of a deactivated user", async () => {
    const first = await signedIn();
    await revokeAllSessions(first.patient.id, "signed-out-everywhere");
    expect(await checkSession(first.sessionId)).toEqual({ ok: false, reason: "revoked" });

    const second = await signedIn();
    await runAsSystem("test", () =>
      getDb().user.update({ where: { id: second.patient.id }, data: { status: "DEACTIVATED" } }),
    );
    expect(await checkSession(second.sessionId)).toEqual({ ok: false, reason: "revoked" });
    await expect(startSession(second.patient.id, browser)).rejects.toThrow(/Start signing in again/);
  });
});

describe("single-use tokens", () => {
  it("are used up exactly once under concurrent requests, and are stored hashed", async () => {
    const patient = await createAccount("PATIENT");
    const token = await issueAuthToken("PASSWORD_RESET", patient.id);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => consumeAuthToken("PASSWORD_RESET", token)),
    );
    expect(results.filter((r) => r === patient.id)).toHaveLength(1);
    const rows = await runSql<{ token_hash: string }>(
      databaseUrl,
      "SELECT token_hash FROM auth_tokens WHERE user_id = $1",
      [patient.id],
    );
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
    expect(
      await consumeAuthToken("EMAIL_VERIFICATION", await issueAuthToken("PASSWORD_RESET", patient.id)),
    ).toBeNull();
  });
});

describe("password reset", () => {
  it("needs a current code for accounts with MFA, uses the link once and ends every session", async () => {
    const admin = await createAccount("ADMIN", { mfa: true });
    await secondFactorStep(admin.id, await totpCode(admin.mfaSecret!), clientAt());
    const session = await startSession(admin.id, browser);
    const token = await issueAuthToken("PASSWORD_RESET", admin.id);

    const withoutCode = await appErrorOf(resetPassword(token, "a-fresh-long-password", undefined));
    expect(withoutCode.message).toMatch(/authenticator app, or a recovery code/);
    expect(
      (await appErrorOf(resetPassword(token, "short", await totpCode(admin.mfaSecret!, 1)))).message,
    ).toMatch(/12/);

    await resetPassword(token, "a-fresh-long-password", await totpCode(admin.mfaSecret!, 1));
    expect(await checkSession(session.sessionId)).toEqual({ ok: false, reason: "revoked" });
    expect((await passwordStep(admin.email, "a-fresh-long-password", clientAt())).next).toBe("mfa");
    await expect(passwordStep(admin.email, TEST_PASSWORD, clientAt())).rejects.toThrow(SIGN_IN_FAILED);
    expect(
      (await appErrorOf(resetPassword(token, "another-long-password", await totpCode(admin.mfaSecret!, 2))))
        .code,
    ).toBe("NOT_FOUND");
  });

  it("locks the reset after wrong codes, so a reset link cannot be used to guess codes", async () => {
    const patient = await createAccount("PATIENT", { mfa: true });
    const token = await issueAuthToken("PASSWORD_RESET", patient.id);
    for (let i = 0; i < 4; i += 1) {
      expect((await appErrorOf(resetPassword(token, "a-fresh-long-password", "000000"))).code).toBe(
        "VALIDATION_FAILED",
      );
    }
    expect((await appErrorOf(resetPassword(token, "a-fresh-long-password", "000000"))).code).toBe("LOCKED");
    const withRightCode = await appErrorOf(
      resetPassword(token, "a-fresh-long-password", await totpCode(patient.mfaSecret!)),
    );
    expect(withRightCode.code).toBe("LOCKED");
  });

  it("sends at most three reset emails an hour to one address, answering the same way", async () => {
    const patient = await createAccount("PATIENT");
    for (let i = 0; i < 5; i += 1) await runAsSystem("test", () => requestPasswordReset(patient.email));
    const mails = await runAsSystem("test", () =>
      getDb().devMail.count({ where: { to: patient.email, subject: { contains: "Reset" } } }),
    );
    expect(mails).toBe(RATE_LIMITS.passwordResetMail.points);
  });
});
