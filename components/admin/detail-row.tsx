import type { ReactNode } from "react";

/** One label and value of a definition list on an admin detail page. */
export function DetailRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-2 py-1">
      <dt className="text-slate-600">{label}</dt>
      <dd className="col-span-2 break-words">{children}</dd>
    </div>
  );
}
