"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireActor, runAs } from "@/lib/auth/current";
import { beginMfaSetup, pendingMfaSecret } from "@/lib/auth/mfa-setup";
import { revokeAllSessions } from "@/lib/auth/sessions";
import { recordAuditEvent } from "@/lib/db/client";
import {
  changePasswordSchema,
  confirmMfaSchema,
  currentPasswordSchema,
  timeZoneSchema,
} from "@/lib/domain/accounts/schemas";
import { changePassword, disableMfa, enableMfa, updateTimeZone } from "@/lib/domain/accounts/service";
import { AppError } from "@/lib/http/errors";
import { type FormState, failure } from "@/lib/http/form-state";
import { consumeRateLimit } from "@/lib/security/rate-limit";

export async function changePasswordAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("account:manage-own");
  try {
    await consumeRateLimit("sensitive", `password:${actor.userId}`);
    const { currentPassword, newPassword } = changePasswordSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => changePassword(actor, currentPassword, newPassword));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/account");
  return { ok: true, message: "Password changed. Your other sessions were signed out." };
}

export async function startMfaSetupAction(): Promise<void> {
  const actor = await requireActor("account:manage-own");
  await beginMfaSetup(actor.userId);
  redirect("/account?mfa=setup");
}

export async function confirmMfaSetupAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("account:manage-own");
  try {
    await consumeRateLimit("sensitive", `mfa:${actor.userId}`);
    const { code, currentPassword } = confirmMfaSchema.parse(Object.fromEntries(form));
    const secret = await pendingMfaSecret(actor.userId);
    if (!secret) throw new AppError("BAD_REQUEST", "The setup expired. Start it again.");
    // The setup cookie is left to expire (10 minutes): changing a cookie here would
    // re-render the page and lose the recovery codes this form must show once.
    const recoveryCodes = await runAs(actor, () => enableMfa(actor, { secret, code, currentPassword }));
    return {
      ok: true,
      message: "Two-step sign-in is on. Save your recovery codes now: they are not shown again.",
      data: { recoveryCodes },
    };
  } catch (error) {
    return failure(error, {});
  }
}

export async function disableMfaAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("account:manage-own");
  try {
    await consumeRateLimit("sensitive", `mfa:${actor.userId}`);
    const { currentPassword } = currentPasswordSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => disableMfa(actor, currentPassword));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/account");
  return { ok: true, message: "Two-step sign-in is off. Your other sessions were signed out." };
}

export async function signOutEverywhereAction(): Promise<void> {
  const actor = await requireActor("account:manage-own");
  await runAs(actor, async () => {
    const ended = await revokeAllSessions(actor.userId, "signed-out-everywhere");
    await recordAuditEvent({
      action: "auth.sign-out-everywhere",
      resourceType: "User",
      resourceId: actor.userId,
      details: { sessionsEnded: ended },
    });
  });
  redirect("/sign-in?reason=signed-out");
}

export async function updateTimeZoneAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("account:manage-own");
  try {
    const { timeZone } = timeZoneSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => updateTimeZone(actor, timeZone));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/", "layout");
  return { ok: true, message: "Time zone saved: every time is now shown in it." };
}
