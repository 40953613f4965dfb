"use client";

import { useActionState } from "react";
import { confirmMfaSetupAction } from "@/app/(app)/account/actions";
import { RecoveryCodeList } from "@/components/auth/totp-setup";
import { Alert, Button, Field } from "@/components/ui/form";
import { INITIAL_FORM_STATE } from "@/lib/http/form-state";

export function MfaConfirmForm() {
  const [state, action, pending] = useActionState(confirmMfaSetupAction, INITIAL_FORM_STATE);
  const codes = (state.data?.recoveryCodes as string[] | undefined) ?? [];
  if (state.ok) {
    return (
      <div className="space-y-3">
        <Alert tone="success">{state.message}</Alert>
        <RecoveryCodeList codes={codes} />
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
