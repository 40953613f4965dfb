"use client";

import { useActionState, useId } from "react";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";
import { Alert, Button, Checkbox, Field, Select, TextArea } from "./form";

export interface FieldSpec {
  name: string;
  label: string;
  /** An input type (text by default), or a multi-line text, a list to choose from, a checkbox. */
  type?: string;
  kind?: "input" | "textarea" | "select" | "checkbox";
  options?: readonly { value: string; label: string }[];
  autoComplete?: string;
  hint?: string;
  /** What the field shows before anything was typed (the current setting). */
  defaultValue?: string;
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
      {fields.map((field) => {
        const common = {
          id: `${formId}-${field.name}`,
          name: field.name,
          label: field.label,
          hint: field.hint,
          error: state.fieldErrors?.[field.name],
        };
        const typed = field.secret || state.ok ? undefined : state.values?.[field.name];
        const value = typed ?? (field.secret ? undefined : field.defaultValue);
        if (field.kind === "textarea") return <TextArea key={field.name} {...common} defaultValue={value} />;
        if (field.kind === "select") {
          // React sets a select's default only when it mounts, and resets the form to it after the
          // action: a new key per value mounts it again, so a refused form keeps the choice.
          return (
            <Select
              key={`${field.name}:${value ?? ""}`}
              {...common}
              options={field.options ?? []}
              defaultValue={value}
            />
          );
        }
        if (field.kind === "checkbox") {
          const checked = state.values ? state.values[field.name] === "on" : field.defaultValue === "on";
          return <Checkbox key={field.name} {...common} defaultChecked={checked} />;
        }
        return (
          <Field
            key={field.name}
            {...common}
            type={field.type ?? "text"}
            autoComplete={field.autoComplete}
            defaultValue={value}
          />
        );
      })}
      <Button type="submit" disabled={pending} variant={variant} aria-label={submitAccessibleName}>
        {pending ? "Please wait…" : submitLabel}
      </Button>
    </form>
  );
}
