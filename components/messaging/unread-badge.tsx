"use client";
// The unread count beside the nav's "Messages" link. The visible number is
// hidden from screen readers, which hear "Messages, 2 unread" instead.
import { useUnreadTotal } from "./use-inbox";

export function UnreadBadge({ initial }: { initial: number }) {
  const unread = useUnreadTotal(initial);
  if (unread <= 0) return null;
  const shown = unread > 99 ? "99+" : String(unread);
  return (
    <>
      <span
        aria-hidden="true"
        className="ml-1.5 inline-flex min-w-5 items-center justify-center rounded-full bg-brand-600 px-1.5 text-xs font-semibold text-white"
      >
        {shown}
      </span>
      <span className="sr-only">, {unread} unread</span>
    </>
  );
}
