// A signed-in user's authenticator setup in progress: the new secret waits in a
// sealed cookie until a code proves the app works; only then is it stored.
import "server-only";
import { MFA_ENROLMENT_COOKIE } from "./cookies";
import { openSealedCookie } from "./sealed-cookie";
import { newTotpSecret } from "./totp";

interface MfaSetup {
  userId?: string;
  secret?: string;
}

const setupCookie = () => openSealedCookie<MfaSetup>(MFA_ENROLMENT_COOKIE, 10 * 60);

export async function beginMfaSetup(userId: string): Promise<void> {
  const setup = await setupCookie();
  setup.userId = userId;
  setup.secret = newTotpSecret();
  await setup.save();
}

export async function pendingMfaSecret(userId: string): Promise<string | null> {
  const setup = await setupCookie();
  return setup.userId === userId && setup.secret ? setup.secret : null;
}
