"use client";

import { useActionState, useId } from "react";
import { Alert, Button, TextArea } from "@/components/ui/form";
import { formatDay, formatTime } from "@/lib/domain/scheduling/format";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";

export interface SlotDay {
  key: string;
  label: string;
  slots: { value: string; label: string }[];
}

/**
 * Choosing a time: one radio button per free slot, grouped by day, in the
 * viewer's time zone (named above the list). Radio buttons work with the
 * keyboard alone (Tab into the group, arrows between times) and without
 * JavaScript. When the chosen time was just taken, the next free times come
 * back as quick choices.
 */
export function SlotForm({
  action,
  hidden,
  days,
  timeZone,
  zoneLabel,
  withReason,
  submitLabel,
  emptyText,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  hidden: Record<string, string>;
  days: SlotDay[];
  timeZone: string;
  zoneLabel: string;
  withReason: boolean;
  submitLabel: string;
  emptyText: string;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  const id = useId();
  const alternatives = (state.data?.alternatives as string[] | undefined) ?? [];
  const chosen = state.values?.startsAt;
  const slotButton = (value: string, label: string, accessible: string) => (
    <label key={value} className="relative">
      <input
        type="radio"
        name="startsAt"
        value={value}
        defaultChecked={value === chosen}
        className="peer absolute inset-0 opacity-0"
        aria-label={accessible}
      />
      <span className="inline-block cursor-pointer rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm text-slate-800 peer-checked:border-brand-700 peer-checked:bg-brand-600 peer-checked:text-white peer-focus-visible:ring-2 peer-focus-visible:ring-brand-600 peer-focus-visible:ring-offset-2">
        {label}
      </span>
    </label>
  );
  return (
    <form action={formAction} className="space-y-6" noValidate>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <fieldset className="space-y-4" aria-describedby={`${id}-zone`}>
        <legend className="text-base font-semibold text-brand-900">Choose a time</legend>
        <p id={`${id}-zone`} className="text-sm text-slate-600">
          Times in your time zone: <strong>{zoneLabel}</strong>.
        </p>
        {alternatives.length ? (
          <div className="space-y-2 rounded-md border border-amber-200 bg-amber-50 p-3">
            <p className="text-sm font-medium text-amber-900">The next free times:</p>
            <div className="flex flex-wrap gap-2">
              {alternatives.map((iso) => {
                const when = new Date(iso);
                const label = `${formatDay(when, timeZone)}, ${formatTime(when, timeZone)}`;
                return slotButton(iso, label, label);
              })}
            </div>
          </div>
        ) : null}
        {days.length === 0 ? <p className="text-sm text-slate-600">{emptyText}</p> : null}
        {days.map((day) => (
          <div key={day.key} role="group" aria-labelledby={`${id}-${day.key}`} className="space-y-2">
            <h3 id={`${id}-${day.key}`} className="text-sm font-medium text-slate-800">
              {day.label}
            </h3>
            <div className="flex flex-wrap gap-2">
              {day.slots.map((slot) => slotButton(slot.value, slot.label, `${day.label}, ${slot.label}`))}
            </div>
          </div>
        ))}
        {state.fieldErrors?.startsAt ? (
          <p className="text-sm text-red-700" role="alert">
            {state.fieldErrors.startsAt}
          </p>
        ) : null}
      </fieldset>
      {withReason ? (
        <TextArea
          id={`${id}-reason`}
          name="reason"
          label="Reason for the visit"
          hint="A sentence or two for your doctor. Only your doctor reads it; it is stored encrypted."
          defaultValue={state.values?.reason}
          error={state.fieldErrors?.reason}
        />
      ) : null}
      <Button type="submit" disabled={pending || days.length + alternatives.length === 0}>
        {pending ? "Please wait…" : submitLabel}
      </Button>
    </form>
  );
}
