import { afterAll, describe, expect, it } from "vitest";
import { consumeAuthToken, issueAuthToken } from "@/lib/auth/auth-tokens";
import { checkSession, revokeAllSessions } from "@/lib/auth/sessions";
import { resetPassword } from "@/lib/domain/accounts/service";
import {
  SIGN_IN_FAILED,
  enrolmentStep,
  exchangeTicket,
  passwordStep,
  secondFactorStep,
} from "@/lib/auth/sign-in";
import { newTotpSecret } from "@/lib/auth/totp";
import { createBaseClient, disconnectDb, getDb } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { runAsSystem } from "@/lib/request-context";
import { TEST_PASSWORD, createAccount, totpCode } from "../support/accounts";
import { asUser } from "../support/actors";
import { runSql } from "../support/database";

const databaseUrl = process.env.DATABASE_URL!;
const base = createBaseClient({ url: databaseUrl, poolSize: 2, connectTimeoutMs: 5_000 });
afterAll(async () => {
  await base.$disconnect();
  await disconnectDb();
});

const client = { ip: "198.51.100.4", userAgent: "haven-tests" };
const failureOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

describe("password step", () => {
  it("signs a patient in with a ticket that becomes a server-side session once", async () => {
    const patient = await createAccount("PATIENT");
    const result = await asUser("PATIENT", () => passwordStep(patient.email, TEST_PASSWORD));
    expect(result.next).toBe("ticket");
    const ticket = (result as { ticket: string }).ticket;
    const signedIn = await exchangeTicket(ticket, client);
    expect(signedIn).toMatchObject({ id: patient.id, role: "PATIENT" });
    expect(await exchangeTicket(ticket, client)).toBeNull();
    expect(await checkSession(signedIn!.sessionId)).toMatchObject({ ok: true, userId: patient.id });
  });

  it("gives the same answer for an unknown email as for a wrong password", async () => {
    const patient = await createAccount("PATIENT");
    const unknown = await failureOf(passwordStep(`nobody-${patient.id}@example.test`, TEST_PASSWORD));
    const wrong = await failureOf(passwordStep(patient.email, "not-the-password-at-all"));
    expect(unknown.message).toBe(SIGN_IN_FAILED);
    expect(wrong.message).toBe(SIGN_IN_FAILED);
    expect(unknown.status).toBe(wrong.status);
  });

  it("locks the account at the fifth failure; the sixth try fails even with the right password; the lock expires", async () => {
    const patient = await createAccount("PATIENT");
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      expect((await failureOf(passwordStep(patient.email, `wrong-password-${attempt}`))).code).toBe(
        "UNAUTHENTICATED",
      );
    }
    const fifth = await failureOf(passwordStep(patient.email, "wrong-password-5"));
    expect(fifth.code).toBe("LOCKED");
    const sixth = await failureOf(passwordStep(patient.email, TEST_PASSWORD));
    expect(sixth.code).toBe("LOCKED");
    expect(sixth.message).toMatch(/locked until \d\d:\d\d UTC/);
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

    await runSql(databaseUrl, "UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1", [
      patient.id,
    ]);
    expect((await passwordStep(patient.email, TEST_PASSWORD)).next).toBe("ticket");
  });

  it("sends doctors without an authenticator to enrolment, which proves a code and issues recovery codes", async () => {
    const doctor = await createAccount("DOCTOR");
    const result = await passwordStep(doctor.email, TEST_PASSWORD);
    expect(result).toEqual({ next: "enrol", userId: doctor.id });
    const secret = newTotpSecret();
    await expect(enrolmentStep(doctor.id, secret, "000000")).rejects.toThrow(/does not match/);
    const enrolled = await enrolmentStep(doctor.id, secret, await totpCode(secret));
    expect(enrolled.recoveryCodes).toHaveLength(10);
    expect(new Set(enrolled.recoveryCodes).size).toBe(10);
    expect(await exchangeTicket(enrolled.ticket, client)).toMatchObject({ role: "DOCTOR" });
    expect((await passwordStep(doctor.email, TEST_PASSWORD)).next).toBe("mfa");
  });
});

describe("second factor", () => {
  it("accepts a TOTP code once: the same code replayed is refused", async () => {
    const admin = await createAccount("ADMIN", { mfa: true });
    expect((await passwordStep(admin.email, TEST_PASSWORD)).next).toBe("mfa");
    const code = await totpCode(admin.mfaSecret!);
    const ticket = await secondFactorStep(admin.id, code);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const replay = await failureOf(secondFactorStep(admin.id, code));
    expect(replay.message).toMatch(/Codes work once/);
    // Two requests racing with the next code: exactly one wins.
    const next = await totpCode(admin.mfaSecret!, 1);
    const results = await Promise.allSettled([
      secondFactorStep(admin.id, next),
      secondFactorStep(admin.id, next),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("accepts each recovery code once", async () => {
    const doctor = await createAccount("DOCTOR");
    const secret = newTotpSecret();
    const { recoveryCodes } = await enrolmentStep(doctor.id, secret, await totpCode(secret));
    const code = recoveryCodes[3]!;
    await expect(secondFactorStep(doctor.id, code.toUpperCase())).resolves.toEqual(expect.any(String));
    expect((await failureOf(secondFactorStep(doctor.id, code))).code).toBe("UNAUTHENTICATED");
  });
});

describe("server-side sessions", () => {
  async function signedIn() {
    const patient = await createAccount("PATIENT");
    const step = await passwordStep(patient.email, TEST_PASSWORD);
    const user = await exchangeTicket((step as { ticket: string }).ticket, client);
    return { patient, sessionId: user!.sessionId };
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
    const session = await exchangeTicket(
      await secondFactorStep(admin.id, await totpCode(admin.mfaSecret!)),
      client,
    );
    const token = await issueAuthToken("PASSWORD_RESET", admin.id);

    const withoutCode = await failureOf(resetPassword(token, "a-fresh-long-password", undefined));
    expect(withoutCode.message).toMatch(/authenticator app, or a recovery code/);
    expect(
      (await failureOf(resetPassword(token, "short", await totpCode(admin.mfaSecret!, 1)))).message,
    ).toMatch(/12/);

    await resetPassword(token, "a-fresh-long-password", await totpCode(admin.mfaSecret!, 1));
    expect(await checkSession(session!.sessionId)).toEqual({ ok: false, reason: "revoked" });
    expect((await passwordStep(admin.email, "a-fresh-long-password")).next).toBe("mfa");
    await expect(passwordStep(admin.email, TEST_PASSWORD)).rejects.toThrow(SIGN_IN_FAILED);
    expect(
      (await failureOf(resetPassword(token, "another-long-password", await totpCode(admin.mfaSecret!, 2))))
        .code,
    ).toBe("NOT_FOUND");
  });
});

describe("password reset with a second factor", () => {
  it("counts wrong codes toward the lockout, so a reset link cannot be used to guess codes", async () => {
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
});
