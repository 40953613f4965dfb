import type { Metadata, Route } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CoverageStatus } from "@/components/insurance/coverage-status";
import { InsuranceSection } from "@/components/insurance/insurance-section";
import { SlotForm } from "@/components/scheduling/slot-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { offeredPayers } from "@/lib/domain/insurance/payers";
import { describeTimeZone, formatDateTime, formatFee, groupByDay } from "@/lib/domain/scheduling/format";
import { appointmentFor, doctorCard, freeSlotsAhead } from "@/lib/domain/scheduling/queries";
import { type SearchParams, singleParam } from "@/lib/http/search-params";
import { bookVisitAction, rescheduleVisitAction } from "@/lib/domain/scheduling/actions";
import { isUuid, pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Book a visit" };

export default async function DoctorBookingPage({
  params,
  searchParams,
}: {
  params: Promise<{ doctorId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const actor = await requireActor("doctors:browse");
  const { doctorId } = await params;
  pageIdOr404(doctorId);
  const query = await searchParams;
  const week = Math.min(8, Math.max(0, Number(singleParam(query.week, 2) ?? "0") || 0));
  const rescheduleId = singleParam(query.reschedule, 36);

  const view = await runAs(actor, async () => {
    const doctor = await doctorCard(doctorId);
    if (!doctor) return null;
    const moving = rescheduleId && isUuid(rescheduleId) ? await appointmentFor(actor, rescheduleId) : null;
    if (rescheduleId && (!moving || moving.doctor.id !== doctor.id)) return null;
    const slots = await freeSlotsAhead(doctor.id, {
      days: 7,
      offsetDays: week * 7,
      ...(moving ? { exceptAppointmentId: moving.id } : {}),
    });
    return { doctor, moving, slots, timeZone: await accountTimeZone(actor) };
  });
  if (!view) notFound();
  const { doctor, moving, slots, timeZone } = view;
  const pageHref = (w: number) =>
    `/doctors/${doctor.id}?week=${w}${moving ? `&reschedule=${moving.id}` : ""}` as Route;

  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">
        {moving ? "Move your visit with " : "Book a visit with "}
        {doctor.displayName}
      </h1>
      <Card>
        <p className="text-sm text-slate-700">
          {doctor.specialty} · visits of {doctor.visitMinutes} minutes ·{" "}
          {formatFee(doctor.feeMinor, doctor.currency)}
        </p>
        {doctor.bio ? <p className="mt-2 text-sm text-slate-700">{doctor.bio}</p> : null}
        <p className="mt-2 text-xs text-slate-500">
          {doctor.displayName} works in {describeTimeZone(doctor.timeZone)}.
        </p>
        {moving ? (
          <p className="mt-2 text-sm text-slate-800">
            Now booked for <strong>{formatDateTime(moving.startsAt, timeZone)}</strong>. Choose the new time.
          </p>
        ) : null}
      </Card>
      {moving || offeredPayers().length === 0 ? null : (
        <Card title="Insurance">
          <CoverageStatus actor={actor} patientId={actor.userId} />
          <details className="mt-3">
            <summary className="cursor-pointer text-sm font-medium text-brand-700">
              Check your insurance before you book
            </summary>
            <div className="mt-4 space-y-4">
              <InsuranceSection actor={actor} history={0} />
            </div>
          </details>
        </Card>
      )}
      <Card>
        <SlotForm
          action={moving ? rescheduleVisitAction : bookVisitAction}
          hidden={moving ? { appointmentId: moving.id } : { doctorId: doctor.id }}
          days={groupByDay(slots, timeZone)}
          timeZone={timeZone}
          zoneLabel={describeTimeZone(timeZone)}
          withReason={!moving}
          submitLabel={moving ? "Move the visit" : "Book this time"}
          emptyText="No free time this week. Try the next week."
        />
        <nav aria-label="Weeks" className="mt-6 flex justify-between text-sm">
          {week > 0 ? (
            <Link href={pageHref(week - 1)} className="text-brand-700 underline">
              ← Earlier week
            </Link>
          ) : (
            <span />
          )}
          {week < 8 ? (
            <Link href={pageHref(week + 1)} className="text-brand-700 underline">
              Later week →
            </Link>
          ) : null}
        </nav>
      </Card>
    </>
  );
}
