import type { Metadata, Route } from "next";
import Link from "next/link";
import { StatusBadge, SeverityBadge } from "@/components/security/badges";
import { DeadlineList } from "@/components/security/deadline-list";
import { DetailRow } from "@/components/admin/detail-row";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { addIncidentEntryAction, setIncidentStatusAction } from "@/lib/domain/security/actions";
import { alertsOfIncident } from "@/lib/domain/security/alerts";
import { STATUS_LABEL, incidentDetail } from "@/lib/domain/security/incidents";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Incident" };

const KIND_LABEL: Record<string, string> = { ASSESSMENT: "Assessment", ACTION: "Action", STATUS: "Status" };

export default async function IncidentPage({ params }: { params: Promise<{ incidentId: string }> }) {
  const actor = await requireActor("security:manage");
  const incidentId = pageIdOr404((await params).incidentId);
  const [incident, alerts, timeZone] = await orNotFound(
    runAs(actor, () =>
      Promise.all([incidentDetail(incidentId), alertsOfIncident(incidentId), accountTimeZone(actor)]),
    ),
  );
  const when = (at: Date) => formatDateTime(at, timeZone);
  const nextStatuses = (["OPEN", "CONTAINED", "CLOSED"] as const).filter(
    (status) => status !== incident.status,
  );
  return (
    <>
      <p className="text-sm">
        <Link href="/admin/security" className="text-brand-700 underline">
          Security
        </Link>
      </p>
      <h1 className="text-2xl font-bold text-brand-900">{incident.title}</h1>
      <Card title="Notification deadlines">
        <p className="mb-3 text-sm text-slate-700">
          Counted from discovery, {when(incident.discoveredAt)}. If the assessment finds a breach of unsecured
          health information or personal data, notify within these limits.
        </p>
        <DeadlineList
          deadlines={incident.deadlines}
          timeZone={timeZone}
          closed={incident.status === "CLOSED"}
        />
      </Card>
      <Card title="Incident">
        <dl className="text-sm">
          <DetailRow label="Status">
            <StatusBadge status={incident.status} />
          </DetailRow>
          <DetailRow label="Opened">
            {when(incident.createdAt)} by {incident.openedByName}
          </DetailRow>
          {incident.closedAt ? <DetailRow label="Closed">{when(incident.closedAt)}</DetailRow> : null}
        </dl>
        {nextStatuses.length ? (
          <div className="mt-4">
            <ActionForm
              action={setIncidentStatusAction}
              hidden={{ incidentId: incident.id }}
              submitLabel="Change the status"
              variant="secondary"
              fields={[
                {
                  name: "status",
                  label: "New status",
                  kind: "select",
                  options: nextStatuses.map((status) => ({ value: status, label: STATUS_LABEL[status] })),
                },
              ]}
            />
          </div>
        ) : null}
      </Card>
      <Card title={`Alerts (${alerts.length})`}>
        {alerts.length === 0 ? (
          <p className="text-sm text-slate-600">No alert is linked.</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {alerts.map((alert) => (
              <li key={alert.id} className="flex flex-wrap items-center gap-2">
                <SeverityBadge severity={alert.severity} />
                <Link
                  href={`/admin/security/alerts/${alert.id}` as Route}
                  className="text-brand-700 underline"
                >
                  {alert.label}
                </Link>
                <span className="text-slate-600">
                  {alert.actorName ?? "Unknown account"}, first seen {when(alert.firstSeenAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Assessment and actions">
        {incident.entries.length ? (
          <ol className="mb-6 space-y-3 text-sm">
            {incident.entries.map((entry) => (
              <li key={entry.id} className="border-t border-slate-100 pt-2">
                <p className="text-xs text-slate-600">
                  {KIND_LABEL[entry.kind] ?? entry.kind} · {when(entry.createdAt)} · {entry.authorName}
                </p>
                <p className="whitespace-pre-wrap">{entry.text}</p>
              </li>
            ))}
          </ol>
        ) : null}
        <ActionForm
          action={addIncidentEntryAction}
          hidden={{ incidentId: incident.id }}
          submitLabel="Add to the record"
          fields={[
            {
              name: "kind",
              label: "Entry",
              kind: "select",
              options: [
                { value: "ASSESSMENT", label: "Assessment" },
                { value: "ACTION", label: "Action taken" },
              ],
            },
            {
              name: "text",
              label: "What was found or done",
              kind: "textarea",
              hint: "Entries are kept as written and cannot be edited. Refer to patients by id, not by name.",
            },
          ]}
        />
      </Card>
    </>
  );
}
