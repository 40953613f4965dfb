// Shared by the sign-in integration files (split in three so their real Argon2id hashes run in
// parallel workers: in one file they were the longest path of the whole Vitest run, 197 s in CI).
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { type SignInClient, passwordStep } from "@/lib/auth/sign-in";
import { getDb } from "@/lib/db/client";
import { runAsSystem } from "@/lib/request-context";
import { appErrorOf } from "./actors";

export const browser = { ip: "198.51.100.4", userAgent: "haven-tests" };
/** A client at a fresh address with no known devices, unless told otherwise. */
export const clientAt = (
  addressKey: string | null = `ip:10.9.${randomBytes(2).join(".")}`,
  knownDevices: SignInClient["knownDevices"] = [],
): SignInClient => ({ addressKey, knownDevices });

/** The last mail the app kept for this address (no SMTP in integration tests), waited for. */
export async function mailTo(email: string, subject: RegExp): Promise<string> {
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

export const tokenIn = (text: string) => decodeURIComponent(/token=([A-Za-z0-9_%-]+)/.exec(text)![1]!);

/** Five wrong passwords; returns the fifth failure (the lock). */
export async function lockByGuessing(email: string, client = clientAt()) {
  for (let attempt = 1; attempt < 5; attempt += 1) {
    expect((await appErrorOf(passwordStep(email, `wrong-password-${attempt}`, client))).code).toBe(
      "UNAUTHENTICATED",
    );
  }
  return appErrorOf(passwordStep(email, "wrong-password-5", client));
}
