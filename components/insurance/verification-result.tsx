import { formatMoney } from "@/lib/domain/payments/money";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { COVERAGE_STATUS_LABEL, type VerificationView } from "@/lib/domain/insurance/schemas";

const TONE = {
  ACTIVE: "border-emerald-200 bg-emerald-50 text-emerald-900",
  INACTIVE: "border-amber-200 bg-amber-50 text-amber-900",
  NOT_FOUND: "border-amber-200 bg-amber-50 text-amber-900",
  PAYER_ERROR: "border-slate-200 bg-slate-50 text-slate-800",
} as const;

/** "2026-06-30" → "30 Jun 2026" (a calendar date: no time zone applies). */
export function formatCalendarDate(value: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(`${value}T00:00:00Z`));
}

/** One check as the patient sees it: status, plan, cost share, and the reference to quote. */
export function VerificationResult({
  check,
  timeZone,
  live = false,
}: {
  check: VerificationView;
  /** The viewer's zone, for when the check was made. */
  timeZone: string;
  live?: boolean;
}) {
  return (
    <div
      className={`rounded-md border px-4 py-3 text-sm ${TONE[check.status]}`}
      data-testid="insurance-result"
      {...(live ? { role: "status" } : {})}
    >
      <p className="font-semibold">
        {COVERAGE_STATUS_LABEL[check.status]}
        {check.planName ? ` · ${check.planName}` : ""}
      </p>
      <p>
        {check.payerName}, member id ending {check.memberIdEnding}
      </p>
      {check.copay ? (
        <p>
          Copay per visit: <strong>{formatMoney(check.copay.amountMinor, check.copay.currency)}</strong>
        </p>
      ) : null}
      {check.coinsurancePercent !== null ? (
        <p>
          Coinsurance: <strong>{check.coinsurancePercent} %</strong> after the deductible
        </p>
      ) : null}
      {check.coverageStart || check.coverageEnd ? (
        <p>
          Covered
          {check.coverageStart ? ` from ${formatCalendarDate(check.coverageStart)}` : ""}
          {check.coverageEnd ? ` until ${formatCalendarDate(check.coverageEnd)}` : ""}
        </p>
      ) : null}
      {check.message ? <p>{check.message}</p> : null}
      <p className="mt-1 text-xs">
        Reference {check.referenceNumber} · checked {formatDateTime(new Date(check.checkedAt), timeZone)}
      </p>
    </div>
  );
}
