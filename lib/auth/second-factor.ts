// The second factor: turning an authenticator on, and accepting a code.
import "server-only";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { replaceRecoveryCodes, redeemRecoveryCode } from "./recovery-codes";
import { verifyTotp } from "./totp";

const RECOVERY_CODE_SHAPE = /^[a-z0-9]{5}-?[a-z0-9]{5}$/i;

/**
 * Accepts a TOTP code once, or an unused recovery code. Only one request can
 * advance the last accepted time step (compare-and-set), so a replayed code
 * fails even when two requests race with it.
 */
export async function acceptSecondFactor(
  user: { id: string; mfaSecret: string; mfaLastTimeStep: number | null },
  code: string,
): Promise<boolean> {
  const given = code.replace(/\s+/g, "");
  const step = await verifyTotp(user.mfaSecret, given, user.mfaLastTimeStep);
  if (step === null) return RECOVERY_CODE_SHAPE.test(given) && redeemRecoveryCode(user.id, given);
  const { count } = await getDb().user.updateMany({
    where: { id: user.id, OR: [{ mfaLastTimeStep: null }, { mfaLastTimeStep: { lt: step } }] },
    data: { mfaLastTimeStep: step },
  });
  return count === 1;
}

/** Stores a new authenticator once a code proves it works; returns fresh recovery codes (shown once). */
export async function activateAuthenticator(userId: string, secret: string, code: string): Promise<string[]> {
  const step = await verifyTotp(secret, code.replace(/\s+/g, ""), null);
  if (step === null) {
    throw new AppError(
      "VALIDATION_FAILED",
      "That code does not match. Check the time on your phone and try again.",
      {
        fields: [
          { field: "code", message: "That code does not match. Check the time on your phone and try again." },
        ],
      },
    );
  }
  await getDb().user.update({
    where: { id: userId },
    data: { mfaSecret: secret, mfaEnabledAt: new Date(), mfaLastTimeStep: step },
  });
  const recoveryCodes = await replaceRecoveryCodes(userId);
  await recordAuditEvent({ action: "auth.mfa.enrolled", resourceType: "User", resourceId: userId });
  return recoveryCodes;
}
