import type { Metadata, Route } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { NoteBody } from "@/components/clinical/note-view";
import { type CheckoutReturn, VisitPaymentPanel } from "@/components/payments/visit-payment";
import { VisitDetails } from "@/components/scheduling/visit-details";
import { VideoRoomLink } from "@/components/video/room-link";
import { ActionForm } from "@/components/ui/action-form";
import { Alert, Button, Card } from "@/components/ui/form";
import { establishesCare } from "@/lib/authz/care";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { notesOfPatient } from "@/lib/domain/clinical/notes";
import { openThreadAction } from "@/lib/domain/messaging/actions";
import { visitPayment } from "@/lib/domain/payments/queries";
import { describeRefundPolicy } from "@/lib/domain/payments/refund-policy";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { cancelVisitAction } from "@/lib/domain/scheduling/actions";
import { schedulingPolicy } from "@/lib/domain/scheduling/config";
import { beforePatientCutoff } from "@/lib/domain/scheduling/policy";
import { expireStaleHolds } from "@/lib/domain/scheduling/book-appointment";
import { appointmentFor } from "@/lib/domain/scheduling/queries";
import { isActive } from "@/lib/domain/scheduling/states";
import { getEnv } from "@/lib/env";
import { type SearchParams, lookupParam, singleParam } from "@/lib/http/search-params";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Your visit" };

const CHECKOUT_RETURNS: ReadonlyMap<string, Exclude<CheckoutReturn, "paid" | null>> = new Map([
  ["declined", "declined"],
  ["cancelled", "cancelled"],
  ["unavailable", "unavailable"],
] as const);

export default async function PatientVisitPage({
  params,
  searchParams,
}: {
  params: Promise<{ appointmentId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const actor = await requireActor("portal:patient");
  const { appointmentId } = await params;
  pageIdOr404(appointmentId);
  const query = await searchParams;
  // A hold that ran out a moment ago (its job is due within a second) is shown as what it is.
  await runAs(actor, () => expireStaleHolds({ patientId: actor.userId }));
  const [visit, timeZone] = await runAs(actor, () =>
    Promise.all([appointmentFor(actor, appointmentId), accountTimeZone(actor)]),
  );
  if (!visit) notFound();
  // The doctor's signed notes of this visit are the patient's to read (drafts never are).
  const [notes, payment] = await runAs(actor, () =>
    Promise.all([
      notesOfPatient(actor, actor.userId, { appointmentId: visit.id }),
      visitPayment(actor, visit.id),
    ]),
  );
  const returned: CheckoutReturn = singleParam(query.paid)
    ? "paid"
    : (lookupParam(CHECKOUT_RETURNS, query.payment) ?? null);
  // What a cancellation would give back: told beside the cancel form while money is held.
  const paidAndHeld =
    payment !== null &&
    payment.succeededPaymentId !== null &&
    payment.refundedMinor + payment.refundPendingMinor === 0;
  const env = getEnv();
  const { patientCutoffMs } = schedulingPolicy();
  const upcoming = isActive(visit.status) && visit.status !== "IN_PROGRESS" && visit.startsAt > new Date();
  const changeable = upcoming && beforePatientCutoff(visit.startsAt, new Date(), patientCutoffMs);
  const cutoffHours = Math.round(patientCutoffMs / 3_600_000);
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Your visit with {visit.doctor.displayName}</h1>
      {singleParam(query.booked) && visit.status === "CONFIRMED" ? (
        <Alert tone="success">
          Your visit is booked and confirmed. You can add it to your calendar below.
        </Alert>
      ) : null}
      {singleParam(query.cancelled) && visit.status === "CANCELLED" ? (
        <Alert tone="success">
          Your visit is cancelled and the time is free again. {visit.doctor.displayName} was told.
        </Alert>
      ) : null}
      {singleParam(query.moved) ? (
        <Alert tone="success">Your visit was moved. {visit.doctor.displayName} was told.</Alert>
      ) : null}
      <Card>
        <VisitDetails
          visit={visit}
          timeZone={timeZone}
          otherZone={visit.doctor.timeZone}
          otherLabel={visit.doctor.displayName}
        />
        <div className="mt-6 flex flex-wrap gap-3">
          <VideoRoomLink visit={visit} basePath="/patient/visits" label="Join the video visit" />
          {isActive(visit.status) ? (
            <a
              href={`/api/appointments/${visit.id}/calendar`}
              className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
            >
              Add to calendar (.ics)
            </a>
          ) : null}
          {changeable ? (
            <Link
              href={`/doctors/${visit.doctor.id}?reschedule=${visit.id}` as Route}
              className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
            >
              Move to another time
            </Link>
          ) : null}
          {establishesCare(visit) ? (
            <form action={openThreadAction}>
              <input type="hidden" name="counterpartId" value={visit.doctor.id} />
              <Button type="submit" variant="secondary">
                Message {visit.doctor.displayName}
              </Button>
            </form>
          ) : null}
        </div>
      </Card>
      {payment ? (
        <VisitPaymentPanel
          appointmentId={visit.id}
          doctorId={visit.doctor.id}
          payment={payment}
          returned={returned}
          timeZone={timeZone}
        />
      ) : null}
      {changeable ? (
        <Card title="Cancel this visit">
          {paidAndHeld ? (
            <p className="mb-4 text-sm text-slate-700">
              {describeRefundPolicy(env.REFUND_FULL_BEFORE_HOURS, env.REFUND_LATE_PERCENT)}
            </p>
          ) : null}
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
                hint: `Your doctor sees this. Visits can be changed online up to ${cutoffHours} hours before they start.`,
              },
            ]}
          />
        </Card>
      ) : null}
      {upcoming && !changeable ? (
        <Alert tone="info">
          Visits can be changed online up to {cutoffHours} hours before they start. To move or cancel this
          one, please call the clinic.
        </Alert>
      ) : null}
      {notes.length ? (
        <Card title="Your doctor's notes">
          <ol className="space-y-6">
            {notes.map((note) => (
              <li key={note.id}>
                <p className="mb-2 text-sm text-slate-600">
                  Signed {note.signedAt ? formatDateTime(note.signedAt, timeZone) : ""}
                </p>
                <NoteBody note={note} timeZone={timeZone} />
              </li>
            ))}
          </ol>
        </Card>
      ) : null}
      <p className="text-sm">
        <Link href="/patient" className="text-brand-700 underline">
          Back to my care
        </Link>
      </p>
    </>
  );
}
