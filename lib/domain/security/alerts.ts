// Security alerts as admins see them, and what they do with one. Alerts hold ids
// and counts only; names shown are doctors' public display names.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import type { AlertSeverity, AlertStatus } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { RULE_LABEL, RULES, type Rule } from "./rules";

export interface AlertView {
  id: string;
  rule: Rule;
  label: string;
  severity: AlertSeverity;
  status: AlertStatus;
  actorId: string | null;
  actorName: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  matchCount: number;
  incidentId: string | null;
  details: Record<string, unknown>;
}

const asRule = (rule: string): Rule =>
  (RULES as readonly string[]).includes(rule) ? (rule as Rule) : "bulk-export";

/** Who an alert is about, as an admin can recognise them: a doctor's display name, else the role. */
export async function describeUsers(ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const users = await getDb().user.findMany({
    where: { id: { in: wanted } },
    select: { id: true, role: true, doctorProfile: { select: { displayName: true } } },
  });
  return new Map(
    users.map((user) => [
      user.id,
      user.doctorProfile?.displayName ??
        `${user.role === "ADMIN" ? "Admin" : user.role === "DOCTOR" ? "Doctor" : "Patient"} ${user.id.slice(0, 8)}`,
    ]),
  );
}

const ALERT_SELECT = {
  id: true,
  rule: true,
  severity: true,
  status: true,
  actorId: true,
  firstSeenAt: true,
  lastSeenAt: true,
  matchCount: true,
  incidentId: true,
  details: true,
} as const;

type AlertRow = {
  id: string;
  rule: string;
  severity: AlertSeverity;
  status: AlertStatus;
  actorId: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  matchCount: number;
  incidentId: string | null;
  details: unknown;
};

async function toViews(rows: readonly AlertRow[]): Promise<AlertView[]> {
  const names = await describeUsers(rows.map((row) => row.actorId));
  return rows.map((row) => ({
    ...row,
    rule: asRule(row.rule),
    label: RULE_LABEL[asRule(row.rule)],
    actorName: row.actorId ? (names.get(row.actorId) ?? `User ${row.actorId.slice(0, 8)}`) : null,
    details: (row.details ?? {}) as Record<string, unknown>,
  }));
}

/** Open and acknowledged alerts first (newest first), then the latest closed ones. */
export async function listAlerts(): Promise<AlertView[]> {
  const [active, closed] = await Promise.all([
    getDb().securityAlert.findMany({
      where: { status: { in: ["OPEN", "ACKNOWLEDGED"] } },
      select: ALERT_SELECT,
      orderBy: { lastSeenAt: "desc" },
      take: 200,
    }),
    getDb().securityAlert.findMany({
      where: { status: "CLOSED" },
      select: ALERT_SELECT,
      orderBy: { lastSeenAt: "desc" },
      take: 20,
    }),
  ]);
  return toViews([...active, ...closed]);
}

export async function alertsOfIncident(incidentId: string): Promise<AlertView[]> {
  return toViews(
    await getDb().securityAlert.findMany({
      where: { incidentId },
      select: ALERT_SELECT,
      orderBy: { firstSeenAt: "asc" },
    }),
  );
}

export async function alertDetail(alertId: string): Promise<AlertView> {
  const row = await getDb().securityAlert.findUnique({ where: { id: alertId }, select: ALERT_SELECT });
  if (!row) return refuseAsNotFound("SecurityAlert", alertId);
  const [view] = await toViews([row]);
  await recordAuditEvent({
    action: "security.alert.viewed",
    resourceType: "SecurityAlert",
    resourceId: alertId,
  });
  return view!;
}

/** Acknowledged (someone is on it) or closed (no action needed); both audited. */
export async function setAlertStatus(
  admin: AuthenticatedActor,
  alertId: string,
  status: "ACKNOWLEDGED" | "CLOSED",
): Promise<void> {
  await transaction(async () => {
    const alert = await getDb().securityAlert.findUnique({
      where: { id: alertId },
      select: { status: true },
    });
    if (!alert) return refuseAsNotFound("SecurityAlert", alertId);
    if (alert.status === "CLOSED") throw new AppError("CONFLICT", "This alert is already closed.");
    await getDb().securityAlert.update({
      where: { id: alertId },
      data: { status, acknowledgedAt: new Date(), acknowledgedById: admin.userId },
    });
    await recordAuditEvent({
      action: status === "CLOSED" ? "security.alert.closed" : "security.alert.acknowledged",
      resourceType: "SecurityAlert",
      resourceId: alertId,
    });
  });
}

/** The count on the admin home and navigation. */
export function openAlertCount(): Promise<number> {
  return getDb().securityAlert.count({ where: { status: "OPEN" } });
}
