// Security alerts as admins see them, and what they do with one. Alerts hold ids
// and counts only; names shown are doctors' public display names.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction, transactionClient } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
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

/** An alert's row, locked for the rest of the transaction (two admins acting at once go one after the other). */
export async function lockAlert(
  alertId: string,
): Promise<{ status: AlertStatus; incidentId: string | null; firstSeenAt: Date } | undefined> {
  const [row] = await transactionClient().$queryRaw<
    { status: AlertStatus; incident_id: string | null; first_seen_at: Date }[]
  >`
    SELECT status, incident_id::text AS incident_id, first_seen_at FROM security_alerts
     WHERE id = ${alertId}::uuid FOR UPDATE`;
  return row && { status: row.status, incidentId: row.incident_id, firstSeenAt: row.first_seen_at };
}

/**
 * Closes alerts (one, or an incident's): a closed alert gives up its dedupe key, so the same rule
 * matching again in the same hour raises a new alert instead of counting on a closed one.
 */
export async function closeAlerts(where: { alertId: string } | { incidentId: string }): Promise<void> {
  const filter =
    "alertId" in where
      ? Prisma.sql`id = ${where.alertId}::uuid`
      : Prisma.sql`incident_id = ${where.incidentId}::uuid`;
  await transactionClient().$executeRaw`
    UPDATE security_alerts SET status = 'CLOSED', dedupe_key = dedupe_key || '#closed:' || id::text
     WHERE ${filter} AND status <> 'CLOSED'`;
}

/** Acknowledged (someone is on it) or closed (no action needed); both audited. */
export async function setAlertStatus(
  admin: AuthenticatedActor,
  alertId: string,
  status: "ACKNOWLEDGED" | "CLOSED",
): Promise<void> {
  await assertSecurityAdmin(admin, "SecurityAlert", alertId);
  await transaction(async () => {
    const alert = await lockAlert(alertId);
    if (!alert) return refuseAsNotFound("SecurityAlert", alertId);
    if (alert.status === "CLOSED") throw new AppError("CONFLICT", "This alert is already closed.");
    if (status === "CLOSED") await closeAlerts({ alertId });
    await getDb().securityAlert.update({
      where: { id: alertId },
      data: {
        ...(status === "ACKNOWLEDGED" ? { status } : {}),
        acknowledgedAt: new Date(),
        acknowledgedById: admin.userId,
      },
    });
    await recordAuditEvent({
      action: status === "CLOSED" ? "security.alert.closed" : "security.alert.acknowledged",
      resourceType: "SecurityAlert",
      resourceId: alertId,
    });
  });
}

/** Services check the caller too, not only the pages (a refusal is the audited 404). */
export async function assertSecurityAdmin(
  actor: AuthenticatedActor,
  resourceType: string,
  resourceId: string,
): Promise<void> {
  if (actor.role !== "ADMIN") await refuseAsNotFound(resourceType, resourceId);
}

/** The count on the admin home and navigation. */
export function openAlertCount(): Promise<number> {
  return getDb().securityAlert.count({ where: { status: "OPEN" } });
}
