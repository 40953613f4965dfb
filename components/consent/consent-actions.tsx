"use client";
// A consent card's buttons: Agree (to the current version) or Withdraw. Withdrawing telehealth or
// data processing first says what stops working (a disclosure, so it works without JavaScript too).
// Both forms post the kind only; the outcome stays on the card after the page refreshes.
import { useActionState } from "react";
import { Alert, Button } from "@/components/ui/form";
import type { ConsentKind } from "@/lib/db/generated/enums";
import { grantConsentAction, withdrawConsentAction } from "@/lib/domain/consent/actions";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";
import type { ConsentStatus } from "@/lib/domain/consent/state";

/** A success is shown while the card is in the state it produced; a refusal until the next try. */
const shown = (state: FormState, stillTrue: boolean) => Boolean(state.message) && (!state.ok || stillTrue);

export function ConsentActions({
  kind,
  label,
  status,
  currentVersion,
  withdrawalEffects,
  confirmWithdrawal,
}: {
  kind: ConsentKind;
  label: string;
  status: ConsentStatus;
  currentVersion: string;
  withdrawalEffects: string;
  /** Say what stops working before withdrawing (telehealth, data processing). */
  confirmWithdrawal: boolean;
}) {
  const [granted, grant, granting] = useActionState(grantConsentAction, INITIAL_FORM_STATE);
  const [withdrawn, withdraw, withdrawing] = useActionState(withdrawConsentAction, INITIAL_FORM_STATE);
  const inForce = status === "GRANTED" || status === "OUTDATED";

  const withdrawForm = (
    <form action={withdraw} className="inline">
      <input type="hidden" name="kind" value={kind} />
      {/* The name a screen reader hears starts with the words on the button (WCAG 2.5.3, label in name). */}
      <Button type="submit" variant="danger" disabled={withdrawing}>
        {withdrawing ? "Please wait…" : confirmWithdrawal ? "Withdraw my consent" : "Withdraw"}
        <span className="sr-only">{confirmWithdrawal ? ` (${label})` : ` ${label}`}</span>
      </Button>
    </form>
  );
  return (
    <div className="space-y-3">
      {shown(granted, status === "GRANTED") ? (
        <Alert tone={granted.ok ? "success" : "error"}>{granted.message}</Alert>
      ) : null}
      {shown(withdrawn, status === "WITHDRAWN") ? (
        <Alert tone={withdrawn.ok ? "success" : "error"}>{withdrawn.message}</Alert>
      ) : null}
      <div className="flex flex-wrap items-start gap-3">
        {status !== "GRANTED" ? (
          <form action={grant}>
            <input type="hidden" name="kind" value={kind} />
            <Button type="submit" disabled={granting}>
              {granting
                ? "Please wait…"
                : status === "OUTDATED"
                  ? `Agree to version ${currentVersion}`
                  : "Agree"}
              <span className="sr-only">
                {status === "OUTDATED" ? ` of ${label}` : ` to ${label}, version ${currentVersion}`}
              </span>
            </Button>
          </form>
        ) : null}
        {inForce ? (
          confirmWithdrawal ? (
            <details className="group">
              <summary
                className="inline-flex cursor-pointer list-none items-center rounded-md border border-red-300 bg-white px-4 py-2 text-sm font-semibold text-red-800 hover:bg-red-50"
                aria-label={`Withdraw ${label}…`}
              >
                Withdraw…
              </summary>
              <div className="mt-2 space-y-2 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
                <p className="font-semibold">What stops working</p>
                <p>{withdrawalEffects}</p>
                <p>
                  Withdrawing does not affect what was done before, and you can agree again here at any time.
                </p>
                {withdrawForm}
              </div>
            </details>
          ) : (
            withdrawForm
          )
        ) : null}
      </div>
    </div>
  );
}
