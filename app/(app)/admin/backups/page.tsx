import type { Metadata } from "next";
import { BackupsTable, DrillsTable } from "@/components/backups/backups-tables";
import { Alert, Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { backupsOverview } from "@/lib/domain/backups/queries";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Backups" };

export default async function BackupsPage() {
  const actor = await requireActor("backups:manage");
  const [overview, timeZone] = await runAs(actor, () =>
    Promise.all([backupsOverview(actor), accountTimeZone(actor)]),
  );
  const when = (at: Date) => formatDateTime(at, timeZone);
  const env = getEnv();
  const last = overview.drills.find((drill) => drill.outcome !== "RUNNING");
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Backups</h1>
      {overview.warning ? <Alert>{overview.warning}</Alert> : null}
      <p className="text-sm text-slate-700">
        Backups are encrypted with their own key.{" "}
        {env.BACKUP_SCHEDULE === "off" ? (
          <>
            Scheduled backups are off here (<code>BACKUP_SCHEDULE=off</code>); run <code>npm run backup</code>
            .
          </>
        ) : (
          <>
            They are written on the schedule <code>{env.BACKUP_SCHEDULE}</code> (cron, UTC).
          </>
        )}{" "}
        The restore drill restores the newest backup into a scratch database and checks it:{" "}
        {env.BACKUP_DRILL_SCHEDULE === "off" ? (
          <>
            not scheduled here; run <code>npm run backup:drill</code>.
          </>
        ) : (
          <>
            on the schedule <code>{env.BACKUP_DRILL_SCHEDULE}</code> (cron, UTC), or with{" "}
            <code>npm run backup:drill</code>.
          </>
        )}
      </p>
      <Card title="Restore drills">
        <p className="mb-4 text-sm text-slate-700" role="status">
          {last
            ? `Last drill: ${last.outcome === "PASSED" ? "passed" : "FAILED"} on ${when(last.startedAt)}.`
            : "No drill has finished yet."}
        </p>
        <DrillsTable drills={overview.drills} when={when} />
      </Card>
      <Card title="Backups">
        <BackupsTable backups={overview.backups} when={when} />
      </Card>
    </>
  );
}
