// What the sign-in form shows after each step; shared by the server action and
// the client form (no server-only imports).
import type { FormState } from "@/lib/http/form-state";

export type SignInStep = "password" | "mfa" | "enrol" | "recovery-codes";

export interface SignInState extends FormState {
  step: SignInStep;
  /** The enrol step: the new authenticator's key and QR code. */
  enrolment?: { secret: string; qrDataUrl: string };
  /** The recovery-codes step: shown once, the session has already begun. */
  recoveryCodes?: string[];
}

export const INITIAL_SIGN_IN_STATE: SignInState = { ok: false, step: "password" };
