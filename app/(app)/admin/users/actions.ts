"use server";

import type { Route } from "next";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireActor, runAs } from "@/lib/auth/current";
import {
  type AccountChange,
  deactivateAccount,
  findPatientByEmail,
  reactivateAccount,
  resetSecondFactor,
  revokeAccountSession,
} from "@/lib/domain/accounts/admin-users";
import {
  accountIdSchema,
  accountSessionSchema,
  mfaResetSchema,
  patientLookupSchema,
} from "@/lib/domain/accounts/schemas";
import { AppError } from "@/lib/http/errors";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { consumeRateLimit } from "@/lib/security/rate-limit";

const NO_SUCH_ACCOUNT = () => new AppError("NOT_FOUND", "No such account.");
const NO_PATIENT = "No patient account has this email. Check it letter by letter: the lookup is exact.";

function refresh(userId: string): void {
  revalidatePath(`/admin/users/${userId}`);
  revalidatePath("/admin/users");
  revalidatePath("/admin");
}

/** The patient lookup: an exact email, posted, never in a URL; opens the account page. */
export async function findPatientAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("users:manage");
  let userId: string | null;
  try {
    const { email } = patientLookupSchema.parse(Object.fromEntries(form));
    await consumeRateLimit("sensitive", `patient-lookup:${actor.userId}`);
    userId = await runAs(actor, () => findPatientByEmail(actor, email));
  } catch (error) {
    return failure(error, formValues(form));
  }
  if (!userId) {
    return {
      ok: false,
      message: "Please correct the highlighted fields.",
      fieldErrors: { email: NO_PATIENT },
      values: formValues(form),
    };
  }
  redirect(`/admin/users/${userId}` as Route);
}

/** After a change, the account page again, saying what was done (a fixed code, never data). */
function done(userId: string, what: AccountChange): never {
  refresh(userId);
  redirect(`/admin/users/${userId}?done=${what}` as Route);
}

export async function deactivateAccountAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("users:manage");
  const parsed = accountIdSchema.safeParse(Object.fromEntries(form));
  try {
    if (!parsed.success) throw NO_SUCH_ACCOUNT();
    await runAs(actor, () => deactivateAccount(actor, parsed.data.userId));
  } catch (error) {
    return failure(error, {});
  }
  done(parsed.data.userId, "deactivated");
}

export async function reactivateAccountAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("users:manage");
  const parsed = accountIdSchema.safeParse(Object.fromEntries(form));
  let status: Awaited<ReturnType<typeof reactivateAccount>>;
  try {
    if (!parsed.success) throw NO_SUCH_ACCOUNT();
    status = await runAs(actor, () => reactivateAccount(actor, parsed.data.userId));
  } catch (error) {
    return failure(error, {});
  }
  done(parsed.data.userId, status === "INVITED" ? "reactivated-invited" : "reactivated");
}

export async function resetMfaAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("users:manage");
  const parsed = accountIdSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return failure(NO_SUCH_ACCOUNT(), {});
  try {
    const input = mfaResetSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => resetSecondFactor(actor, input.userId, input.reason));
  } catch (error) {
    return failure(error, formValues(form));
  }
  done(parsed.data.userId, "mfa-reset");
}

export async function revokeSessionAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("users:manage");
  const parsed = accountSessionSchema.safeParse(Object.fromEntries(form));
  try {
    if (!parsed.success) throw new AppError("NOT_FOUND", "No such session.");
    await runAs(actor, () => revokeAccountSession(actor, parsed.data.userId, parsed.data.sessionId));
  } catch (error) {
    return failure(error, {});
  }
  done(parsed.data.userId, "session-revoked");
}
