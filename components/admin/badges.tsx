// Small labels of the admin's user and access-review pages (server or client: no state).
import type { AccessDecision, UserStatus } from "@/lib/db/generated/enums";
import { STATUS_LABEL } from "@/lib/domain/accounts/labels";

const TONE = {
  good: "bg-emerald-50 text-emerald-900 border-emerald-200",
  waiting: "bg-amber-50 text-amber-900 border-amber-200",
  bad: "bg-red-50 text-red-800 border-red-200",
  quiet: "bg-slate-100 text-slate-700 border-slate-200",
} as const;

function Badge({ tone, children }: { tone: keyof typeof TONE; children: string }) {
  return (
    <span className={`inline-block rounded-full border px-2 py-0.5 text-xs font-medium ${TONE[tone]}`}>
      {children}
    </span>
  );
}

const ACCOUNT_STATUS_TONE: Record<UserStatus, keyof typeof TONE> = {
  INVITED: "waiting",
  ACTIVE: "good",
  DEACTIVATED: "bad",
  ERASED: "quiet",
};

export function AccountStatusBadge({ status }: { status: UserStatus }) {
  return <Badge tone={ACCOUNT_STATUS_TONE[status]}>{STATUS_LABEL[status]}</Badge>;
}

export function SecondFactorBadge({ on }: { on: boolean }) {
  return <Badge tone={on ? "good" : "waiting"}>{on ? "On" : "Off"}</Badge>;
}

export const DECISION_LABEL: Record<AccessDecision, string> = { KEEP: "Keep", REVOKE: "Revoke" };

export function DecisionBadge({ decision }: { decision: AccessDecision | null }) {
  if (!decision) return <Badge tone="waiting">Not decided</Badge>;
  return <Badge tone={decision === "KEEP" ? "good" : "bad"}>{DECISION_LABEL[decision]}</Badge>;
}
