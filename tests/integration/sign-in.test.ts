import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { consumeAuthToken, issueAuthToken } from "@/lib/auth/auth-tokens";
import { checkSession, revokeAllSessions } from "@/lib/auth/sessions";
import {
  SIGN_IN_FAILED,
  type SignInClient,
  enrolmentStep,
  passwordStep,
  secondFactorStep,
  startSession,
} from "@/lib/auth/sign-in";
import { unlockAccount } from "@/lib/auth/unlock";
import { newTotpSecret } from "@/lib/auth/totp";
import { createBaseClient, disconnectDb, emailBlindIndex, getDb } from "@/lib/db/client";
import { requestPasswordReset, resetPassword } from "@/lib/domain/accounts/service";
import { AppError } from "@/lib/http/errors";
import { runAsSystem } from "@/lib/request-context";
import { RATE_LIMITS } from "@/lib/security/rate-limit";
import { TEST_PASSWORD, createAccount, totpCode } from "../support/accounts";
import { runSql } from "../support/database";

const databaseUrl = process.env.DATABASE_URL!;
const base = createBaseClient({ url: databaseUrl, poolSize: 2, connectTimeoutMs: 5_000 });
afterAll(async () => {
  await base.$disconnect();
  await disconnectDb();
});

const browser = { ip: "198.51.100.4", userAgent: "haven-tests" };
/** A client at a fresh address with no known devices, unless told otherwise. */
const clientAt = (
  addressKey: string | null = `ip:10.9.${randomBytes(2).join(".")}`,
  knownDevices: SignInClient["knownDevices"] = [],
): SignInClient => ({ addressKey, knownDevices });

const failureOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

