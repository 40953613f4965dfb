// The doctor's dashboard: patients who pressed the emergency button and whom no
// treating doctor has marked as seen yet. Shows nothing when there are none.
import type { Route } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { type AuthenticatedActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { acknowledgeEmergencyAction } from "@/lib/domain/emergency/actions";
import { openAlertsForDoctor } from "@/lib/domain/emergency/queries";
import { formatDateTime } from "@/lib/domain/scheduling/format";

export async function DoctorEmergencyAlerts({ actor }: { actor: AuthenticatedActor }) {
  const [alerts, timeZone] = await runAs(actor, () =>
    Promise.all([openAlertsForDoctor(actor), accountTimeZone(actor)]),
  );
  if (alerts.length === 0) return null;
  return (
    <section
      aria-labelledby="emergency-alerts-heading"
      className="rounded-lg border-2 border-red-300 bg-red-50 p-6"
    >
      <h2 id="emergency-alerts-heading" className="mb-3 text-lg font-semibold text-red-900">
        Emergency button pressed
      </h2>
      <ul className="divide-y divide-red-200">
        {alerts.map((alert) => (
          <li key={alert.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
            <p className="text-sm text-red-950">
              <Link
                href={`/doctor/patients/${alert.patientId}` as Route}
                className="font-semibold text-red-900 underline"
              >
                {alert.patientName}
              </Link>{" "}
              pressed the emergency button at {formatDateTime(alert.createdAt, timeZone)}.
            </p>
            <ActionForm
              action={acknowledgeEmergencyAction}
              hidden={{ eventId: alert.id }}
              fields={[]}
              submitLabel="Acknowledge"
              submitAccessibleName={`Acknowledge ${alert.patientName}'s emergency`}
              variant="secondary"
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
