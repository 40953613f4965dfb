"use client";

import { useActionState } from "react";
import { confirmMfaSetupAction } from "@/app/(app)/account/actions";
import { Alert, Button, Field } from "@/components/ui/form";
import { INITIAL_FORM_STATE } from "@/lib/http/form-state";

export function MfaConfirmForm() {
  const [state, action, pending] = useActionState(confirmMfaSetupAction, INITIAL_FORM_STATE);
  const codes = (state.data?.recoveryCodes as string[] | undefined) ?? [];
  if (state.ok) {
    return (
      <div className="space-y-3">
        <Alert tone="success">{state.message}</Alert>
        <ul className="grid grid-cols-2 gap-2 font-mono text-sm" data-testid="recovery-codes">
          {codes.map((code) => (
            <li key={code} className="rounded bg-slate-100 px-2 py-1">
              {code}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <form action={action} className="space-y-3" noValidate>
      {state.message ? <Alert>{state.message}</Alert> : null}
      <Field label="6-digit code" name="code" autoComplete="one-time-code" error={state.fieldErrors?.code} />
      <Button type="submit" disabled={pending}>
        Turn on two-step sign-in
      </Button>
    </form>
  );
}
