"use client";

// The emergency page's working part: the numbers for the chosen country (shown
// whatever happens to the button), the steps, and "Tell my doctors", which
// records the event and says plainly that nobody is being sent.
import { useActionState, useId, useState } from "react";
import { Alert, Button, Select } from "@/components/ui/form";
import { EMERGENCY_COUNTRIES, emergencyNumbersFor } from "@/lib/domain/emergency/numbers";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";

function NumberLink({ label, number, big = false }: { label: string; number: string; big?: boolean }) {
  return (
    <a
      href={`tel:${number}`}
      className={
        big
          ? "block rounded-lg bg-red-700 px-6 py-4 text-center text-white hover:bg-red-800 focus:ring-4 focus:ring-red-300 focus:outline-none"
          : "block rounded-md border border-red-200 bg-white px-4 py-3 text-center text-red-900 hover:bg-red-50"
      }
    >
      <span className={big ? "block text-lg font-semibold" : "block text-sm font-medium"}>{label}</span>
      <span className={big ? "block text-5xl font-bold tracking-wide" : "block text-2xl font-bold"}>
        {number}
      </span>
    </a>
  );
}

export function EmergencyPanel({
  action,
  initialCountry,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  initialCountry: string;
}) {
  const [country, setCountry] = useState(initialCountry);
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  const id = useId();
  const numbers = emergencyNumbersFor(country);
  const separate = new Set([numbers.police, numbers.ambulance, numbers.fire]).size > 1;
  const doctorsTold = Number(state.data?.doctorsTold ?? 0);
  return (
    <div className="space-y-6">
      <section
        aria-labelledby={`${id}-numbers`}
        className="space-y-4 rounded-lg border-2 border-red-300 bg-red-50 p-6"
      >
        <h2 id={`${id}-numbers`} className="text-xl font-bold text-red-900">
          Call for help: {numbers.name}
        </h2>
        <NumberLink
          label={separate ? "Ambulance (medical emergency)" : "Emergency (ambulance, police, fire)"}
          number={numbers.call}
          big
        />
        {separate ? (
          <div className="grid gap-3 sm:grid-cols-3">
            <NumberLink label="Ambulance" number={numbers.ambulance} />
            <NumberLink label="Police" number={numbers.police} />
            <NumberLink label="Fire" number={numbers.fire} />
          </div>
        ) : null}
        <p className="text-sm text-red-900">{numbers.note}</p>
        <p className="text-sm text-red-900">
          Not where you are? Choose the country below: the numbers change to its own.
        </p>
        <Select
          id={`${id}-country`}
          name="country-choice"
          label="Where are you now?"
          options={EMERGENCY_COUNTRIES}
          value={country}
          onChange={(event) => setCountry(event.target.value)}
        />
      </section>

      <section
        aria-labelledby={`${id}-steps`}
        className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
      >
        <h2 id={`${id}-steps`} className="mb-3 text-lg font-semibold text-brand-900">
          What to do now
        </h2>
        <ol className="list-decimal space-y-2 pl-5 text-slate-800">
          <li>
            If you or someone near you is in danger, call <strong>{numbers.call}</strong> now.
          </li>
          <li>Say where you are: the address, the floor, and anything that helps to find you.</li>
          <li>
            Say what happened and answer the questions; stay on the line until they tell you to hang up.
          </li>
          <li>Unlock the door and switch on a light, so help can get in and find you.</li>
          <li>If you can, ask someone to stay with you, and keep your phone with you.</li>
          <li>Have your medicines, or their list, ready to show.</li>
        </ol>
      </section>

      <section
        aria-labelledby={`${id}-doctors`}
        className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
      >
        <h2 id={`${id}-doctors`} className="mb-3 text-lg font-semibold text-brand-900">
          Tell your doctors
        </h2>
        <p className="mb-4 text-sm text-slate-700">
          This sends your doctors in Haven a message that you pressed this button, so they can get in touch.
          It does not call emergency services and nobody is sent to you.
        </p>
        {state.ok ? (
          <Alert tone="success">
            {doctorsTold > 0
              ? "Your doctors have been told."
              : "This is recorded, but you have no doctor in Haven yet to tell."}{" "}
            Haven does not call emergency services — if you are in danger, call {numbers.call} now.
          </Alert>
        ) : state.message ? (
          <Alert tone="error">
            {state.message} Your doctors may not have been told. If you are in danger, call {numbers.call}{" "}
            now.
          </Alert>
        ) : null}
        <form action={formAction} className="mt-4">
          <input type="hidden" name="country" value={numbers.country} />
          <Button type="submit" variant="danger" disabled={pending} className="px-6 py-3 text-base">
            {pending ? "Telling your doctors…" : "Tell my doctors"}
          </Button>
        </form>
      </section>
    </div>
  );
}
