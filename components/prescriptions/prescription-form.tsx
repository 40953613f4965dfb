"use client";

// The doctor writes a prescription: one fieldset per medicine, added and removed
// with buttons (focus follows), every field's error beside it, and everything
// typed put back after a refused submit.
import { useActionState, useEffect, useId, useRef, useState } from "react";
import { Alert, Button, Checkbox, Field, Select, TextArea } from "@/components/ui/form";
import { ITEM_FIELDS, MAX_ITEMS, MAX_REFILLS, itemFieldName } from "@/lib/domain/prescriptions/schemas";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";

interface Row {
  key: number;
  values: Record<string, string>;
}

interface Rows {
  rows: Row[];
  /** Keys are never reused, so React never mixes up the fields of a removed row and a new one. */
  nextKey: number;
}

/** The rows a refused submit sent, in order (items.<n>.<field>), or one empty row; keys from firstKey. */
function rowsFrom(values: Record<string, string> | undefined, firstKey: number): Rows {
  const byIndex = new Map<number, Record<string, string>>();
  for (const [name, value] of Object.entries(values ?? {})) {
    const match = /^items\.(\d+)\.([a-z]+)$/.exec(name);
    if (!match) continue;
    const index = Number(match[1]);
    byIndex.set(index, { ...byIndex.get(index), [match[2]!]: value });
  }
  const sent = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
  const rows = (sent.length ? sent : [{ refills: "0" }]).map((row, index) => ({
    key: firstKey + index,
    values: row,
  }));
  return { rows, nextKey: firstKey + rows.length };
}

export function PrescriptionForm({
  action,
  patientId,
  submissionId,
  visits,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  patientId: string;
  /** Made when the page is rendered: submitting this form twice issues one prescription. */
  submissionId: string;
  visits: readonly { value: string; label: string }[];
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  const [{ rows, nextKey }, setRows] = useState<Rows>(() => rowsFrom(undefined, 0));
  const [seenState, setSeenState] = useState(state);
  const addButton = useRef<HTMLButtonElement>(null);
  // The row whose first field takes focus once it is on the page (set by "Add another medicine").
  const focusRow = useRef<number | null>(null);
  const formId = useId();

  // A refused submit: show what was sent (React resets the form's fields after an action).
  if (seenState !== state) {
    setSeenState(state);
    setRows(rowsFrom(state.values, nextKey));
  }
  useEffect(() => {
    if (focusRow.current === null) return;
    document.getElementById(`${formId}-${focusRow.current}-medicine`)?.focus();
    focusRow.current = null;
  });
  const errors = state.fieldErrors ?? {};
  const typed = state.ok ? {} : (state.values ?? {});

  const add = () => {
    setRows({ rows: [...rows, { key: nextKey, values: { refills: "0" } }], nextKey: nextKey + 1 });
    focusRow.current = nextKey;
  };
  const remove = (key: number) => {
    setRows({ rows: rows.filter((row) => row.key !== key), nextKey });
    addButton.current?.focus();
  };

  return (
    <form action={formAction} className="space-y-6" noValidate>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      {errors.items ? <Alert>{errors.items}</Alert> : null}
      <input type="hidden" name="patientId" value={patientId} />
      <input type="hidden" name="submissionId" value={submissionId} />
      <Select
        label="For the visit"
        name="appointmentId"
        options={[{ value: "", label: "No particular visit" }, ...visits]}
        defaultValue={typed.appointmentId ?? ""}
        error={errors.appointmentId}
      />
      {rows.map((row, index) => {
        const number = index + 1;
        const idOf = (field: string) => `${formId}-${row.key}-${field}`;
        const common = (field: string) => ({
          id: idOf(field),
          name: itemFieldName(index, field),
          error: errors[itemFieldName(index, field)],
          defaultValue: row.values[field] ?? "",
        });
        return (
          <fieldset key={row.key} className="space-y-4 rounded-md border border-slate-200 p-4">
            <legend className="px-1 text-base font-semibold text-brand-900">Medicine {number}</legend>
            <div className="grid gap-4 sm:grid-cols-2">
              {ITEM_FIELDS.map((field) => (
                <Field
                  key={field.name}
                  label={field.label}
                  hint={`Like “${field.example}”.`}
                  maxLength={field.max}
                  autoComplete="off"
                  required
                  {...common(field.name)}
                />
              ))}
              <Field
                label="Refills"
                type="number"
                min={0}
                max={MAX_REFILLS}
                inputMode="numeric"
                hint={`0 to ${MAX_REFILLS}.`}
                {...common("refills")}
                defaultValue={row.values.refills ?? "0"}
              />
            </div>
            <TextArea
              label="Instructions for the patient (optional)"
              maxLength={1_000}
              {...common("instructions")}
            />
            {rows.length > 1 ? (
              <Button type="button" variant="secondary" onClick={() => remove(row.key)}>
                Remove medicine {number}
              </Button>
            ) : null}
          </fieldset>
        );
      })}
      {rows.length < MAX_ITEMS ? (
        <Button type="button" variant="secondary" ref={addButton} onClick={add}>
          Add another medicine
        </Button>
      ) : (
        <p className="text-sm text-slate-600">A prescription holds at most {MAX_ITEMS} medicines.</p>
      )}
      <div className="rounded-md border border-slate-200 bg-slate-50 p-4">
        <Checkbox
          name="confirm"
          label="I have checked this prescription and sign it. Once issued it cannot be changed."
          error={errors.confirm}
          defaultChecked={typed.confirm === "on"}
        />
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Please wait…" : "Sign and issue the prescription"}
      </Button>
    </form>
  );
}
