"use server";

import { redirect } from "next/navigation";
import { runAs } from "@/lib/auth/current";
import { newPasswordSchema } from "@/lib/domain/accounts/schemas";
import { acceptInvitation } from "@/lib/domain/accounts/service";
import { type FormState, failure } from "@/lib/http/form-state";

export async function acceptInvitationAction(_previous: FormState, form: FormData): Promise<FormState> {
  try {
    const { token, password } = newPasswordSchema.parse(Object.fromEntries(form));
    await runAs(null, () => acceptInvitation(token, password));
  } catch (error) {
    return failure(error, {});
  }
  redirect("/sign-in?reason=invited");
}