/** The last mail the app kept for this address (no SMTP in integration tests), waited for. */
async function mailTo(email: string, subject: RegExp): Promise<string> {
  for (let i = 0; i < 50; i += 1) {
    const mails = await runAsSystem("test", () =>
      getDb().devMail.findMany({ where: { to: email }, orderBy: { createdAt: "desc" } }),
    );
    const mail = mails.find((m) => subject.test(m.subject));
    if (mail) return mail.text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no mail to ${email} matching ${subject}`);
}

const tokenIn = (text: string) => decodeURIComponent(/token=([A-Za-z0-9_%-]+)/.exec(text)![1]!);

async function lockByGuessing(email: string, client = clientAt()) {
  for (let attempt = 1; attempt < 5; attempt += 1) {
    expect((await failureOf(passwordStep(email, `wrong-password-${attempt}`, client))).code).toBe(
      "UNAUTHENTICATED",
    );
  }
  return failureOf(passwordStep(email, "wrong-password-5", client));
}

// Each wrong guess costs a real Argon2id hash (that is the point); ten of them beside a production
// build on two cores can take longer than the default 30 s. A harness limit, not a speed goal.
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
    const unknown = await failureOf(
      passwordStep(`nobody-${patient.id}@example.test`, TEST_PASSWORD, clientAt()),
    );
    const wrong = await failureOf(passwordStep(patient.email, "not-the-password-at-all", clientAt()));
    expect(unknown.message).toBe(SIGN_IN_FAILED);
    expect(wrong.message).toBe(SIGN_IN_FAILED);
    expect(unknown.status).toBe(wrong.status);
  });

  it("locks unknown emails exactly like existing accounts, so a lock tells nobody an account exists", async () => {
    const patient = await createAccount("PATIENT");
    const existing = await lockByGuessing(patient.email);
    const unknown = await lockByGuessing(`nobody-${randomUUID()}@example.test`);
    expect(existing.code).toBe("LOCKED");
    expect(unknown.code).toBe("LOCKED");
    expect(unknown.status).toBe(existing.status);
    const withoutTime = (message: string) => message.replace(/\d\d:\d\d/, "HH:MM");
    expect(withoutTime(unknown.message)).toBe(withoutTime(existing.message));
    expect(Math.abs(unknown.details.retryAfterSeconds! - existing.details.retryAfterSeconds!)).toBeLessThan(
      60,
    );
    // The count is kept per email's blind index, never the email itself.
    const rows = await runSql<{ key: string }>(
      databaseUrl,
      "SELECT key FROM sign_in_lockouts WHERE key = $1",
      [`account:${emailBlindIndex(patient.email)}`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key).not.toContain(patient.email.split("@")[0]!);
  });

  it("locks the account at the fifth failure; the sixth try fails even with the right password; the lock expires", async () => {
    const patient = await createAccount("PATIENT");
    const fifth = await lockByGuessing(patient.email);
    expect(fifth.code).toBe("LOCKED");
    const sixth = await failureOf(passwordStep(patient.email, TEST_PASSWORD, clientAt()));
    expect(sixth.code).toBe("LOCKED");
    expect(sixth.message).toMatch(/paused until \d\d:\d\d UTC/);
    expect(sixth.details.retryAfterSeconds).toBeGreaterThan(29 * 60);

    const audit = await base.auditLog.findMany({
      where: { resourceId: patient.id },
      orderBy: { sequence: "asc" },
    });
    expect(audit.filter((row) => row.action === "auth.sign-in").map((row) => row.outcome)).toEqual([
      "FAILURE",
      "FAILURE",
      "FAILURE",
      "FAILURE",
      "FAILURE",
      "DENIED",
    ]);
    expect(audit.some((row) => row.action === "auth.lockout")).toBe(true);

    await runSql(
      databaseUrl,
      "UPDATE sign_in_lockouts SET locked_until = now() - interval '1 second' WHERE key = $1",
      [`account:${emailBlindIndex(patient.email)}`],
    );
    expect((await passwordStep(patient.email, TEST_PASSWORD, clientAt())).next).toBe("session");
  });

  it("emails the owner of a locked account a single-use link that unlocks it at once", async () => {
    const patient = await createAccount("PATIENT");
    expect((await lockByGuessing(patient.email)).code).toBe("LOCKED");
    const text = await mailTo(patient.email, /account was locked/);
    expect(text).toMatch(/\/unlock\?token=/);
    const token = tokenIn(text);
    expect(await unlockAccount(token)).toBe(true);
    expect(await unlockAccount(token)).toBe(false);
    expect((await passwordStep(patient.email, TEST_PASSWORD, clientAt())).next).toBe("session");
    const audit = await base.auditLog.findMany({ where: { resourceId: patient.id, action: "auth.unlock" } });
    expect(audit).toHaveLength(1);
  });

  it("lifts a lock when the owner resets the password", async () => {
    const patient = await createAccount("PATIENT");
    expect((await lockByGuessing(patient.email)).code).toBe("LOCKED");
    await runAsSystem("test", () => requestPasswordReset(patient.email));
    const token = tokenIn(await mailTo(patient.email, /Reset your Haven password/));
    await resetPassword(token, "a-brand-new-long-password", undefined);
    expect((await passwordStep(patient.email, "a-brand-new-long-password", clientAt())).next).toBe("session");
  });

  it("does not lock the owner out of a browser where they signed in before", async () => {
    const doctor = await createAccount("DOCTOR", { mfa: true });
    const ownBrowser = clientAt(`ip:10.8.0.1`, [{ userId: doctor.id, deviceId: randomUUID() }]);
    // Someone else, elsewhere, locks the account.
    expect((await lockByGuessing(doctor.email)).code).toBe("LOCKED");
    expect((await failureOf(passwordStep(doctor.email, TEST_PASSWORD, clientAt()))).code).toBe("LOCKED");
    // The doctor's own browser still signs in, password and code.
    expect(await passwordStep(doctor.email, TEST_PASSWORD, ownBrowser)).toEqual({
      next: "mfa",
      userId: doctor.id,
    });
    await secondFactorStep(doctor.id, await totpCode(doctor.mfaSecret!), ownBrowser);
    // Guessing from that browser counts against the browser, and locks it too.
    const browserLock = await lockByGuessing(doctor.email, ownBrowser);
    expect(browserLock.code).toBe("LOCKED");
    expect((await failureOf(passwordStep(doctor.email, TEST_PASSWORD, ownBrowser))).code).toBe("LOCKED");
  });
});

describe("throttling per client address", { timeout: 120_000 }, () => {
  it("counts only failures: twelve people signing in back to back from one address (one clinic) are not throttled", async () => {
    const clinic = clientAt();
    for (let i = 0; i < RATE_LIMITS.signInFailures.points + 2; i += 1) {
      const person = await createAccount(i % 2 ? "DOCTOR" : "PATIENT", { mfa: i % 2 === 1 });
      const step = await passwordStep(person.email, TEST_PASSWORD, clinic);
      if (step.next === "mfa") await secondFactorStep(person.id, await totpCode(person.mfaSecret!), clinic);
    }
  });

  it("answers 429 with Retry-After once an address used up its failures; other addresses are not affected", async () => {
    const attacker = clientAt();
    for (let i = 0; i < RATE_LIMITS.signInFailures.points; i += 1) {
      const error = await failureOf(
        passwordStep(`victim${i}-${randomUUID()}@example.test`, "guess", attacker),
      );
      expect(error.code).toBe("UNAUTHENTICATED");
    }
    const limited = await failureOf(passwordStep(`another-${randomUUID()}@example.test`, "guess", attacker));
    expect(limited.code).toBe("RATE_LIMITED");
    expect(limited.details.retryAfterSeconds).toBeGreaterThan(800);
    expect(limited.message).toMatch(/Too many requests/);

    const someoneElse = await createAccount("PATIENT");
    expect((await passwordStep(someoneElse.email, TEST_PASSWORD, clientAt())).next).toBe("session");
  });

  it("never puts clients whose address is unknown into one shared bucket", async () => {
    const unknownAddress = clientAt(null);
    for (let i = 0; i < RATE_LIMITS.signInFailures.points * 2; i += 1) {
      await failureOf(passwordStep(`guess${i}-${randomUUID()}@example.test`, "guess", unknownAddress));
    }
    const patient = await createAccount("PATIENT");
    expect((await passwordStep(patient.email, TEST_PASSWORD, clientAt(null))).next).toBe("session");
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
    const replay = await failureOf(secondFactorStep(admin.id, code, client));
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
    expect((await failureOf(secondFactorStep(doctor.id, code, clientAt()))).code).toBe("UNAUTHENTICATED");
  });

  it("counts wrong codes toward the lockout", async () => {
    const admin = await createAccount("ADMIN", { mfa: true });
    for (let i = 0; i < 4; i += 1) {
      expect((await failureOf(secondFactorStep(admin.id, "000000", clientAt()))).code).toBe(
        "UNAUTHENTICATED",
      );
    }
    expect((await failureOf(secondFactorStep(admin.id, "000000", clientAt()))).code).toBe("LOCKED");
    const rightCode = await failureOf(
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

    const withoutCode = await failureOf(resetPassword(token, "a-fresh-long-password", undefined));
    expect(withoutCode.message).toMatch(/authenticator app, or a recovery code/);
    expect(
      (await failureOf(resetPassword(token, "short", await totpCode(admin.mfaSecret!, 1)))).message,
    ).toMatch(/12/);

    await resetPassword(token, "a-fresh-long-password", await totpCode(admin.mfaSecret!, 1));
    expect(await checkSession(session.sessionId)).toEqual({ ok: false, reason: "revoked" });
    expect((await passwordStep(admin.email, "a-fresh-long-password", clientAt())).next).toBe("mfa");
    await expect(passwordStep(admin.email, TEST_PASSWORD, clientAt())).rejects.toThrow(SIGN_IN_FAILED);
    expect(
      (await failureOf(resetPassword(token, "another-long-password", await totpCode(admin.mfaSecret!, 2))))
        .code,
    ).toBe("NOT_FOUND");
  });

  it("locks the reset after wrong codes, so a reset link cannot be used to guess codes", async () => {
    const patient = await createAccount("PATIENT", { mfa: true });
    const token = await issueAuthToken("PASSWORD_RESET", patient.id);
    for (let i = 0; i < 4; i += 1) {
      expect((await failureOf(resetPassword(token, "a-fresh-long-password", "000000"))).code).toBe(
        "VALIDATION_FAILED",
      );
    }
    expect((await failureOf(resetPassword(token, "a-fresh-long-password", "000000"))).code).toBe("LOCKED");
    const withRightCode = await failureOf(
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
