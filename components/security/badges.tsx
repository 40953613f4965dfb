import type { AlertSeverity, AlertStatus, IncidentStatus } from "@/lib/db/generated/enums";

const SEVERITY_STYLE: Record<AlertSeverity, string> = {
  HIGH: "border-red-200 bg-red-50 text-red-900",
  MEDIUM: "border-amber-200 bg-amber-50 text-amber-900",
  LOW: "border-slate-200 bg-slate-100 text-slate-800",
};
const STATUS_LABEL: Record<AlertStatus | IncidentStatus, string> = {
  OPEN: "Open",
  ACKNOWLEDGED: "Acknowledged",
  CONTAINED: "Contained",
  CLOSED: "Closed",
};

const pill = "inline-block rounded-full border px-2 py-0.5 text-xs font-medium";

export function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  return <span className={`${pill} ${SEVERITY_STYLE[severity]}`}>{severity.toLowerCase()}</span>;
}

export function StatusBadge({ status }: { status: AlertStatus | IncidentStatus }) {
  const style =
    status === "OPEN"
      ? "border-brand-200 bg-brand-50 text-brand-900"
      : "border-slate-200 bg-white text-slate-800";
  return <span className={`${pill} ${style}`}>{STATUS_LABEL[status]}</span>;
}
