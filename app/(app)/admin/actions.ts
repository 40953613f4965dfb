"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireActor, runAs } from "@/lib/auth/current";
import { invitationSchema } from "@/lib/domain/accounts/schemas";
import { deactivateUser, inviteDoctor } from "@/lib/domain/accounts/service";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { consumeRateLimit } from "@/lib/security/rate-limit";

export async function inviteDoctorAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("doctors:invite");
  try {
    await consumeRateLimit("sensitive", `invite:${actor.userId}`);
    const input = invitationSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => inviteDoctor(actor, input));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidatePath("/admin");
  return { ok: true, message: "Invitation sent. The link works once, for 72 hours." };
}

export async function deactivateUserAction(form: FormData): Promise<void> {
  const actor = await requireActor("users:deactivate");
  const userId = z.uuid().parse(form.get("userId"));
  await runAs(actor, () => deactivateUser(actor, userId));
  revalidatePath("/admin");
}
