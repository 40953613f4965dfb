"use client";

import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { type FormEvent, useEffect, useState } from "react";
import { RecoveryCodeList, TotpSetupKey } from "@/components/auth/totp-setup";
import { Alert, Button, Field } from "@/components/ui/form";

type Step = "password" | "mfa" | "enrol" | "recovery-codes";
interface ApiError {
  error?: { message?: string; fields?: { field: string; message: string }[] };
}
interface Enrolment {
  secret: string;
  qrDataUrl: string;
}

async function post(url: string, body: unknown) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown> & ApiError;
  return { ok: response.ok, json };
}

export function SignInForm({ notice }: { notice?: string | undefined }) {
  const router = useRouter();
  const [step, setStep] = useState<Step>("password");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [email, setEmail] = useState("");
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [recoveryCodes, setRecoveryCodes] = useState<string[]>([]);
  const [pendingTicket, setPendingTicket] = useState<string | null>(null);

  useEffect(() => {
    if (step !== "enrol" || enrolment) return;
    void fetch("/api/auth/sign-in/enrolment")
      .then(async (response) => {
        const json = (await response.json()) as Enrolment & ApiError;
        if (!response.ok) throw new Error(json.error?.message ?? "Could not load the setup key.");
        setEnrolment(json);
      })
      .catch((e: Error) => setError(e.message));
  }, [step, enrolment]);

  async function finish(ticket: string) {
    const result = await signIn("ticket", { ticket, redirect: false });
    if (!result || result.error) {
      setError("Signing in failed. Please start again.");
      setStep("password");
      return;
    }
    router.replace("/portal");
    router.refresh();
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const { ok, json } =
        step === "password"
          ? await post("/api/auth/sign-in/password", {
              email: form.get("email"),
              password: form.get("password"),
            })
          : await post(step === "mfa" ? "/api/auth/sign-in/code" : "/api/auth/sign-in/enrolment", {
              code: form.get("code"),
            });
      if (!ok) {
        setError(json.error?.message ?? "Signing in failed.");
        setFieldErrors(Object.fromEntries((json.error?.fields ?? []).map((f) => [f.field, f.message])));
        return;
      }
      if (json.next === "mfa" || json.next === "enrol") {
        setStep(json.next);
        return;
      }
      const ticket = String(json.ticket);
      if (Array.isArray(json.recoveryCodes)) {
        setRecoveryCodes(json.recoveryCodes as string[]);
        setPendingTicket(ticket);
        setStep("recovery-codes");
        return;
      }
      await finish(ticket);
    } finally {
      setBusy(false);
    }
  }

  if (step === "recovery-codes") {
    return (
      <div className="space-y-4">
        <Alert tone="success">Two-step sign-in is set up.</Alert>
        <p className="text-sm text-slate-700">
          Keep these recovery codes somewhere safe. Each works once if you lose your phone. They are not shown
          again.
        </p>
        <RecoveryCodeList codes={recoveryCodes} />
        <Button type="button" onClick={() => pendingTicket && void finish(pendingTicket)}>
          I have saved them, continue
        </Button>
      </div>
    );
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-4" noValidate>
      {notice && step === "password" ? <Alert tone="info">{notice}</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
      {step === "password" ? (
        <>
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
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
      {step === "mfa" ? (
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
      {step === "enrol" ? (
        <div className="space-y-3">
          <p className="text-sm text-slate-700">
            Doctors and admins sign in with a second step. Scan this code with an authenticator app (or type
            the key), then enter the 6-digit code it shows.
          </p>
          {enrolment ? (
            <TotpSetupKey qrDataUrl={enrolment.qrDataUrl} secret={enrolment.secret} />
          ) : (
            <p className="text-sm text-slate-500">Loading the setup key…</p>
          )}
          <Field label="6-digit code" name="code" autoComplete="one-time-code" error={fieldErrors.code} />
        </div>
      ) : null}
      <Button type="submit" disabled={busy} className="w-full">
        {busy ? "Please wait…" : step === "password" ? "Sign in" : "Continue"}
      </Button>
    </form>
  );
}
