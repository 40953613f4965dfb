import { generate } from "otplib";
import { hashPassword } from "@/lib/auth/password";
import { newTotpSecret } from "@/lib/auth/totp";
import { getDb } from "@/lib/db/client";
import type { ConsentKind, Role } from "@/lib/db/generated/enums";
import { CONSENT_KINDS, currentGrantOf } from "@/lib/domain/consent/documents";
import { runAsSystem } from "@/lib/request-context";
import { uniqueEmail } from "./actors";

export const TEST_PASSWORD = "a-long-enough-test-phrase";

/**
 * An active, verified account created straight through the data layer. A patient has agreed to the
 * current version of every consent (as after sign-up with every box ticked) unless `consents` says
 * otherwise, so the gated actions (messaging, booking, video, uploads, readings) work.
 */
export async function createAccount(
  role: Role,
  options: { mfa?: boolean; consents?: readonly ConsentKind[] } = {},
) {
  const consents = role === "PATIENT" ? (options.consents ?? CONSENT_KINDS) : [];
  const email = uniqueEmail(role.toLowerCase());
  const mfaSecret = options.mfa ? newTotpSecret() : null;
  const user = await runAsSystem("test", async () =>
    getDb().user.create({
      data: {
        email,
        role,
        passwordHash: await hashPassword(TEST_PASSWORD),
        emailVerifiedAt: new Date(),
        ...(mfaSecret ? { mfaSecret, mfaEnabledAt: new Date() } : {}),
        ...(consents.length ? { consents: { create: consents.map(currentGrantOf) } } : {}),
      },
      select: { id: true },
    }),
  );
  return { id: user.id, email, mfaSecret };
}

/** The code an authenticator shows now, or `stepsAhead` time steps later. */
export function totpCode(secret: string, stepsAhead = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });
}
