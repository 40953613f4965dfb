"use server";

// The privacy page's consent buttons: parse → authorize → use case → revalidate. A patient changes
// only their own consents (the form carries the kind, never a patient id).
import { revalidatePath } from "next/cache";
import { requireActor, runAs } from "@/lib/auth/current";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { CONSENT_LABEL, CONSENT_SETTINGS_PATH } from "./documents";
import { grantConsent } from "./grant-consent";
import { consentChangeSchema } from "./schemas";
import { withdrawConsent } from "./withdraw-consent";

export async function grantConsentAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:own");
  try {
    const { kind } = consentChangeSchema.parse(Object.fromEntries(form));
    const change = await runAs(actor, () => grantConsent(actor, actor.userId, kind));
    revalidatePath(CONSENT_SETTINGS_PATH);
    return {
      ok: true,
      message: change.changed
        ? `Thank you: you agreed to “${CONSENT_LABEL[kind]}” (version ${change.version}).`
        : `You had already agreed to “${CONSENT_LABEL[kind]}” (version ${change.version}).`,
    };
  } catch (error) {
    return failure(error, formValues(form));
  }
}

export async function withdrawConsentAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("rights:own");
  try {
    const { kind } = consentChangeSchema.parse(Object.fromEntries(form));
    const change = await runAs(actor, () => withdrawConsent(actor, actor.userId, kind));
    revalidatePath(CONSENT_SETTINGS_PATH);
    return {
      ok: true,
      message: change
        ? `You withdrew “${CONSENT_LABEL[kind]}”. You can agree again here at any time.`
        : `“${CONSENT_LABEL[kind]}” was not in force, so there was nothing to withdraw.`,
    };
  } catch (error) {
    return failure(error, formValues(form));
  }
}
