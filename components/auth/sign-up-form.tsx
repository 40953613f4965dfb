"use client";

import { useActionState } from "react";
import { BrowserTimeZoneInput } from "@/components/auth/browser-time-zone";
import { Alert, Button, Checkbox, Field } from "@/components/ui/form";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";

export function SignUpForm({
  action: signUpAction,
  consentVersions,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  /** The current version of each consent (lib/domain/consent/documents.ts). */
  consentVersions: Readonly<Record<"TELEHEALTH" | "PRIVACY" | "MESSAGING", string>>;
}) {
  const [state, action, pending] = useActionState(signUpAction, INITIAL_FORM_STATE);
  const errors = state.fieldErrors ?? {};
  const value = (name: string) => state.values?.[name];
  return (
    <form action={action} className="space-y-4" noValidate>
      {state.message ? <Alert>{state.message}</Alert> : null}
      <BrowserTimeZoneInput />
      <Field
        label="Full name"
        name="fullName"
        autoComplete="name"
        defaultValue={value("fullName")}
        error={errors.fullName}
      />
      <Field
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        defaultValue={value("email")}
        error={errors.email}
      />
      <Field
        label="Date of birth"
        name="dateOfBirth"
        type="date"
        defaultValue={value("dateOfBirth")}
        error={errors.dateOfBirth}
      />
      <Field
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters. Common or breached passwords are refused."
        error={errors.password}
      />
      <Checkbox
        name="acceptTelehealth"
        label={`I consent to receive care by video visit (telehealth consent, version ${consentVersions.TELEHEALTH}).`}
        error={errors.acceptTelehealth}
        defaultChecked={value("acceptTelehealth") === "on"}
      />
      <Checkbox
        name="acceptPrivacy"
        label={`I have read the privacy notice and agree to data processing (version ${consentVersions.PRIVACY}): my health information is encrypted and every access is logged.`}
        error={errors.acceptPrivacy}
        defaultChecked={value("acceptPrivacy") === "on"}
      />
      <Checkbox
        name="acceptMessaging"
        label={`Optional: I agree to exchange secure messages with my doctors, not for emergencies (secure messaging consent, version ${consentVersions.MESSAGING}).`}
        error={errors.acceptMessaging}
        defaultChecked={value("acceptMessaging") === "on"}
      />
      <p className="text-xs text-slate-600">
        You can read each consent in full, withdraw it or agree again at any time in Privacy &amp; data once
        you are signed in.
      </p>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Creating your account…" : "Create account"}
      </Button>
    </form>
  );
}
