"use server";

import { redirect } from "next/navigation";
import { runAs } from "@/lib/auth/current";
import { advanceSignIn } from "@/lib/auth/sign-in-flow";
import type { SignInState } from "@/lib/auth/sign-in-state";

export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  const outcome = await runAs(null, () => advanceSignIn(form));
  if (outcome.step === "signed-in") redirect("/portal");
  return outcome;
}
