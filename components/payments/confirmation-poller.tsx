"use client";

import type { Route } from "next";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

const FAST_MS = 1_500;
/** Webhooks usually land within seconds; after this the poller asks less often (the API limit is per user). */
const FAST_FOR_MS = 30_000;
const SLOW_MS = 4_000;
const GIVE_UP_AFTER_MS = 2 * 60_000;

type Phase = "waiting" | "done" | "gave-up";

/**
 * While the provider's webhook confirms a paid visit: asks where the visit stands
 * and refreshes the page once it is no longer held (confirmed, or the payment
 * ended otherwise). Statuses only travel; the page shows the rest.
 */
export function ConfirmationPoller({ appointmentId }: { appointmentId: string }) {
  const router = useRouter();
  const [phase, setPhase] = useState<Phase>("waiting");

  useEffect(() => {
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const schedule = (delay: number) => {
      if (stopped) return;
      if (Date.now() - started + delay > GIVE_UP_AFTER_MS) {
        setPhase("gave-up");
        return;
      }
      timer = setTimeout(() => void check(), delay);
    };
    const nextDelay = () => (Date.now() - started < FAST_FOR_MS ? FAST_MS : SLOW_MS);

    async function check() {
      try {
        const response = await fetch(`/api/appointments/${appointmentId}/payment`, {
          cache: "no-store",
          headers: { accept: "application/json" },
        });
        if (response.status === 429) {
          const retryAfter = Number(response.headers.get("retry-after") ?? "");
          schedule(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : SLOW_MS * 2);
          return;
        }
        if (!response.ok) {
          // Signed out, or the visit is gone: the page itself says which.
          stopped = true;
          setPhase("done");
          router.refresh();
          return;
        }
        const state = (await response.json()) as { visitStatus: string; paymentStatus: string | null };
        const settled =
          state.visitStatus !== "HELD" ||
          state.paymentStatus === "FAILED" ||
          state.paymentStatus === "EXPIRED";
        if (settled) {
          stopped = true;
          setPhase("done");
          router.refresh();
          return;
        }
      } catch {
        // A dropped connection: ask again.
      }
      schedule(nextDelay());
    }

    schedule(FAST_MS);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [appointmentId, router]);

  return (
    <p role="status" aria-live="polite" className="mt-2 text-sm text-slate-700">
      {phase === "waiting" ? (
        <>
          <span
            aria-hidden="true"
            className="mr-2 inline-block h-3 w-3 animate-spin rounded-full border-2 border-brand-600 border-t-transparent align-middle"
          />
          This page updates by itself as soon as the payment provider tells us.
        </>
      ) : phase === "gave-up" ? (
        <>
          This is taking longer than usual.{" "}
          <Link href={`/patient/visits/${appointmentId}` as Route} className="underline">
            Reload the visit
          </Link>{" "}
          in a minute. If money was taken and the visit cannot be confirmed, it is refunded in full.
        </>
      ) : (
        "Updating…"
      )}
    </p>
  );
}
