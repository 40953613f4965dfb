import type { Metadata, Route } from "next";
import Link from "next/link";
import { DeadlineList } from "@/components/security/deadline-list";
import { SeverityBadge, StatusBadge } from "@/components/security/badges";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { openIncidentAction } from "@/lib/domain/security/actions";
import { listAlerts } from "@/lib/domain/security/alerts";
import { pendingGrants } from "@/lib/domain/security/break-glass";
import { listIncidents } from "@/lib/domain/security/incidents";

export const metadata: Metadata = { title: "Security" };

export default async function SecurityPage() {
  const actor = await requireActor("security:manage");
  const [alerts, grants, incidents, timeZone] = await runAs(actor, () =>
    Promise.all([listAlerts(), pendingGrants(), listIncidents(), accountTimeZone(actor)]),
  );
  const when = (at: Date) => formatDateTime(at, timeZone);
  const open = alerts.filter((alert) => alert.status !== "CLOSED");
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Security</h1>
      <p className="text-sm text-slate-700">
        Alerts come from rules evaluated on the sealed audit log within seconds: repeated failed sign-ins, one
        user reading many patients&apos; records, records read outside working hours, bulk exports and
        emergency access. Admins are emailed when one is raised.
      </p>

      <Card title={`Alerts (${open.length} not closed)`}>
        {alerts.length === 0 ? (
          <p className="text-sm text-slate-600">No alerts.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-slate-600">
              <tr>
                <th className="py-2">Alert</th>
                <th>Severity</th>
                <th>Who</th>
                <th>Last seen</th>
                <th>Matches</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((alert) => (
                <tr key={alert.id} className="border-t border-slate-100">
                  <td className="py-2">
                    <Link
                      href={`/admin/security/alerts/${alert.id}` as Route}
                      className="text-brand-700 underline"
                    >
                      {alert.label}
                    </Link>
                  </td>
                  <td>
                    <SeverityBadge severity={alert.severity} />
                  </td>
                  <td>{alert.actorName ?? "Unknown account"}</td>
                  <td>{when(alert.lastSeenAt)}</td>
                  <td>{alert.matchCount}</td>
                  <td>
                    <StatusBadge status={alert.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <Card title={`Emergency access awaiting review (${grants.length})`}>
        {grants.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing to review.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-slate-600">
              <tr>
                <th className="py-2">Doctor</th>
                <th>Granted</th>
                <th>Until</th>
                <th>
                  <span className="sr-only">Review</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {grants.map((grant) => (
                <tr key={grant.id} className="border-t border-slate-100">
                  <td className="py-2">{grant.doctorName}</td>
                  <td>{when(grant.grantedAt)}</td>
                  <td>{when(grant.expiresAt)}</td>
                  <td className="text-right">
                    <Link
                      href={`/admin/security/break-glass/${grant.id}` as Route}
                      className="text-brand-700 underline"
                      aria-label={`Review the emergency access by ${grant.doctorName} at ${when(grant.grantedAt)}`}
                    >
                      Review
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>

      <Card title="Incidents">
        {incidents.length === 0 ? (
          <p className="mb-4 text-sm text-slate-600">No incidents.</p>
        ) : (
          <ul className="mb-6 space-y-4">
            {incidents.map((incident) => (
              <li key={incident.id} className="border-t border-slate-100 pt-3">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <Link
                    href={`/admin/security/incidents/${incident.id}` as Route}
                    className="font-medium text-brand-700 underline"
                  >
                    {incident.title}
                  </Link>
                  <StatusBadge status={incident.status} />
                </div>
                <p className="text-xs text-slate-600">
                  Discovered {when(incident.discoveredAt)} · {incident.alertCount} alert(s)
                </p>
                <DeadlineList
                  deadlines={incident.deadlines}
                  timeZone={timeZone}
                  closed={incident.status === "CLOSED"}
                />
              </li>
            ))}
          </ul>
        )}
        <h3 className="mb-2 font-semibold text-slate-900">Open an incident without an alert</h3>
        <ActionForm
          action={openIncidentAction}
          submitLabel="Open the incident"
          variant="secondary"
          fields={[
            {
              name: "title",
              label: "Incident title",
              hint: "Describe the event without patient data, e.g. “Lost laptop of a front-desk account”.",
            },
          ]}
        />
      </Card>
    </>
  );
}
