// Security incidents: opened by an admin (usually from alerts), with the alerts
// that led to it, an append-only record of assessments and actions, and the
// notification deadlines counted from discovery (deadlines.ts).
import "server-only";
import type { z } from "zod";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import type { IncidentStatus } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { assertSecurityAdmin, closeAlerts, describeUsers, lockAlert } from "./alerts";
import { type Deadline, notificationDeadlines } from "./deadlines";
import type { incidentEntrySchema, incidentStatusSchema } from "./schemas";

export interface IncidentSummary {
  id: string;
  title: string;
  status: IncidentStatus;
  discoveredAt: Date;
  alertCount: number;
  deadlines: Deadline[];
}

export interface IncidentEntryView {
  id: string;
  kind: string;
  text: string;
  authorName: string;
  createdAt: Date;
}

export interface IncidentDetail extends IncidentSummary {
  openedByName: string;
  createdAt: Date;
  closedAt: Date | null;
  entries: IncidentEntryView[];
}

export const STATUS_LABEL: Record<IncidentStatus, string> = {
  OPEN: "Open",
  CONTAINED: "Contained",
  CLOSED: "Closed",
};

export async function listIncidents(): Promise<IncidentSummary[]> {
  const incidents = await getDb().incident.findMany({
    select: { id: true, title: true, status: true, discoveredAt: true, _count: { select: { alerts: true } } },
    orderBy: [{ status: "asc" }, { discoveredAt: "desc" }],
    take: 100,
  });
  return incidents.map(({ _count, ...incident }) => ({
    ...incident,
    alertCount: _count.alerts,
    deadlines: notificationDeadlines(incident.discoveredAt),
  }));
}

/**
 * Opens an incident; from an alert, the alert joins it and the discovery time (which starts the
 * notification deadlines) is the alert's first sighting, else now.
 */
export async function openIncident(
  admin: AuthenticatedActor,
  input: { title: string; alertId?: string | undefined },
): Promise<string> {
  await assertSecurityAdmin(admin, "Incident", input.alertId ?? "(new)");
  return transaction(async () => {
    let discoveredAt: Date | undefined;
    if (input.alertId) {
      const alert = await lockAlert(input.alertId);
      if (!alert) return refuseAsNotFound("SecurityAlert", input.alertId);
      if (alert.status === "CLOSED") throw new AppError("CONFLICT", "This alert is closed.");
      if (alert.incidentId) throw new AppError("CONFLICT", "This alert already belongs to an incident.");
      discoveredAt ??= alert.firstSeenAt;
    }
    discoveredAt ??= new Date();
    const incident = await getDb().incident.create({
      data: { title: input.title, discoveredAt, openedById: admin.userId },
      select: { id: true },
    });
    if (input.alertId) {
      await getDb().securityAlert.update({
        where: { id: input.alertId },
        data: {
          incidentId: incident.id,
          status: "ACKNOWLEDGED",
          acknowledgedAt: new Date(),
          acknowledgedById: admin.userId,
        },
      });
    }
    await getDb().incidentEntry.create({
      data: {
        incidentId: incident.id,
        kind: "STATUS",
        text: input.alertId ? "Incident opened from an alert." : "Incident opened.",
        authorId: admin.userId,
      },
    });
    await recordAuditEvent({
      action: "incident.opened",
      resourceType: "Incident",
      resourceId: incident.id,
      details: input.alertId ? { alertId: input.alertId } : {},
    });
    return incident.id;
  });
}

