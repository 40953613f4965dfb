import type { Metadata } from "next";
import { RetentionRunsTable } from "@/components/retention/runs-table";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { runRetentionNowAction } from "@/lib/domain/retention/actions";
import { describePeriod, retentionPolicy } from "@/lib/domain/retention/policy";
import { recentRetentionRuns, waitingRetentionSweeps } from "@/lib/domain/retention/runs";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Data retention" };

export default async function RetentionPage() {
  const actor = await requireActor("rights:manage");
  const [runs, waiting, timeZone] = await runAs(actor, () =>
    Promise.all([recentRetentionRuns(actor), waitingRetentionSweeps(actor), accountTimeZone(actor)]),
  );
  const when = (at: Date) => formatDateTime(at, timeZone);
  const policy = retentionPolicy();
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Data retention</h1>
      <p className="text-sm text-slate-700">
        Each day (schedule <code>{getEnv().RETENTION_SCHEDULE}</code>, UTC) the retention job destroys what
        has been kept longer than its period, counted from when it was created. Data of a patient under a
        legal hold is never destroyed while the hold lasts. Every destruction is recorded in the audit log.
      </p>

      <Card title="Policy">
        <dl className="space-y-4 text-sm">
          {policy.map((rule) => (
            <div key={rule.dataType}>
              <dt className="font-semibold text-brand-900">
                {rule.label}: kept {describePeriod(rule.days)} ({rule.days} days)
              </dt>
              <dd className="text-slate-700">
                {rule.explanation} <span className="text-slate-600">Setting: {rule.setting}.</span>
              </dd>
            </div>
          ))}
        </dl>
      </Card>

      <Card title="Runs">
        <div className="mb-4 space-y-3">
          <p className="text-sm text-slate-700" role="status">
            {waiting === 0
              ? "No run is waiting to start."
              : `${waiting === 1 ? "1 run is" : `${waiting} runs are`} waiting for the job worker.`}
          </p>
          <ActionForm action={runRetentionNowAction} fields={[]} submitLabel="Run now" variant="secondary" />
        </div>
        <RetentionRunsTable runs={runs} when={when} />
      </Card>
    </>
  );
}
