"use client";

import { useActionState } from "react";
import { RecoveryCodeList } from "@/components/auth/totp-setup";
import { Alert, Button, Field } from "@/components/ui/form";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";

/** Turns on a new authenticator: its current code, and the account's password to confirm the change. */
export function MfaConfirmForm({
  action,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
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
    <form action={formAction} className="space-y-3" noValidate>
      {state.message ? <Alert>{state.message}</Alert> : null}
      <Field label="6-digit code" name="code" autoComplete="one-time-code" error={state.fieldErrors?.code} />
      <Field
        label="Your current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        error={state.fieldErrors?.currentPassword}
      />
      <Button type="submit" disabled={pending}>
        Turn on two-step sign-in
      </Button>
    </form>
  );
}
