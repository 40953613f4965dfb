"use client";

// The audit log's filter form. It posts to a server action (never a GET: an
// email typed here must not land in the URL), which resolves emails to account
// ids and comes back with the filter in the page's address; a wrong field gets
// its own message and keeps what was typed.
import Link from "next/link";
import { useActionState } from "react";
import { Alert, Button, Field, Select } from "@/components/ui/form";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";

export interface FilterDefaults {
  user?: string | undefined;
  patient?: string | undefined;
  action?: string | undefined;
  type?: string | undefined;
  resource?: string | undefined;
  outcome?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

const OUTCOME_OPTIONS = [
  { value: "", label: "Any outcome" },
  { value: "SUCCESS", label: "Success" },
  { value: "FAILURE", label: "Failure" },
  { value: "DENIED", label: "Denied" },
] as const;

export function AuditFilterForm({
  action,
  defaults,
  actions,
  timeZoneLabel,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  defaults: FilterDefaults;
  /** Known action names, offered as suggestions. */
  actions: readonly string[];
  timeZoneLabel: string;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  const value = (name: keyof FilterDefaults) =>
    (state.ok ? undefined : state.values?.[name]) ?? defaults[name] ?? "";
  const error = (name: string) => state.fieldErrors?.[name];
  const outcome = value("outcome").toUpperCase();
  return (
    <form action={formAction} className="space-y-4" noValidate aria-label="Filter the audit log">
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Field
          label="User (email or account id)"
          name="user"
          id="audit-user"
          defaultValue={value("user")}
          error={error("user")}
          autoComplete="off"
          hint="Who acted."
        />
        <Field
          label="Patient (email or account id)"
          name="patient"
          id="audit-patient"
          defaultValue={value("patient")}
          error={error("patient")}
          autoComplete="off"
          hint="Whose data the event concerns."
        />
        <Field
          label="Action"
          name="action"
          id="audit-action"
          defaultValue={value("action")}
          error={error("action")}
          list="audit-action-names"
          autoComplete="off"
          hint='Exact, or a prefix ending in "." such as phi.'
        />
        <datalist id="audit-action-names">
          {actions.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <Select
          key={`outcome:${outcome}`}
          label="Outcome"
          name="outcome"
          id="audit-outcome"
          options={OUTCOME_OPTIONS}
          defaultValue={outcome}
          error={error("outcome")}
        />
        <Field
          label="Resource type"
          name="type"
          id="audit-type"
          defaultValue={value("type")}
          error={error("type")}
          autoComplete="off"
          hint="Such as PatientProfile."
        />
        <Field
          label="Resource id"
          name="resource"
          id="audit-resource"
          defaultValue={value("resource")}
          error={error("resource")}
          autoComplete="off"
        />
        <Field
          label="From"
          name="from"
          id="audit-from"
          type="datetime-local"
          defaultValue={value("from")}
          error={error("from")}
          hint={`${timeZoneLabel}.`}
        />
        <Field
          label="To"
          name="to"
          id="audit-to"
          type="datetime-local"
          defaultValue={value("to")}
          error={error("to")}
          hint={`${timeZoneLabel}; the end is included.`}
        />
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <Button type="submit" disabled={pending}>
          {pending ? "Please wait…" : "Show entries"}
        </Button>
        <Link href="/admin/audit" className="text-sm font-medium text-brand-700 underline">
          Clear filters
        </Link>
      </div>
    </form>
  );
}
