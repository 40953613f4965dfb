// Sign-in throttling per client address: only failures count, an address that used up its failures
// gets 429 with Retry-After, and clients whose address is unknown never share one bucket.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { passwordStep, secondFactorStep } from "@/lib/auth/sign-in";
import { disconnectDb } from "@/lib/db/client";
import { RATE_LIMITS } from "@/lib/security/rate-limit";
import { appErrorOf } from "../support/actors";
import { TEST_PASSWORD, createAccount, totpCode } from "../support/accounts";
import { clientAt } from "../support/sign-in";

afterAll(async () => {
  await disconnectDb();
});

// Each wrong guess costs a real Argon2id hash (that is the point); ten of them beside a production
// build on two cores can take longer than the default 30 s. A harness limit, not a speed goal.
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
      const error = await appErrorOf(
        passwordStep(`victim${i}-${randomUUID()}@example.test`, "guess", attacker),
      );
      expect(error.code).toBe("UNAUTHENTICATED");
    }
    const limited = await appErrorOf(passwordStep(`another-${randomUUID()}@example.test`, "guess", attacker));
    expect(limited.code).toBe("RATE_LIMITED");
    expect(limited.details.retryAfterSeconds).toBeGreaterThan(800);
    expect(limited.message).toMatch(/Too many requests/);

    const someoneElse = await createAccount("PATIENT");
    expect((await passwordStep(someoneElse.email, TEST_PASSWORD, clientAt())).next).toBe("session");
  });

  it("never puts clients whose address is unknown into one shared bucket", async () => {
    const unknownAddress = clientAt(null);
    for (let i = 0; i < RATE_LIMITS.signInFailures.points * 2; i += 1) {
      await appErrorOf(passwordStep(`guess${i}-${randomUUID()}@example.test`, "guess", unknownAddress));
    }
    const patient = await createAccount("PATIENT");
    expect((await passwordStep(patient.email, TEST_PASSWORD, clientAt(null))).next).toBe("session");
  });
});
