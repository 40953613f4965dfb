import { generate } from "otplib";
import { hashPassword } from "@/lib/auth/password";
import { newTotpSecret } from "@/lib/auth/totp";
import { getDb } from "@/lib/db/client";
import type { ConsentKind, Role } from "@/lib/db/generated/enums";
import { CONSENT_KINDS, currentGrantOf } from "@/lib/domain/consent/documents";
import { runAsSystem } from "@/lib/request-context";
import { uniqueEmail } from "./actors";

export const TEST_PASSWORD = "a-long-enough-test-phrase";

// One Argon2 hash of the test password for every account of this process: hashing is the slow part
// of making an account (tests that create 50 patients at once spent most of their time here), and
// a hash verifies the same whichever row holds it.
let testPasswordHash: Promise<string> | undefined;
const hashOfTestPassword = () => (testPasswordHash ??= hashPassword(TEST_PASSWORD));

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
        passwordHash: await hashOfTestPassword(),
        emailVerifiedAt: new Date(),
        ...(mfaSecret ? { mfaSecret, mfaEnabledAt: new Date() } : {}),
      },
      select: { id: true },
    }),
  );
  if (consents.length) {
    await runAsSystem("test", () =>
      getDb().consent.createMany({
        data: consents.map((kind) => ({ userId: user.id, ...currentGrantOf(kind) })),
      }),
    );
  }
  return { id: user.id, email, mfaSecret };
}

/** The code an authenticator shows now, or `stepsAhead` time steps later. */
export function totpCode(secret: string, stepsAhead = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });
}