export async function incidentDetail(incidentId: string): Promise<IncidentDetail> {
  const incident = await getDb().incident.findUnique({
    where: { id: incidentId },
    select: {
      id: true,
      title: true,
      status: true,
      discoveredAt: true,
      openedById: true,
      createdAt: true,
      closedAt: true,
      _count: { select: { alerts: true } },
      entries: {
        select: { id: true, kind: true, text: true, authorId: true, createdAt: true },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  if (!incident) return refuseAsNotFound("Incident", incidentId);
  const names = await describeUsers([
    incident.openedById,
    ...incident.entries.map((entry) => entry.authorId),
  ]);
  const nameOf = (id: string) => names.get(id) ?? `User ${id.slice(0, 8)}`;
  await recordAuditEvent({ action: "incident.viewed", resourceType: "Incident", resourceId: incidentId });
  return {
    id: incident.id,
    title: incident.title,
    status: incident.status,
    discoveredAt: incident.discoveredAt,
    createdAt: incident.createdAt,
    closedAt: incident.closedAt,
    alertCount: incident._count.alerts,
    deadlines: notificationDeadlines(incident.discoveredAt),
    openedByName: nameOf(incident.openedById),
    entries: incident.entries.map(({ authorId, ...entry }) => ({ ...entry, authorName: nameOf(authorId) })),
  };
}

export async function addIncidentEntry(
  admin: AuthenticatedActor,
  input: z.infer<typeof incidentEntrySchema>,
): Promise<void> {
  await assertSecurityAdmin(admin, "Incident", input.incidentId);
  await transaction(async () => {
    const incident = await getDb().incident.findUnique({
      where: { id: input.incidentId },
      select: { status: true },
    });
    if (!incident) return refuseAsNotFound("Incident", input.incidentId);
    await getDb().incidentEntry.create({
      data: { incidentId: input.incidentId, kind: input.kind, text: input.text, authorId: admin.userId },
    });
    await recordAuditEvent({
      action: "incident.entry-added",
      resourceType: "Incident",
      resourceId: input.incidentId,
      details: { kind: input.kind },
    });
  });
}

export async function setIncidentStatus(
  admin: AuthenticatedActor,
  input: z.infer<typeof incidentStatusSchema>,
): Promise<void> {
  await assertSecurityAdmin(admin, "Incident", input.incidentId);
  await transaction(async () => {
    const incident = await getDb().incident.findUnique({
      where: { id: input.incidentId },
      select: { status: true },
    });
    if (!incident) return refuseAsNotFound("Incident", input.incidentId);
    if (incident.status === input.status)
      throw new AppError("CONFLICT", `The incident is already ${STATUS_LABEL[input.status].toLowerCase()}.`);
    await getDb().incident.update({
      where: { id: input.incidentId },
      data: { status: input.status, closedAt: input.status === "CLOSED" ? new Date() : null },
    });
    if (input.status === "CLOSED") await closeAlerts({ incidentId: input.incidentId });
    await getDb().incidentEntry.create({
      data: {
        incidentId: input.incidentId,
        kind: "STATUS",
        text: `Status changed from ${STATUS_LABEL[incident.status]} to ${STATUS_LABEL[input.status]}.`,
        authorId: admin.userId,
      },
    });
    await recordAuditEvent({
      action: "incident.status-changed",
      resourceType: "Incident",
      resourceId: input.incidentId,
      details: { from: incident.status, to: input.status },
    });
  });
}

/** Adds an open alert to an existing incident. */
export async function linkAlert(
  admin: AuthenticatedActor,
  incidentId: string,
  alertId: string,
): Promise<void> {
  await assertSecurityAdmin(admin, "Incident", incidentId);
  await transaction(async () => {
    const incident = await getDb().incident.findUnique({
      where: { id: incidentId },
      select: { status: true },
    });
    if (!incident) return refuseAsNotFound("Incident", incidentId);
    if (incident.status === "CLOSED") throw new AppError("CONFLICT", "This incident is closed.");
    const alert = await lockAlert(alertId);
    if (!alert) return refuseAsNotFound("SecurityAlert", alertId);
    if (alert.status === "CLOSED") throw new AppError("CONFLICT", "This alert is closed.");
    if (alert.incidentId) throw new AppError("CONFLICT", "This alert already belongs to an incident.");
    await getDb().securityAlert.update({
      where: { id: alertId },
      data: {
        incidentId,
        status: "ACKNOWLEDGED",
        acknowledgedAt: new Date(),
        acknowledgedById: admin.userId,
      },
    });
    await recordAuditEvent({
      action: "incident.alert-linked",
      resourceType: "Incident",
      resourceId: incidentId,
      details: { alertId },
    });
  });
}
