"use client";

import type { Route } from "next";
import Link from "next/link";
import { useActionState } from "react";
import { Alert, Button } from "@/components/ui/form";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";

/** The TEST MODE checkout's choices: pay (the test card succeeds), decline, or go back. */
export function TestCheckoutForm({
  action,
  checkoutId,
  amount,
  cancelHref,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  checkoutId: string;
  /** Formatted, e.g. "€45.00". */
  amount: string;
  cancelHref: Route;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  return (
    <form action={formAction} className="space-y-4">
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      <input type="hidden" name="checkoutId" value={checkoutId} />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" name="outcome" value="succeed" disabled={pending}>
          Pay {amount} (test card succeeds)
        </Button>
        <Button type="submit" name="outcome" value="decline" variant="secondary" disabled={pending}>
          Decline the card
        </Button>
        <Link href={cancelHref} className="text-sm text-brand-700 underline">
          Cancel and go back
        </Link>
      </div>
      {pending ? (
        <p role="status" className="text-sm text-slate-700">
          Please wait…
        </p>
      ) : null}
    </form>
  );
}
