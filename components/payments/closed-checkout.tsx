import type { Route } from "next";
import Link from "next/link";

/** A checkout page that can no longer take a payment: why, and the way back to the visit. */
export function ClosedCheckout({ message, appointmentId }: { message: string; appointmentId: string }) {
  return (
    <div className="space-y-3 text-sm text-slate-800">
      <p>{message}</p>
      <p>
        <Link href={`/patient/visits/${appointmentId}` as Route} className="text-brand-700 underline">
          Back to the visit
        </Link>
      </p>
    </div>
  );
}
