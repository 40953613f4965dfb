"use client";

// An admin's manual refund: the amount starts at what can still be refunded, the
// reason is required (kept encrypted, for the audit trail). What was typed stays
// after a refusal; the amount follows the remainder after a refund.
import { useActionState, useId } from "react";
import { Alert, Button, Field, TextArea } from "@/components/ui/form";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";

export function AdminRefundForm({
  action,
  paymentId,
  currency,
  refundableAmount,
  refundableLabel,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  paymentId: string;
  currency: string;
  /** The remainder as a plain decimal ("12.50"): the amount field's starting value. */
  refundableAmount: string;
  /** The remainder as people read it ("€12.50"). */
  refundableLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  const id = useId();
  const typed = state.ok ? undefined : state.values;
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <input type="hidden" name="paymentId" value={paymentId} />
      <Field
        // A new remainder (after a refund) mounts the field again with it.
        key={`amount-${refundableAmount}`}
        id={`${id}-amount`}
        name="amount"
        label={`Amount (${currency})`}
        inputMode="decimal"
        autoComplete="off"
        defaultValue={typed?.amount ?? refundableAmount}
        hint={`At most ${refundableLabel} can be refunded.`}
        error={state.fieldErrors?.amount}
      />
      <TextArea
        id={`${id}-note`}
        name="note"
        label="Why you refund"
        maxLength={500}
        defaultValue={typed?.note}
        hint="Required, 3 to 500 characters. Kept encrypted; only administrators read it."
        error={state.fieldErrors?.note}
      />
      <Button type="submit" variant="danger" disabled={pending}>
        {pending ? "Sending the refund…" : "Refund"}
      </Button>
    </form>
  );
}
