"use client";

import { useActionState, useId } from "react";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";
import { Alert, Button, Field } from "./form";

export interface FieldSpec {
  name: string;
  label: string;
  type?: string;
  autoComplete?: string;
  hint?: string;
  /** Secrets are never echoed back after an error. */
  secret?: boolean;
}

/** A form posting to a server action, showing its message and per-field errors, keeping what was typed. */
export function ActionForm({
  action,
  fields,
  submitLabel,
  hidden = {},
  variant = "primary",
  submitAccessibleName,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  fields: FieldSpec[];
  submitLabel: string;
  hidden?: Record<string, string>;
  variant?: "primary" | "secondary" | "danger";
  /** When the visible label alone is ambiguous (one "Deactivate" button per row). */
  submitAccessibleName?: string;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  // Several forms on one page may have a field of the same name.
  const formId = useId();
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {fields.map((field) => (
        <Field
          key={field.name}
          id={`${formId}-${field.name}`}
          name={field.name}
          label={field.label}
          type={field.type ?? "text"}
          autoComplete={field.autoComplete}
          hint={field.hint}
          defaultValue={field.secret || state.ok ? undefined : state.values?.[field.name]}
          error={state.fieldErrors?.[field.name]}
        />
      ))}
      <Button type="submit" disabled={pending} variant={variant} aria-label={submitAccessibleName}>
        {pending ? "Please wait…" : submitLabel}
      </Button>
    </form>
  );
}
