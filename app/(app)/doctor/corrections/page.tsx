import type { Metadata, Route } from "next";
import Link from "next/link";
import { DaysLeft, RequestStatusBadge } from "@/components/patient-rights/request-badges";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { type CorrectionSummary, correctionsOfDoctor } from "@/lib/domain/patient-rights/corrections";
import { TARGET_LABEL } from "@/lib/domain/patient-rights/schemas";
import { formatDateTime } from "@/lib/domain/scheduling/format";

export const metadata: Metadata = { title: "Corrections" };

function CorrectionTable({
  rows,
  when,
  caption,
  closed,
}: {
  rows: CorrectionSummary[];
  when: (at: Date) => string;
  caption: string;
  closed: boolean;
}) {
  return (
    <table className="w-full text-left text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="text-slate-600">
        <tr>
          <th scope="col" className="py-2">
            Patient
          </th>
          <th scope="col">About</th>
          <th scope="col">Received</th>
          <th scope="col">{closed ? "Answered" : "Due"}</th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} className="border-t border-slate-100">
            <td className="py-2 pr-3">
              <Link
                href={`/doctor/corrections/${row.id}` as Route}
                className="text-brand-700 underline"
                aria-label={`Correction for ${row.patientName}, received ${when(row.receivedAt)}`}
              >
                {row.patientName}
              </Link>
            </td>
            <td className="pr-3">{row.targetType ? TARGET_LABEL[row.targetType] : "—"}</td>
            <td className="pr-3">{when(row.receivedAt)}</td>
            <td className="pr-3">
              {closed ? (
                row.completedAt ? (
                  when(row.completedAt)
                ) : (
                  "—"
                )
              ) : (
                <>
                  {when(row.dueAt)}
                  <br />
                  <DaysLeft dueAt={row.dueAt} closed={false} />
                </>
              )}
            </td>
            <td>
              <RequestStatusBadge status={row.status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function DoctorCorrectionsPage() {
  const actor = await requireActor("rights:answer-corrections");
  const [{ open, answered }, timeZone] = await runAs(actor, () =>
    Promise.all([correctionsOfDoctor(actor), accountTimeZone(actor)]),
  );
  const when = (at: Date) => formatDateTime(at, timeZone);
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Corrections</h1>
      <p className="text-sm text-slate-700">
        Patients ask for corrections of records you wrote, or of their record when you treat them. Answer each
        within its deadline: correct the record (a signed note gets an amendment), or decline and say why. The
        patient reads your answer.
      </p>
      <Card title={`Waiting for your answer (${open.length})`}>
        {open.length ? (
          <CorrectionTable
            rows={open}
            when={when}
            caption="Corrections waiting for your answer"
            closed={false}
          />
        ) : (
          <p className="text-sm text-slate-600">Nothing is waiting for you.</p>
        )}
      </Card>
      {answered.length ? (
        <Card title="Recently answered">
          <CorrectionTable rows={answered} when={when} caption="Corrections you answered recently" closed />
        </Card>
      ) : null}
    </>
  );
}
