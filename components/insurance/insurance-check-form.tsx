"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useRef, useState, useSyncExternalStore } from "react";
import { ApiError } from "@/components/http/api-client";
import { Alert, Button, Checkbox, Field, Select } from "@/components/ui/form";
import { insuranceDetailsSchema, type VerificationView } from "@/lib/domain/insurance/schemas";
import { checkInsurance } from "./api";
import { VerificationResult } from "./verification-result";

type Errors = Partial<Record<string, string>>;

const SEALING_FAILED =
  "This browser could not encrypt your details. Use an up-to-date browser over a secure (https) connection and try again.";

const noSubscription = () => () => undefined;

/**
 * The patient's insurance check. The details are validated here, encrypted in this browser to a
 * one-time session key, and never put in a URL or kept in the page after the answer.
 */
export function InsuranceCheckForm({
  payers,
  timeZone,
}: {
  payers: readonly { id: string; name: string }[];
  /** The patient's zone, for when the answer came. */
  timeZone: string;
}) {
  const router = useRouter();
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [result, setResult] = useState<VerificationView | null>(null);
  const [pending, setPending] = useState(false);
  // Before this script runs the details could only leave unencrypted: the button waits for it.
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );

  // A second Enter before the re-render must not start a second check.
  const inFlight = useRef(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (inFlight.current) return;
    const form = event.currentTarget;
    const data = new FormData(form);
    setFailure(null);
    setResult(null);
    const consent = data.get("patientConsent") === "on";
    const parsed = insuranceDetailsSchema.safeParse(Object.fromEntries(data));
    const fieldErrors: Errors = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
    }
    if (!consent)
      fieldErrors.patientConsent = "Agree to your details being sent to your insurer for this check.";
    setErrors(fieldErrors);
    if (!parsed.success || !consent) return;
    inFlight.current = true;
    setPending(true);
    try {
      setResult(await checkInsurance(parsed.data));
      // The answer is shown; the details leave the page (a failure keeps them, to correct or retry).
      form.reset();
      router.refresh();
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0) {
        setErrors(Object.fromEntries(error.fields.map((field) => [field.field, field.message])));
        setFailure("Check the fields marked above.");
      } else {
        setFailure(error instanceof ApiError ? error.message : SEALING_FAILED);
      }
      router.refresh();
    } finally {
      inFlight.current = false;
      setPending(false);
    }
  }

  return (
    // A POST, should anything submit it natively: a GET would put the member details in the URL.
    <form
      method="post"
      onSubmit={(event) => void submit(event)}
      noValidate
      className="space-y-4"
      aria-label="Check my insurance"
    >
      <Select
        label="Insurer"
        name="payerId"
        error={errors.payerId}
        options={[
          { value: "", label: "Choose your insurer" },
          ...payers.map((p) => ({ value: p.id, label: p.name })),
        ]}
        defaultValue=""
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Member id"
          name="memberId"
          autoComplete="off"
          spellCheck={false}
          error={errors.memberId}
        />
        <Field
          label="Group number (optional)"
          name="groupNumber"
          autoComplete="off"
          spellCheck={false}
          error={errors.groupNumber}
        />
        <Field
          label="Subscriber's first name"
          name="subscriberFirstName"
          autoComplete="off"
          error={errors.subscriberFirstName}
        />
        <Field
          label="Subscriber's last name"
          name="subscriberLastName"
          autoComplete="off"
          error={errors.subscriberLastName}
        />
        <Field
          label="Subscriber's date of birth"
          name="subscriberDateOfBirth"
          type="date"
          error={errors.subscriberDateOfBirth}
        />
      </div>
      <Checkbox
        name="patientConsent"
        error={errors.patientConsent}
        label="I agree that Haven sends these details to my insurer, once, to check my coverage. They are encrypted in this browser and stored encrypted."
      />
      <Button type="submit" disabled={pending || !hydrated}>
        {pending ? "Checking with your insurer…" : "Check my coverage"}
      </Button>
      {failure ? <Alert>{failure}</Alert> : null}
      {result ? <VerificationResult check={result} timeZone={timeZone} live /> : null}
    </form>
  );
}
