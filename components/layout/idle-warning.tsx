"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/form";
import { SESSION_EXTENDED, type SessionExtended, keepSessionAlive } from "./keep-session-alive";

const WARNING_MS = 2 * 60 * 1000;

/**
 * Two minutes before the server will end an idle session, offers to stay
 * signed in; at the deadline, goes to sign-in with the reason. The server
 * enforces the timeout either way: this only keeps the person informed.
 */
// The server sends time left, not a timestamp: the browser's clock may be off.
export function IdleWarning({ secondsLeft }: { secondsLeft: number }) {
  const router = useRouter();
  const [deadline, setDeadline] = useState(() => Date.now() + secondsLeft * 1000);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    if (now >= deadline) router.replace("/sign-in?reason=idle");
  }, [now, deadline, router]);

  // Extended elsewhere on the page (the video room keeps a visit's session alive).
  useEffect(() => {
    const onExtended = (event: Event) =>
      setDeadline(Date.now() + (event as SessionExtended).detail.secondsLeft * 1000);
    window.addEventListener(SESSION_EXTENDED, onExtended);
    return () => window.removeEventListener(SESSION_EXTENDED, onExtended);
  }, []);

  const remaining = deadline - now;
  if (remaining > WARNING_MS || remaining <= 0) return null;

  async function staySignedIn() {
    // The deadline moves with the SESSION_EXTENDED event.
    if ((await keepSessionAlive()) === null) router.replace("/sign-in?reason=idle");
  }

  const seconds = Math.ceil(remaining / 1000);
  return (
    <div
      role="alertdialog"
      aria-labelledby="idle-title"
      className="fixed inset-x-0 bottom-6 z-50 mx-auto w-full max-w-md rounded-lg border border-amber-300 bg-amber-50 p-5 shadow-lg"
    >
      <h2 id="idle-title" className="font-semibold text-amber-900">
        You will be signed out in {Math.floor(seconds / 60)}:{String(seconds % 60).padStart(2, "0")}
      </h2>
      <p className="mt-1 text-sm text-amber-900">
        For your privacy, Haven signs you out after a period without activity.
      </p>
      <Button type="button" className="mt-3" onClick={() => void staySignedIn()}>
        Stay signed in
      </Button>
    </div>
  );
}
