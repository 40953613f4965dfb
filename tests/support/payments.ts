// People and paid visits for the payments tests: a doctor who takes bookings
// around the clock at a fee, a patient with a profile, a visit held through the
// real booking service, and paying for it through the real checkout (TEST MODE
// unless a provider's keys are configured).
import { getDb } from "@/lib/db/client";
import { startCheckout } from "@/lib/domain/payments/start-checkout";
import { completeTestCheckout } from "@/lib/domain/payments/test-checkout";
import { bookAppointment } from "@/lib/domain/scheduling/book-appointment";
import { freeSlots } from "@/lib/domain/scheduling/queries";
import { runAsSystem } from "@/lib/request-context";
import { createAccount } from "./accounts";
import { asActor, authenticatedActor } from "./actors";

/** Whoever books: anything with a patient's actor (tests/support/care.ts's person() too). */
export type Party = Pick<Awaited<ReturnType<typeof payingPatient>>, "actor">;

export async function feeDoctor(
  feeMinor = 4500,
  currency = "EUR",
  namePrefix = "Dr. Fee",
  displayName?: string,
) {
  const doctor = await createAccount("DOCTOR");
  await runAsSystem("test", async () => {
    await getDb().doctorProfile.create({
      data: {
        userId: doctor.id,
        displayName: displayName ?? `${namePrefix} ${doctor.id.slice(0, 4)}`,
        specialty: "General practice",
        feeMinor,
        currency,
      },
    });
    await getDb().availabilityRule.createMany({
      data: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
        weekday,
        startMinute: 0,
        endMinute: 1440,
        doctorId: doctor.id,
      })),
    });
  });
  return { ...doctor, actor: authenticatedActor(doctor.id, "DOCTOR") };
}

export async function payingPatient(fullName = "Paying Patient") {
  const user = await createAccount("PATIENT");
  await runAsSystem("test", () => getDb().patientProfile.create({ data: { userId: user.id, fullName } }));
  return { ...user, actor: authenticatedActor(user.id, "PATIENT") };
}

let dayOffset = 3;
/** A free slot of the doctor's some days ahead (each call a later day, so tests do not collide). */
export async function nextSlot(doctorId: string, hoursAhead?: number) {
  const from = new Date(
    Date.now() + (hoursAhead !== undefined ? hoursAhead * 3_600_000 : (dayOffset += 1) * 86_400_000),
  );
  const [slot] = await runAsSystem("test", () => freeSlots(doctorId, { from }));
  if (!slot) throw new Error("no free slot");
  return slot;
}

/** A visit held for the patient (a paid one waits for its payment). */
export async function heldVisit(
  patient: Party,
  doctorId: string,
  startsAt?: Date,
  reason = "Persistent cough",
) {
  const at = startsAt ?? (await nextSlot(doctorId)).start;
  return asActor(patient.actor, () => bookAppointment(patient.actor, { doctorId, startsAt: at, reason }));
}

/** Opens the visit's checkout; returns the payment row (with the provider's checkout id). */
export async function openCheckout(patient: Party, appointmentId: string) {
  const url = await asActor(patient.actor, () => startCheckout(patient.actor, appointmentId));
  const payment = await runAsSystem("test", () =>
    getDb().payment.findFirstOrThrow({
      where: { appointmentId, status: "OPEN" },
      orderBy: { createdAt: "desc" },
    }),
  );
  return { url, payment, checkoutId: payment.checkoutId! };
}

/** Books and pays through the TEST MODE checkout; returns the visit and payment ids. */
export async function paidVisit(patient: Party, doctorId: string, startsAt?: Date) {
  const appointmentId = await heldVisit(patient, doctorId, startsAt);
  const { checkoutId, payment } = await openCheckout(patient, appointmentId);
  await asActor(patient.actor, () => completeTestCheckout(patient.actor, checkoutId, "succeed"));
  return { appointmentId, paymentId: payment.id };
}
