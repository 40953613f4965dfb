import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { OutcomeBadge } from "@/components/audit/outcome-badge";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { auditEventForAdmin, roleLabel } from "@/lib/domain/audit-viewer/queries";
import { auditListHref } from "@/lib/domain/audit-viewer/schemas";
import { describeTimeZone, formatDateTime } from "@/lib/domain/scheduling/format";
import { orNotFound } from "@/lib/http/not-found";

export const metadata: Metadata = { title: "Audit entry" };

const VERDICT: Record<string, string> = {
  ok: "written by Haven (its row MAC verifies)",
  legacy: "from before the sealer (on the old hash chain)",
  forged: "NOT written by Haven: no valid row MAC",
  replayed: "a copy of another entry (replayed)",
};

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-2 py-1">
      <dt className="text-slate-600">{label}</dt>
      <dd className="col-span-2 break-all">{children}</dd>
    </div>
  );
}

const none = <span className="text-slate-500">–</span>;

export default async function AdminAuditEntryPage({ params }: { params: Promise<{ sequence: string }> }) {
  const actor = await requireActor("audit:review");
  const { sequence } = await params;
  const { entry, timeZone } = await orNotFound(
    runAs(actor, async () => ({
      entry: await auditEventForAdmin(actor, sequence.slice(0, 40)),
      timeZone: await accountTimeZone(actor),
    })),
  );
  const filterLink = (label: string, query: Parameters<typeof auditListHref>[0]) => (
    <Link href={auditListHref(query)} className="font-mono text-brand-800 underline">
      {label}
    </Link>
  );

  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Audit entry #{entry.sequence.toString()}</h1>
      <p className="text-sm">
        <Link href="/admin/audit" className="text-brand-700 underline">
          Back to the audit log
        </Link>
      </p>
      <Card title="What happened">
        <dl className="text-sm">
          <Row label="Time">
            {formatDateTime(entry.occurredAt, timeZone)} ({describeTimeZone(timeZone)});{" "}
            <span className="font-mono text-xs">{entry.occurredAt.toISOString()}</span>
          </Row>
          <Row label="Action">{filterLink(entry.action, { action: entry.action })}</Row>
          <Row label="Outcome">
            <OutcomeBadge outcome={entry.outcome} />
          </Row>
          <Row label="Actor">
            {entry.actorLabel}
            {entry.actorId ? <> ({filterLink(entry.actorId, { actor: entry.actorId })})</> : null}
          </Row>
          <Row label="Actor role">{roleLabel(entry.actorRole)}</Row>
          <Row label="Resource type">{entry.resourceType}</Row>
          <Row label="Resource id">
            {entry.resourceId ? <span className="font-mono">{entry.resourceId}</span> : none}
          </Row>
          <Row label="Patient (subject)">
            {entry.subjectId ? filterLink(entry.subjectId, { subject: entry.subjectId }) : none}
          </Row>
          <Row label="Event id">
            <span className="font-mono">{entry.eventId}</span>
          </Row>
          <Row label="Request id">
            {entry.requestId ? <span className="font-mono">{entry.requestId}</span> : none}
          </Row>
          <Row label="IP address">{entry.ip ? <span className="font-mono">{entry.ip}</span> : none}</Row>
          <Row label="Browser (user agent)">{entry.userAgent ?? none}</Row>
          <Row label="Details">
            {entry.details === null || entry.details === undefined ? (
              none
            ) : (
              <pre className="overflow-x-auto rounded bg-slate-50 p-2 font-mono text-xs whitespace-pre-wrap">
                {JSON.stringify(entry.details, null, 2)}
              </pre>
            )}
          </Row>
        </dl>
      </Card>
      <Card title="Seal">
        {entry.seal ? (
          <dl className="text-sm">
            <Row label="Sealed">Yes, seal {entry.seal.sealSequence.toString()}</Row>
            <Row label="Sealed at">{formatDateTime(entry.seal.sealedAt, timeZone)}</Row>
            <Row label="Verdict">
              <span className="font-medium">{entry.seal.verdict}</span>:{" "}
              {VERDICT[entry.seal.verdict] ?? "unknown"}
            </Row>
          </dl>
        ) : (
          <p className="text-sm text-slate-700">
            Not sealed yet: the sealer chains committed entries within seconds.{" "}
            {entry.hasRowMac ? "" : "It carries no row MAC."}
          </p>
        )}
        <p className="mt-3 text-xs text-slate-500">
          The verdict is what the sealer recorded; &quot;Verify integrity&quot; on the audit log checks the
          whole chain again.
        </p>
      </Card>
    </>
  );
}
