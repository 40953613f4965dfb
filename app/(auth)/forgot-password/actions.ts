"use server";

import { throttleAnonymous } from "@/lib/auth/action-guard";
import { runAs } from "@/lib/auth/current";
import { forgotPasswordSchema } from "@/lib/domain/accounts/schemas";
import { requestPasswordReset } from "@/lib/domain/accounts/service";
import { type FormState, failure, formValues } from "@/lib/http/form-state";

export async function forgotPasswordAction(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    const { email } = forgotPasswordSchema.parse(Object.fromEntries(form));
    // Without a known address the per-email limit inside requestPasswordReset is the guard.
    await throttleAnonymous("passwordResetRequest");
    await runAs(null, () => requestPasswordReset(email));
    return {
      ok: true,
      message:
        "If an account exists for that address, we sent a link to reset the password. It works for 30 minutes.",
    };
  } catch (error) {
    return failure(error, formValues(form));
  }
}
