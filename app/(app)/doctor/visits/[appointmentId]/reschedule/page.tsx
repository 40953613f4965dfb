import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SlotForm } from "@/components/scheduling/slot-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { rescheduleVisitAction } from "@/lib/domain/scheduling/actions";
import { describeTimeZone, formatDateTime, groupByDay } from "@/lib/domain/scheduling/format";
import { appointmentFor, freeSlotsAhead } from "@/lib/domain/scheduling/queries";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Move a visit" };

export default async function DoctorReschedulePage({
  params,
}: {
  params: Promise<{ appointmentId: string }>;
}) {
  const actor = await requireActor("schedule:manage-own");
  const { appointmentId } = await params;
  pageIdOr404(appointmentId);
  const data = await runAs(actor, async () => {
    const visit = await appointmentFor(actor, appointmentId);
    if (!visit) return null;
    const slots = await freeSlotsAhead(actor.userId, { days: 14, exceptAppointmentId: visit.id });
    return { visit, slots, timeZone: await accountTimeZone(actor) };
  });
  if (!data?.visit.patient) notFound();
  const { visit, slots, timeZone } = data;
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Move the visit with {visit.patient?.fullName}</h1>
      <Card>
        <p className="mb-4 text-sm text-slate-700">
          Now: <strong>{formatDateTime(visit.startsAt, timeZone)}</strong>. Your free times in the next two
          weeks:
        </p>
        <SlotForm
          action={rescheduleVisitAction}
          hidden={{ appointmentId: visit.id }}
          days={groupByDay(slots, timeZone)}
          timeZone={timeZone}
          zoneLabel={describeTimeZone(timeZone)}
          withReason={false}
          submitLabel="Move the visit"
          emptyText="No free time in the next two weeks: add hours on the availability page."
        />
      </Card>
    </>
  );
}
