"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { runAs } from "@/lib/auth/current";
import { unlockAccount } from "@/lib/auth/unlock";

const unlockSchema = z.object({ token: z.string().min(10).max(100) });

export async function unlockAccountAction(form: FormData): Promise<void> {
  const parsed = unlockSchema.safeParse({ token: form.get("token") });
  const ok = parsed.success && (await runAs(null, () => unlockAccount(parsed.data.token)));
  redirect(ok ? "/sign-in?reason=unlocked" : "/unlock?invalid=1");
}
