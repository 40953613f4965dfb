// An audit row's outcome as a small label (server or client: no state).
const STYLE = {
  SUCCESS: "bg-emerald-50 text-emerald-900 border-emerald-200",
  FAILURE: "bg-amber-50 text-amber-900 border-amber-200",
  DENIED: "bg-red-50 text-red-800 border-red-200",
} as const;
const LABEL = { SUCCESS: "Success", FAILURE: "Failure", DENIED: "Denied" } as const;

export function OutcomeBadge({ outcome }: { outcome: keyof typeof STYLE }) {
  return (
    <span className={`inline-block rounded-full border px-2 py-0.5 text-xs font-medium ${STYLE[outcome]}`}>
      {LABEL[outcome]}
    </span>
  );
}
