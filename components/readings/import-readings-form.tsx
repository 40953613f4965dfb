"use client";

// The import form: choose a device and a CSV or JSON export. A rejected file
// lists every problem by line, next to the file field and linked to it.
import { useActionState, useId } from "react";
import { Alert, Button, Select } from "@/components/ui/form";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";

export function ImportReadingsForm({
  action,
  devices,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  devices: readonly { value: string; label: string }[];
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  const id = useId();
  const lineErrors = (state.data?.lineErrors as string[] | undefined) ?? [];
  const fileError = state.fieldErrors?.file;
  const describedBy = [`${id}-file-hint`, fileError ? `${id}-file-error` : null].filter(Boolean).join(" ");
  return (
    <form action={formAction} className="space-y-4" noValidate>
      {state.message && (state.ok || !fileError) ? (
        <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert>
      ) : null}
      <Select
        id={`${id}-device`}
        name="deviceId"
        label="Device the readings come from"
        options={devices}
        defaultValue={state.values?.deviceId}
        error={state.fieldErrors?.deviceId}
      />
      <div className="space-y-1">
        <label htmlFor={`${id}-file`} className="block text-sm font-medium text-slate-800">
          Export file (CSV or JSON)
        </label>
        <input
          id={`${id}-file`}
          name="file"
          type="file"
          accept=".csv,.json,text/csv,application/json"
          aria-invalid={fileError ? true : undefined}
          aria-describedby={describedBy}
          className="block w-full text-sm text-slate-900 file:mr-4 file:rounded-md file:border-0 file:bg-brand-600 file:px-4 file:py-2 file:font-semibold file:text-white hover:file:bg-brand-700"
        />
        <p id={`${id}-file-hint`} className="text-xs text-slate-500">
          Columns: metric, value, unit (optional), measured_at (with its time zone offset). Up to 5,000
          readings or 1 MB per file.
        </p>
        {fileError ? (
          <div
            id={`${id}-file-error`}
            role="alert"
            className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800"
          >
            <p className="font-medium">{fileError}</p>
            {lineErrors.length ? (
              <ul className="mt-2 list-disc space-y-1 pl-5">
                {lineErrors.map((error) => (
                  <li key={error}>{error}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Importing…" : "Import readings"}
      </Button>
    </form>
  );
}
