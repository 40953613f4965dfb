"use server";

import { redirect } from "next/navigation";
import { runAs } from "@/lib/auth/current";
import { verifyEmail } from "@/lib/domain/accounts/service";

export async function verifyEmailAction(form: FormData): Promise<void> {
  const token = form.get("token");
  const ok =
    typeof token === "string" &&
    token.length > 10 &&
    token.length < 100 &&
    (await runAs(null, () => verifyEmail(token)));
  redirect(ok ? "/sign-in?reason=verified" : "/verify-email?invalid=1");
}
