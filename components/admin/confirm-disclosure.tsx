// A second step before an irreversible action, without JavaScript: the first
// button only opens a panel that says what will happen and holds the real form.
import type { ReactNode } from "react";

export function ConfirmDisclosure({
  label,
  accessibleLabel,
  children,
}: {
  /** What the first button says ("Deactivate…"). */
  label: string;
  /** A fuller name when several are on one page ("Revoke access of Dr. Okafor…"). */
  accessibleLabel?: string;
  children: ReactNode;
}) {
  return (
    <details className="group">
      <summary
        className="inline-flex cursor-pointer list-none items-center rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm font-semibold text-red-800 hover:bg-red-50"
        aria-label={accessibleLabel}
      >
        {label}
      </summary>
      <div className="mt-2 space-y-2 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
        {children}
      </div>
    </details>
  );
}
