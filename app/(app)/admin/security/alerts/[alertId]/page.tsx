import type { Metadata, Route } from "next";
import Link from "next/link";
import { SeverityBadge, StatusBadge } from "@/components/security/badges";
import { DetailRow } from "@/components/admin/detail-row";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import {
  acknowledgeAlertAction,
  closeAlertAction,
  linkAlertAction,
  openIncidentAction,
} from "@/lib/domain/security/actions";
import { alertDetail } from "@/lib/domain/security/alerts";
import { listIncidents } from "@/lib/domain/security/incidents";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Security alert" };

const DETAIL_LABEL: Record<string, string> = {
  patients: "Distinct patients read",
  patientIds: "Patients (ids)",
  patientId: "Patient (id)",
  windowMinutes: "Window (minutes)",
  threshold: "Threshold",
  failures: "Failed sign-ins",
  scope: "Counted per",
  address: "Address",
  accountId: "Account (id)",
  exportsInHour: "Exports in the hour",
  rows: "Rows exported",
  exportAction: "Export",
  grantId: "Emergency access (id)",
  localDate: "Local date",
  timeZone: "Working-hours time zone",
  firstSequence: "First audit row",
  sequence: "Audit row",
};

export default async function AlertPage({ params }: { params: Promise<{ alertId: string }> }) {
  const actor = await requireActor("security:manage");
  const alertId = pageIdOr404((await params).alertId);
  const [alert, incidents, timeZone] = await orNotFound(
    runAs(actor, () => Promise.all([alertDetail(alertId), listIncidents(), accountTimeZone(actor)])),
  );
  const when = (at: Date) => formatDateTime(at, timeZone);
  const openIncidents = incidents.filter((incident) => incident.status !== "CLOSED");
  const auditLink = alert.actorId ? (`/admin/audit?actor=${alert.actorId}` as Route) : null;
  return (
    <>
      <p className="text-sm">
        <Link href="/admin/security" className="text-brand-700 underline">
          Security
        </Link>
      </p>
      <h1 className="text-2xl font-bold text-brand-900">{alert.label}</h1>
      <Card title="What the rule saw">
        <dl className="text-sm">
          <DetailRow label="Severity">
            <SeverityBadge severity={alert.severity} />
          </DetailRow>
          <DetailRow label="Status">
            <StatusBadge status={alert.status} />
          </DetailRow>
          <DetailRow label="Who">{alert.actorName ?? "Unknown account"}</DetailRow>
          <DetailRow label="First seen">{when(alert.firstSeenAt)}</DetailRow>
          <DetailRow label="Last seen">{when(alert.lastSeenAt)}</DetailRow>
          <DetailRow label="Matches">{alert.matchCount}</DetailRow>
          {Object.entries(alert.details).map(([key, value]) => (
            <DetailRow key={key} label={DETAIL_LABEL[key] ?? key}>
              {Array.isArray(value) ? (
                <span className="font-mono text-xs">{value.join(", ")}</span>
              ) : (
                String(value)
              )}
            </DetailRow>
          ))}
        </dl>
        {auditLink ? (
          <p className="mt-4 text-sm">
            <Link href={auditLink} className="text-brand-700 underline">
              This user&apos;s actions in the audit log
            </Link>
          </p>
        ) : null}
        {alert.incidentId ? (
          <p className="mt-2 text-sm">
            <Link
              href={`/admin/security/incidents/${alert.incidentId}` as Route}
              className="text-brand-700 underline"
            >
              The incident this alert belongs to
            </Link>
          </p>
        ) : null}
      </Card>
      {alert.status !== "CLOSED" && !alert.incidentId ? (
        <Card title="Respond">
          <div className="space-y-6">
            <ActionForm
              action={openIncidentAction}
              submitLabel="Open an incident from this alert"
              hidden={{ alertId: alert.id }}
              fields={[
                {
                  name: "title",
                  label: "Incident title",
                  defaultValue: alert.label,
                  hint: "Without patient data. The incident's deadlines count from this alert's first sighting.",
                },
              ]}
            />
            {openIncidents.length ? (
              <ActionForm
                action={linkAlertAction}
                submitLabel="Add to the incident"
                variant="secondary"
                hidden={{ alertId: alert.id }}
                fields={[
                  {
                    name: "incidentId",
                    label: "Existing incident",
                    kind: "select",
                    options: openIncidents.map((incident) => ({ value: incident.id, label: incident.title })),
                  },
                ]}
              />
            ) : null}
            <div className="flex flex-wrap gap-3">
              {alert.status === "OPEN" ? (
                <ActionForm
                  action={acknowledgeAlertAction}
                  hidden={{ alertId: alert.id }}
                  fields={[]}
                  submitLabel="Acknowledge"
                  variant="secondary"
                />
              ) : null}
              <ActionForm
                action={closeAlertAction}
                hidden={{ alertId: alert.id }}
                fields={[]}
                submitLabel="Close: no action needed"
                variant="secondary"
              />
            </div>
          </div>
        </Card>
      ) : null}
    </>
  );
}
