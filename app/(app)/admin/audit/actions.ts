"use server";

import { redirect } from "next/navigation";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { accountIdByEmail } from "@/lib/domain/audit-viewer/queries";
import { type PersonInput, auditListHref, parseFilterForm } from "@/lib/domain/audit-viewer/schemas";
import { verifyAuditIntegrity } from "@/lib/domain/audit-viewer/verify";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { consumeRateLimit } from "@/lib/security/rate-limit";

const NO_ACCOUNT = "No account with that email.";

/**
 * The filter form posts here (a form would put what it carries, emails too, in the
 * URL by itself): emails become account ids through the blind index, and the page
 * comes back with ids only in its address.
 */
export async function filterAuditAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("audit:review");
  const values = formValues(form);
  let outcome: { href: string } | { fieldErrors: Record<string, string> };
  try {
    outcome = await runAs(actor, async () => {
      const parsed = parseFilterForm(values, await accountTimeZone(actor));
      if (!parsed.ok) return { fieldErrors: parsed.fieldErrors };
      const fieldErrors: Record<string, string> = {};
      const resolve = async (input: PersonInput, field: string) => {
        if (!input) return undefined;
        if (input.kind === "id") return input.id;
        const id = await accountIdByEmail(actor, input.email);
        if (!id) fieldErrors[field] = NO_ACCOUNT;
        return id ?? undefined;
      };
      const actorId = await resolve(parsed.form.user, "user");
      const subjectId = await resolve(parsed.form.patient, "patient");
      if (Object.keys(fieldErrors).length) return { fieldErrors };
      return { href: auditListHref({ ...parsed.form.rest, actor: actorId, subject: subjectId }) };
    });
  } catch (error) {
    return failure(error, values);
  }
  if ("fieldErrors" in outcome) {
    return {
      ok: false,
      message: "Please correct the highlighted fields.",
      fieldErrors: outcome.fieldErrors,
      values,
    };
  }
  redirect(outcome.href);
}

/** "Verify integrity": the whole chain against the newest signed checkpoint; audited. */
export async function verifyIntegrityAction(_previous: FormState, _form: FormData): Promise<FormState> {
  const actor = await requireActor("audit:review");
  try {
    await consumeRateLimit("sensitive", `audit-verify:${actor.userId}`);
    const report = await runAs(actor, () => verifyAuditIntegrity(actor));
    return {
      ok: report.ok,
      message: report.ok
        ? "The audit trail is intact."
        : "The audit trail does NOT verify: see the problems below.",
      data: { report },
    };
  } catch (error) {
    return failure(error, {});
  }
}
