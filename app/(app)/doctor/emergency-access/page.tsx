import type { Metadata, Route } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { breakGlassAction } from "@/lib/domain/security/actions";
import { grantsOfDoctor } from "@/lib/domain/security/break-glass";
import { BREAK_GLASS_HOURS } from "@/lib/domain/security/schemas";

export const metadata: Metadata = { title: "Emergency access" };

/** Break-glass: a chart without a visit, for one hour, only with a stated reason. */
export default async function EmergencyAccessPage() {
  const actor = await requireActor("clinical:break-glass");
  const [grants, timeZone] = await runAs(actor, () =>
    Promise.all([grantsOfDoctor(actor), accountTimeZone(actor)]),
  );
  const now = new Date();
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Emergency access to a chart</h1>
      <Card title="Open a chart without a visit">
        <div className="mb-4 space-y-2 text-sm text-slate-700">
          <p>
            Use this only when a patient you have no visit with needs care now and their record matters to it.
            Access is read-only and ends after {BREAK_GLASS_HOURS} hour.
          </p>
          <p>
            Your reason is kept in the patient&apos;s record, the clinic&apos;s admins are alerted at once,
            and an admin reviews every emergency access.
          </p>
        </div>
        <ActionForm
          action={breakGlassAction}
          submitLabel="Open the chart (emergency)"
          variant="danger"
          fields={[
            { name: "patientEmail", label: "Patient's email", type: "email", autoComplete: "off" },
            {
              name: "reason",
              label: "Reason for emergency access",
              kind: "textarea",
              hint: "At least 20 characters: what is happening and why you need the record now.",
            },
          ]}
        />
      </Card>
      <Card title="Your emergency access in the last 30 days">
        {grants.length === 0 ? (
          <p className="text-sm text-slate-600">None.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-slate-600">
              <tr>
                <th className="py-2">Granted</th>
                <th>Until</th>
                <th>Review</th>
                <th>
                  <span className="sr-only">Chart</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {grants.map((grant) => (
                <tr key={grant.id} className="border-t border-slate-100">
                  <td className="py-2">{formatDateTime(grant.grantedAt, timeZone)}</td>
                  <td>{formatDateTime(grant.expiresAt, timeZone)}</td>
                  <td>{grant.reviewed ? "Reviewed" : "Awaiting review"}</td>
                  <td className="text-right">
                    {grant.expiresAt > now ? (
                      <Link
                        href={`/doctor/patients/${grant.patientId}` as Route}
                        className="text-brand-700 underline"
                      >
                        Open the chart
                      </Link>
                    ) : (
                      <span className="text-slate-600">Ended</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
