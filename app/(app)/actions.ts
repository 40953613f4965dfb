"use server";

import { redirect } from "next/navigation";
import { runAs } from "@/lib/auth/current";
import { signOutCurrentSession } from "@/lib/auth/sign-out";

/** Anyone may sign out, even with an expired session: it only ends what the cookie names. */
export async function signOutAction(): Promise<void> {
  await runAs(null, () => signOutCurrentSession());
  redirect("/sign-in?reason=signed-out");
}
