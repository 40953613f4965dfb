import type { Metadata, Route } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { VisitDetails } from "@/components/scheduling/visit-details";
import { VideoRoomLink } from "@/components/video/room-link";
import { ActionForm } from "@/components/ui/action-form";
import { Alert, Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { cancelVisitAction, progressVisitAction } from "@/lib/domain/scheduling/actions";
import { appointmentFor } from "@/lib/domain/scheduling/queries";
import { isActive } from "@/lib/domain/scheduling/states";
import { type SearchParams, singleParam } from "@/lib/http/search-params";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Visit" };

export default async function DoctorVisitPage({
  params,
  searchParams,
}: {
  params: Promise<{ appointmentId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const actor = await requireActor("schedule:manage-own");
  const { appointmentId } = await params;
  pageIdOr404(appointmentId);
  const [visit, timeZone] = await runAs(actor, () =>
    Promise.all([appointmentFor(actor, appointmentId), accountTimeZone(actor)]),
  );
  if (!visit?.patient) notFound();
  const query = await searchParams;
  const moved = singleParam(query.moved);
  const cancelled = singleParam(query.cancelled);
  const progress = (step: "start" | "complete" | "no-show", label: string) => (
    <ActionForm
      key={step}
      action={progressVisitAction}
      hidden={{ appointmentId: visit.id, step }}
      fields={[]}
      submitLabel={label}
      variant="secondary"
    />
  );
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Visit with {visit.patient.fullName}</h1>
      {cancelled && visit.status === "CANCELLED" ? (
        <Alert tone="success">The visit is cancelled and the time is free again; the patient was told.</Alert>
      ) : null}
      {moved ? <Alert tone="success">The visit was moved; the patient was told.</Alert> : null}
      <Card>
        <VisitDetails
          visit={visit}
          timeZone={timeZone}
          otherZone={visit.patient.timeZone}
          otherLabel="the patient"
        />
        <div className="mt-6 flex flex-wrap gap-3">
          <VideoRoomLink visit={visit} basePath="/doctor/visits" label="Open the video room" />
          {visit.confirmedAt && visit.patient ? (
            <Link
              href={`/doctor/patients/${visit.patient.id}` as Route}
              className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
            >
              Open the chart
            </Link>
          ) : null}
          {visit.status === "CONFIRMED" ? progress("start", "Start the visit") : null}
          {visit.status === "IN_PROGRESS" ? progress("complete", "Complete the visit") : null}
          {visit.status === "CONFIRMED" && visit.startsAt <= new Date()
            ? progress("no-show", "The patient did not come")
            : null}
          {isActive(visit.status) && visit.status !== "IN_PROGRESS" ? (
            <Link
              href={`/doctor/visits/${visit.id}/reschedule` as Route}
              className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
            >
              Move to another time
            </Link>
          ) : null}
        </div>
      </Card>
      {isActive(visit.status) && visit.status !== "IN_PROGRESS" ? (
        <Card title="Cancel this visit">
          <ActionForm
            action={cancelVisitAction}
            hidden={{ appointmentId: visit.id }}
            submitLabel="Cancel the visit"
            variant="danger"
            fields={[
              {
                name: "reason",
                label: "Why do you cancel?",
                kind: "textarea",
                hint: "The patient sees this.",
              },
            ]}
          />
        </Card>
      ) : null}
      <p className="text-sm">
        <Link href="/doctor" className="text-brand-700 underline">
          Back to the schedule
        </Link>
      </p>
    </>
  );
}
