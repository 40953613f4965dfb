// Account lockout: five wrong passwords lock an account (or an unknown email, alike), the owner's
// known browser is spared, and an emailed link or a password reset lifts the lock.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { passwordStep, secondFactorStep } from "@/lib/auth/sign-in";
import { unlockAccount } from "@/lib/auth/unlock";
import { createBaseClient, disconnectDb, emailBlindIndex } from "@/lib/db/client";
import { requestPasswordReset, resetPassword } from "@/lib/domain/accounts/service";
import { runAsSystem } from "@/lib/request-context";
import { appErrorOf } from "../support/actors";
import { TEST_PASSWORD, createAccount, totpCode } from "../support/accounts";
import { runSql } from "../support/database";
import { clientAt, lockByGuessing, mailTo, tokenIn } from "../support/sign-in";

const databaseUrl = process.env.DATABASE_URL!;
const base = createBaseClient({ url: databaseUrl, poolSize: 2, connectTimeoutMs: 5_000 });
afterAll(async () => {
  await base.$disconnect();
  await disconnectDb();
});

// Each wrong guess costs a real Argon2id hash (that is the point); ten of them beside a production
// build on two cores can take longer than the default 30 s. A harness limit, not a speed goal.
describe("account lockout", { timeout: 120_000 }, () => {
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
    const sixth = await appErrorOf(passwordStep(patient.email, TEST_PASSWORD, clientAt()));
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
    expect((await appErrorOf(passwordStep(doctor.email, TEST_PASSWORD, clientAt()))).code).toBe("LOCKED");
    // The doctor's own browser still signs in, password and code.
    expect(await passwordStep(doctor.email, TEST_PASSWORD, ownBrowser)).toEqual({
      next: "mfa",
      userId: doctor.id,
    });
    await secondFactorStep(doctor.id, await totpCode(doctor.mfaSecret!), ownBrowser);
    // Guessing from that browser counts against the browser, and locks it too.
    const browserLock = await lockByGuessing(doctor.email, ownBrowser);
    expect(browserLock.code).toBe("LOCKED");
    expect((await appErrorOf(passwordStep(doctor.email, TEST_PASSWORD, ownBrowser))).code).toBe("LOCKED");
  });
});
