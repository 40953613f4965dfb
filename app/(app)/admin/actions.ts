"use server";

import { revalidatePath } from "next/cache";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountIdSchema, invitationSchema } from "@/lib/domain/accounts/schemas";
import { deactivateAccount } from "@/lib/domain/accounts/admin-users";
import { inviteDoctor } from "@/lib/domain/accounts/service";
import { AppError } from "@/lib/http/errors";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { consumeRateLimit } from "@/lib/security/rate-limit";

const NO_SUCH_ACTIVE_ACCOUNT = () => new AppError("NOT_FOUND", "No such active account.");

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

export async function deactivateUserAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("users:manage");
  try {
    const parsed = accountIdSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw NO_SUCH_ACTIVE_ACCOUNT();
    await runAs(actor, () => deactivateAccount(actor, parsed.data.userId));
  } catch (error) {
    // This page's own wording for an account that is not there (tests/e2e/hardening.spec.ts).
    if (AppError.is(error) && error.code === "NOT_FOUND") return failure(NO_SUCH_ACTIVE_ACCOUNT(), {});
    return failure(error, {});
  }
  revalidatePath("/admin");
  revalidatePath("/admin/users");
  return { ok: true, message: "The account is deactivated and its sessions have ended." };
}
