// The half-signed-in state between password and second factor lives in a
// short-lived sealed cookie (iron-session), never in a session: it grants
// nothing but the right to present a code for one user.
import "server-only";
import { PENDING_SIGN_IN_COOKIE } from "./cookies";
import { openSealedCookie } from "./sealed-cookie";

const PENDING_TTL_SECONDS = 5 * 60;

export interface PendingSignIn {
  userId?: string;
  /** "mfa": enter a code; "enrol": set up an authenticator first (doctors and admins). */
  stage?: "mfa" | "enrol";
  enrolSecret?: string;
}

const pendingSession = () => openSealedCookie<PendingSignIn>(PENDING_SIGN_IN_COOKIE, PENDING_TTL_SECONDS);

export async function startPendingSignIn(
  state: Required<Pick<PendingSignIn, "userId" | "stage">> & Pick<PendingSignIn, "enrolSecret">,
): Promise<void> {
  const session = await pendingSession();
  session.userId = state.userId;
  session.stage = state.stage;
  if (state.enrolSecret) session.enrolSecret = state.enrolSecret;
  else delete session.enrolSecret;
  await session.save();
}

export function readPendingSignIn() {
  return pendingSession();
}

export async function clearPendingSignIn(): Promise<void> {
  (await pendingSession()).destroy();
}
