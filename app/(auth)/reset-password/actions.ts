"use server";

import { redirect } from "next/navigation";
import { throttleAnonymous } from "@/lib/auth/action-guard";
import { runAs } from "@/lib/auth/current";
import { resetPasswordSchema } from "@/lib/domain/accounts/schemas";
import { resetPassword } from "@/lib/domain/accounts/service";
import { type FormState, failure } from "@/lib/http/form-state";

export async function resetPasswordAction(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    const { token, password, code } = resetPasswordSchema.parse(Object.fromEntries(form));
    // The link is a 256-bit secret and wrong codes lock the reset: per address is enough.
    await throttleAnonymous("passwordResetConfirm");
    await runAs(null, () => resetPassword(token, password, code));
  } catch (error) {
    return failure(error, {});
  }
  redirect("/sign-in?reason=reset");
}
