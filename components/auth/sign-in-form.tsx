"use client";

import Link from "next/link";
import { useActionState } from "react";
import { RecoveryCodeList, TotpSetupKey } from "@/components/auth/totp-setup";
import { Alert, Button, Field } from "@/components/ui/form";
import { INITIAL_SIGN_IN_STATE, type SignInState } from "@/lib/auth/sign-in-state";

/**
 * The sign-in steps (password, code or authenticator set-up, recovery codes)
 * on one server action. React renders the form as method="post", so without
 * JavaScript the browser posts it and the server answers with the next step.
 */
export function SignInForm({
  action,
  notice,
}: {
  action: (state: SignInState, form: FormData) => Promise<SignInState>;
  notice?: string | undefined;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_SIGN_IN_STATE);
  const fieldErrors = state.fieldErrors ?? {};
  const error = !state.ok && state.message ? <Alert>{state.message}</Alert> : null;

  if (state.step === "recovery-codes") {
    return (
      <div className="space-y-4">
        <Alert tone="success">{state.message}</Alert>
        <p className="text-sm text-slate-700">
          Keep these recovery codes somewhere safe. Each works once if you lose your phone. They are not shown
          again.
        </p>
        <RecoveryCodeList codes={state.recoveryCodes ?? []} />
        <Link
          href="/portal"
          className="inline-flex items-center justify-center rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
        >
          I have saved them, continue
        </Link>
      </div>
    );
  }

  return (
    <form action={formAction} className="space-y-4" noValidate>
      <input type="hidden" name="step" value={state.step} />
      {notice && state.step === "password" && !state.message ? <Alert tone="info">{notice}</Alert> : null}
      {error}
      {state.step === "password" ? (
        <>
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="username"
            required
            defaultValue={state.values?.email}
            error={fieldErrors.email}
          />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            error={fieldErrors.password}
          />
        </>
      ) : null}
      {state.step === "mfa" ? (
        <Field
          label="Code from your authenticator app"
          name="code"
          inputMode="text"
          autoComplete="one-time-code"
          autoFocus
          hint="Or enter one of your recovery codes."
          error={fieldErrors.code}
        />
      ) : null}
      {state.step === "enrol" && state.enrolment ? (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">
            Doctors and admins sign in with a second step. Scan this code with an authenticator app (or type
            the key), then enter the 6-digit code it shows.
          </p>
          <TotpSetupKey qrDataUrl={state.enrolment.qrDataUrl} secret={state.enrolment.secret} />
          <Field label="6-digit code" name="code" autoComplete="one-time-code" error={fieldErrors.code} />
        </div>
      ) : null}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Please wait…" : state.step === "password" ? "Sign in" : "Continue"}
      </Button>
    </form>
  );
}
