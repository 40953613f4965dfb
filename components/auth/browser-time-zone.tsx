"use client";

import { useEffect, useRef } from "react";

/** The browser's IANA time zone as a hidden form field (empty without JavaScript: the server then uses UTC). */
export function BrowserTimeZoneInput({ name = "timeZone" }: { name?: string }) {
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (input.current) input.current.value = Intl.DateTimeFormat().resolvedOptions().timeZone;
  }, []);
  return <input ref={input} type="hidden" name={name} defaultValue="" />;
}
