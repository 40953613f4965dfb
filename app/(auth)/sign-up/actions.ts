"use server";

import { redirect } from "next/navigation";
import { throttleAnonymous } from "@/lib/auth/action-guard";
import { runAs } from "@/lib/auth/current";
import { signUpSchema } from "@/lib/domain/accounts/schemas";
import { signUpPatient } from "@/lib/domain/accounts/service";
import { type FormState, failure, formValues } from "@/lib/http/form-state";

export async function signUpAction(_previous: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form, ["password"]);
  try {
    const input = signUpSchema.parse(Object.fromEntries(form));
    await throttleAnonymous("signUp", input.email);
    await runAs(null, () => signUpPatient(input));
  } catch (error) {
    return failure(error, values);
  }
  redirect("/sign-in?reason=verify-email");
}
