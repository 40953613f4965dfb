// Small labels of the admin's payment pages (server or client: no state).
import type { PaymentStatus, RefundStatus } from "@/lib/db/generated/enums";

const TONE = {
  good: "bg-emerald-50 text-emerald-900 border-emerald-200",
  waiting: "bg-amber-50 text-amber-900 border-amber-200",
  bad: "bg-red-50 text-red-800 border-red-200",
  quiet: "bg-slate-100 text-slate-700 border-slate-200",
} as const;

export const PAYMENT_STATUS_LABEL: Record<PaymentStatus, string> = {
  OPEN: "Open",
  SUCCEEDED: "Paid",
  FAILED: "Failed",
  EXPIRED: "Expired",
};

const PAYMENT_TONE: Record<PaymentStatus, keyof typeof TONE> = {
  OPEN: "waiting",
  SUCCEEDED: "good",
  FAILED: "bad",
  EXPIRED: "quiet",
};

const REFUND_LABEL: Record<RefundStatus, string> = {
  PENDING: "Pending",
  SUCCEEDED: "Done",
  FAILED: "Failed",
};
const REFUND_TONE: Record<RefundStatus, keyof typeof TONE> = {
  PENDING: "waiting",
  SUCCEEDED: "good",
  FAILED: "bad",
};

function Badge({ tone, children }: { tone: keyof typeof TONE; children: string }) {
  return (
    <span className={`inline-block rounded-full border px-2 py-0.5 text-xs font-medium ${TONE[tone]}`}>
      {children}
    </span>
  );
}

export const PaymentStatusBadge = ({ status }: { status: PaymentStatus }) => (
  <Badge tone={PAYMENT_TONE[status]}>{PAYMENT_STATUS_LABEL[status]}</Badge>
);

export const RefundStatusBadge = ({ status }: { status: RefundStatus }) => (
  <Badge tone={REFUND_TONE[status]}>{REFUND_LABEL[status]}</Badge>
);

/** No money moved: the simulated checkout, or a provider's test keys. */
export function TestModeBadge() {
  return (
    <span
      className="ml-1 inline-block rounded border border-amber-300 bg-amber-100 px-1.5 py-0.5 text-[10px] font-bold tracking-wide text-amber-900"
      title="No money moved: test mode"
    >
      TEST MODE
    </span>
  );
}
