"use client";

import type { Route } from "next";
import Link from "next/link";
import Script from "next/script";
import { useActionState, useCallback, useEffect, useRef, useState } from "react";
import { Alert, Button } from "@/components/ui/form";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";

const CHECKOUT_SCRIPT = "https://checkout.razorpay.com/v1/checkout.js";

interface RazorpaySuccess {
  razorpay_payment_id: string;
  razorpay_order_id: string;
  razorpay_signature: string;
}

interface RazorpayInstance {
  open(): void;
}

type RazorpayConstructor = new (options: Record<string, unknown>) => RazorpayInstance;

/**
 * Opens Razorpay Checkout for one order. Only the key id, order, amount,
 * currency, the clinic's name and "Consultation" go to Razorpay: no prefill of
 * the patient's name, email or phone. On success the result is posted to the
 * server, which checks its signature; the webhook confirms the visit.
 */
export function RazorpayCheckout({
  action,
  nonce,
  paymentId,
  keyId,
  orderId,
  amountMinor,
  currency,
  amount,
  clinicName,
  visitHref,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
  nonce: string | undefined;
  paymentId: string;
  keyId: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  /** Formatted, e.g. "₹600.00". */
  amount: string;
  clinicName: string;
  visitHref: string;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  const formRef = useRef<HTMLFormElement>(null);
  const opened = useRef(false);
  const [ready, setReady] = useState(false);
  const [loadFailed, setLoadFailed] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  const [result, setResult] = useState<RazorpaySuccess | null>(null);

  // The hidden fields hold the result once React has rendered them; then the form goes.
  useEffect(() => {
    if (result) formRef.current?.requestSubmit();
  }, [result]);

  const open = useCallback(() => {
    const Razorpay = (window as unknown as { Razorpay?: RazorpayConstructor }).Razorpay;
    if (!Razorpay) return;
    setDismissed(false);
    new Razorpay({
      key: keyId,
      order_id: orderId,
      amount: amountMinor,
      currency,
      name: clinicName,
      description: "Consultation",
      handler: (response: RazorpaySuccess) => setResult(response),
      modal: { ondismiss: () => setDismissed(true) },
    }).open();
  }, [keyId, orderId, amountMinor, currency, clinicName]);

  // The patient asked to pay on the visit page: the checkout opens once by itself.
  useEffect(() => {
    if (ready && !opened.current) {
      opened.current = true;
      open();
    }
  }, [ready, open]);

  return (
    <div className="space-y-4">
      <Script
        src={CHECKOUT_SCRIPT}
        nonce={nonce}
        strategy="afterInteractive"
        onReady={() => setReady(true)}
        onError={() => setLoadFailed(true)}
      />
      {state.message ? <Alert tone="error">{state.message}</Alert> : null}
      {loadFailed ? (
        <Alert tone="error">
          Razorpay Checkout could not be loaded. Check your connection and reload this page; your time stays
          held meanwhile.
        </Alert>
      ) : null}
      {dismissed && !result ? (
        <Alert tone="info">
          Payment not completed. You can open the checkout again, or go back to the visit.
        </Alert>
      ) : null}
      <form ref={formRef} action={formAction} aria-hidden="true" className="hidden">
        <input type="hidden" name="paymentId" value={paymentId} />
        <input type="hidden" name="razorpay_payment_id" value={result?.razorpay_payment_id ?? ""} />
        <input type="hidden" name="razorpay_order_id" value={result?.razorpay_order_id ?? ""} />
        <input type="hidden" name="razorpay_signature" value={result?.razorpay_signature ?? ""} />
      </form>
      {result && !state.message ? (
        <p role="status" className="text-sm text-slate-700">
          Payment received — checking it…
        </p>
      ) : (
        <div className="flex flex-wrap items-center gap-3">
          <Button type="button" onClick={open} disabled={!ready || pending}>
            {ready
              ? `Pay ${amount} with Razorpay`
              : loadFailed
                ? "Checkout unavailable"
                : "Loading the checkout…"}
          </Button>
          <Link href={`${visitHref}?payment=cancelled` as Route} className="text-sm text-brand-700 underline">
            Cancel and go back
          </Link>
        </div>
      )}
    </div>
  );
}
