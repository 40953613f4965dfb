import type { Metadata } from "next";
import { ChartNotes } from "@/components/clinical/chart-notes";
import { ChartVisits } from "@/components/clinical/chart-visits";
import { ChartDocuments } from "@/components/documents/chart-documents";
import { ChartHealthProfile } from "@/components/health-profile/chart-health-profile";
import { ChartPrescriptions } from "@/components/prescriptions/chart-prescriptions";
import { ChartReadings } from "@/components/readings/chart-readings";
import { Alert, Button } from "@/components/ui/form";
import { CoverageStatus } from "@/components/insurance/coverage-status";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { formatTime } from "@/lib/domain/scheduling/format";
import { chartHeaderOf } from "@/lib/domain/clinical/chart";
import { openThreadAction } from "@/lib/domain/messaging/actions";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";
import { type SearchParams, singleParam } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Chart" };

/** One patient's record on one page, for a treating doctor (anyone else: 404, audited). */
export default async function ChartPage({
  params,
  searchParams,
}: {
  params: Promise<{ patientId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const actor = await requireActor("clinical:write");
  const patientId = pageIdOr404((await params).patientId);
  const [chart, timeZone] = await orNotFound(
    runAs(actor, () => Promise.all([chartHeaderOf(actor, patientId), accountTimeZone(actor)])),
  );
  const query = await searchParams;
  const readOnly = chart.access === "emergency";
  return (
    <>
      <header className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold text-brand-900">{chart.fullName}</h1>
          <p className="text-sm text-slate-600">Patient chart</p>
          <CoverageStatus actor={actor} patientId={patientId} />
        </div>
        {readOnly ? null : (
          <form action={openThreadAction}>
            <input type="hidden" name="counterpartId" value={patientId} />
            <Button type="submit" variant="secondary">
              Message this patient
            </Button>
          </form>
        )}
      </header>
      {readOnly && chart.emergencyUntil ? (
        <Alert tone="info">
          Emergency access, read-only, until {formatTime(chart.emergencyUntil, timeZone)}. Your reason was
          recorded, the clinic&apos;s admins were alerted, and they will review this access.
        </Alert>
      ) : null}
      {singleParam(query.prescribed) ? (
        <Alert tone="success">The prescription was signed and issued.</Alert>
      ) : null}
      <nav aria-label="Chart sections" className="flex flex-wrap gap-3 text-sm">
        {[
          ["#profile", "Profile"],
          ["#visits", "Visits"],
          ["#notes", "Notes"],
          ["#prescriptions", "Prescriptions"],
          ["#documents", "Documents"],
          ["#readings-heading", "Readings"],
        ].map(([href, label]) => (
          <a key={href} href={href} className="text-brand-700 underline">
            {label}
          </a>
        ))}
      </nav>
      <ChartHealthProfile actor={actor} patientId={patientId} />
      <ChartVisits visits={chart.visits} doctorId={actor.userId} timeZone={timeZone} />
      <ChartNotes
        actor={actor}
        patientId={patientId}
        visits={chart.visits}
        timeZone={timeZone}
        readOnly={readOnly}
      />
      <ChartPrescriptions actor={actor} patientId={patientId} readOnly={readOnly} />
      <ChartDocuments actor={actor} patientId={patientId} readOnly={readOnly} />
      <ChartReadings actor={actor} patientId={patientId} />
    </>
  );
}
