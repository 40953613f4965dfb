// Unlocking an account by email: the owner of a locked account gets a
// single-use link; following it (a click on a page, not the GET itself, so
// mail scanners cannot use it up) lifts the lock at once.
import "server-only";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { describeError, logger } from "@/lib/logger";
import { sendMail } from "@/lib/mail/mailer";
import { runAsSystem } from "@/lib/request-context";
import { consumeAuthToken, issueAuthToken } from "./auth-tokens";
import { accountLockKey, clearFailures } from "./lockout";

/**
 * Emails the owner of a newly locked account an unlock link. Runs after the
 * answer is sent: the time it takes must not tell a guesser that the email
 * has an account.
 */
export function notifyAccountLocked(userId: string, until: Date): void {
  const work = runAsSystem("auth.unlock", async () => {
    const user = await getDb().user.findUnique({ where: { id: userId }, select: { email: true } });
    if (!user) return;
    const token = await issueAuthToken("ACCOUNT_UNLOCK", userId);
    const link = `${getEnv().APP_URL}/unlock?token=${encodeURIComponent(token)}`;
    await sendMail({
      to: user.email,
      subject: "Your Haven account was locked",
      text:
        `Someone entered a wrong password or code for your Haven account several times, so signing in is paused until ${until.toISOString().slice(11, 16)} UTC.\n\n` +
        `If it was you, unlock your account now (the link works once):\n\n${link}\n\n` +
        "If it was not you, your password is still safe, but consider changing it. Browsers where you signed in before are not affected by the lock.",
    });
  });
  work.catch((error: unknown) => logger.error("could not send the unlock email", describeError(error)));
}

/** Lifts the lock of the account a valid unlock link names; false for a used or expired link. */
export async function unlockAccount(token: string): Promise<boolean> {
  return runAsSystem("auth.unlock", async () => {
    const userId = await consumeAuthToken("ACCOUNT_UNLOCK", token);
    if (!userId) return false;
    const user = await getDb().user.findUnique({ where: { id: userId }, select: { emailIndex: true } });
    if (user?.emailIndex) await clearFailures(accountLockKey(user.emailIndex));
    await recordAuditEvent({ action: "auth.unlock", resourceType: "User", resourceId: userId });
    return true;
  });
}
