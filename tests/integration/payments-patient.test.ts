// The patient's side of payments against a real PostgreSQL, through the real
// flow (book a paid visit, TEST MODE checkout, signed webhook): the visit's
// payment state, billing and receipts for the patient alone (everyone else: an
// audited 404), the poller's route, refunds after a cancellation or a late
// payment, and the Razorpay return checked over the stored order id.
import { createHmac, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as pollPayment } from "@/app/api/appointments/[appointmentId]/payment/route";
import { GET as downloadReceipt } from "@/app/api/payments/[paymentId]/receipt/route";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { disconnectDb, getDb } from "@/lib/db/client";
import {
  billingOf,
  paymentStateForPolling,
  razorpayCheckoutOf,
  receiptOf,
  visitPayment,
} from "@/lib/domain/payments/queries";
import { acceptRazorpayReturn } from "@/lib/domain/payments/razorpay-return";
import { completeTestCheckout } from "@/lib/domain/payments/test-checkout";
import { bookAppointment } from "@/lib/domain/scheduling/book-appointment";
import { cancelAppointment } from "@/lib/domain/scheduling/change-appointment";
import { resetEnvCache } from "@/lib/env";
import { stopQueue } from "@/lib/jobs/queue";
import { runAsSystem } from "@/lib/request-context";
import { appErrorOf, asActor } from "../support/actors";
import { type Person, careVisit, denialsOf, person } from "../support/care";
import { browserHeaders as browserAs } from "../support/browser";
import { runSql } from "../support/database";
import { feeDoctor, heldVisit as holdVisit, nextSlot, openCheckout } from "../support/payments";

// A refusal for want of a permission is audited through runAs, which reads the request's headers.
vi.mock("next/headers", () => ({ headers: () => Promise.resolve(new Headers()) }));

// Razorpay keys for the return check; EUR (the doctor's fee) still goes to the TEST MODE checkout.
const RAZORPAY_SECRET = "rzp-test-key-secret-0123456789";
vi.stubEnv("RAZORPAY_KEY_ID", "rzp_test_PatientSide01");
vi.stubEnv("RAZORPAY_KEY_SECRET", RAZORPAY_SECRET);
vi.stubEnv("RAZORPAY_WEBHOOK_SECRET", "rzp-test-webhook-secret-0123");
resetEnvCache();

const databaseUrl = process.env.DATABASE_URL!;
afterAll(async () => {
  await stopQueue();
  await disconnectDb();
  vi.unstubAllEnvs();
  resetEnvCache();
});

const PATIENT_NAME = "अनन्या शर्मा";
const DOCTOR_NAME = "Dr. Ravi Menon";

const payingDoctor = () => feeDoctor(4500, "EUR", "", DOCTOR_NAME);

/** Books a paid visit and opens its TEST MODE checkout: the visit id and the checkout id. */
async function heldVisit(patient: Person, doctorId: string, startsAt?: Date) {
  const start = startsAt ?? (await nextSlot(doctorId)).start;
  const appointmentId = await holdVisit(patient, doctorId, start);
  const { url, checkoutId } = await openCheckout(patient, appointmentId);
  expect(url).toBe(`/pay/test/${checkoutId}`);
  return { appointmentId, checkoutId, startsAt: start };
}

/** A paid, confirmed visit: the real flow end to end. */
async function paidVisit(patient: Person, doctorId: string) {
  const visit = await heldVisit(patient, doctorId);
  await asActor(patient.actor, () => completeTestCheckout(patient.actor, visit.checkoutId, "succeed"));
  const payment = await asActor(patient.actor, () => visitPayment(patient.actor, visit.appointmentId));
  return { ...visit, paymentId: payment!.succeededPaymentId! };
}

const countAudit = async (action: string, resourceId: string) =>
  Number(
    (
      await runSql<{ n: string }>(
        databaseUrl,
        "SELECT count(*) AS n FROM audit_log WHERE action = $1 AND resource_id = $2",
        [action, resourceId],
      )
    )[0]!.n,
  );

const browserHeaders = (actor?: AuthenticatedActor) => browserAs(88, actor);

const fetchReceipt = async (paymentId: string, actor?: AuthenticatedActor) =>
  downloadReceipt(
    new Request(`http://localhost/api/payments/${paymentId}/receipt`, {
      headers: await browserHeaders(actor),
    }),
    { params: Promise.resolve({ paymentId }) },
  );

const fetchPollState = async (appointmentId: string, actor?: AuthenticatedActor) =>
  pollPayment(
    new Request(`http://localhost/api/appointments/${appointmentId}/payment`, {
      headers: await browserHeaders(actor),
    }),
    { params: Promise.resolve({ appointmentId }) },
  );

describe("the patient's payments", () => {
  let doctor: Awaited<ReturnType<typeof payingDoctor>>;
  let patient: Person;
  let other: Person;
  let paid: Awaited<ReturnType<typeof paidVisit>>;

  beforeAll(async () => {
    doctor = await payingDoctor();
    patient = await person("PATIENT", PATIENT_NAME);
    other = await person("PATIENT", "Someone Else");
    paid = await paidVisit(patient, doctor.id);
  });

  it("shows a held visit as payable until it is paid, then paid and confirmed", async () => {
    const held = await heldVisit(patient, doctor.id);
    const before = await asActor(patient.actor, () => visitPayment(patient.actor, held.appointmentId));
    expect(before).toMatchObject({
      visitStatus: "HELD",
      feeMinor: 4500,
      currency: "EUR",
      canPay: true,
      succeededPaymentId: null,
      refundedMinor: 0,
      refundPendingMinor: 0,
      latePaymentRefunded: false,
      latest: { status: "OPEN", amountMinor: 4500, currency: "EUR", provider: "TEST", mode: "test" },
    });
    expect(before!.latest!.checkoutUrl).toBe(`/pay/test/${held.checkoutId}`);
    expect(
      await asActor(patient.actor, () => paymentStateForPolling(patient.actor, held.appointmentId)),
    ).toEqual({ visitStatus: "HELD", paymentStatus: "OPEN" });

    await asActor(patient.actor, () => completeTestCheckout(patient.actor, held.checkoutId, "succeed"));
    const after = await asActor(patient.actor, () => visitPayment(patient.actor, held.appointmentId));
    expect(after).toMatchObject({ visitStatus: "CONFIRMED", canPay: false, latest: { status: "SUCCEEDED" } });
    expect(after!.succeededPaymentId).toBe(after!.latest!.id);
    expect(after!.latest!.paidAt).toBeInstanceOf(Date);
    expect(
      await asActor(patient.actor, () => paymentStateForPolling(patient.actor, held.appointmentId)),
    ).toEqual({ visitStatus: "CONFIRMED", paymentStatus: "SUCCEEDED" });
  });

  it("keeps a declined visit held and payable, with the decline's code", async () => {
    const held = await heldVisit(patient, doctor.id);
    await asActor(patient.actor, () => completeTestCheckout(patient.actor, held.checkoutId, "decline"));
    const state = await asActor(patient.actor, () => visitPayment(patient.actor, held.appointmentId));
    expect(state).toMatchObject({
      visitStatus: "HELD",
      canPay: true,
      succeededPaymentId: null,
      latest: { status: "FAILED", failureCode: "card_declined" },
    });
    // A declined payment has no receipt, even for its own patient.
    const paymentId = state!.latest!.id;
    const before = await denialsOf(paymentId);
    expect((await appErrorOf(asActor(patient.actor, () => receiptOf(patient.actor, paymentId)))).code).toBe(
      "NOT_FOUND",
    );
    expect(await denialsOf(paymentId)).toBe(before + 1);
  });

  it("has nothing to say about a free visit", async () => {
    const free = await careVisit(doctor.id, patient.id, "CONFIRMED");
    expect(await asActor(patient.actor, () => visitPayment(patient.actor, free.id))).toBeNull();
  });

  it("refuses another patient's, a doctor's and an admin's look at a visit's payment state, audited", async () => {
    const admin = await person("ADMIN");
    for (const outsider of [other.actor, doctor.actor, admin.actor]) {
      const before = await denialsOf(paid.appointmentId);
      expect(
        (await appErrorOf(asActor(outsider, () => visitPayment(outsider, paid.appointmentId)))).code,
        outsider.role,
      ).toBe("NOT_FOUND");
      expect(
        (await appErrorOf(asActor(outsider, () => paymentStateForPolling(outsider, paid.appointmentId))))
          .code,
        outsider.role,
      ).toBe("NOT_FOUND");
      expect(await denialsOf(paid.appointmentId)).toBe(before + 2);
    }
  });

  it("lists only the patient's own payments, newest first, with the doctor's public name", async () => {
    const elsewhere = await paidVisit(other, doctor.id);
    const own = await asActor(patient.actor, () => billingOf(patient.actor));
    const ids = own.map((entry) => entry.id);
    expect(ids).toContain(paid.paymentId);
    expect(ids).not.toContain(elsewhere.paymentId);
    const times = own.map((entry) => entry.createdAt.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const entry = own.find((e) => e.id === paid.paymentId)!;
    expect(entry).toMatchObject({
      appointmentId: paid.appointmentId,
      doctorName: DOCTOR_NAME,
      amountMinor: 4500,
      currency: "EUR",
      status: "SUCCEEDED",
      provider: "TEST",
      mode: "test",
      refunds: [],
    });
    expect(entry.visitStartsAt.getTime()).toBe(paid.startsAt.getTime());

    const theirs = await asActor(other.actor, () => billingOf(other.actor));
    expect(theirs.map((e) => e.id)).toEqual([elsewhere.paymentId]);
    // A doctor or an admin has no billing of their own here.
    expect(await asActor(doctor.actor, () => billingOf(doctor.actor))).toEqual([]);
  });

  it("gives the patient their receipt, with their decrypted name, and audits the view", async () => {
    const before = await countAudit("payment.receipt-viewed", paid.paymentId);
    const receipt = await asActor(patient.actor, () => receiptOf(patient.actor, paid.paymentId));
    expect(receipt).toMatchObject({
      receiptNumber: paid.paymentId,
      clinic: { name: "Haven Clinic" },
      patientName: PATIENT_NAME,
      doctorName: DOCTOR_NAME,
      amountMinor: 4500,
      currency: "EUR",
      provider: "TEST",
      mode: "test",
      refunds: [],
      refundedMinor: 0,
      netPaidMinor: 4500,
    });
    expect(receipt.visitStartsAt.getTime()).toBe(paid.startsAt.getTime());
    expect(receipt.timeZone).toBeTruthy();
    expect(await countAudit("payment.receipt-viewed", paid.paymentId)).toBe(before + 1);
  });

  it("refuses the receipt to another patient, a doctor and an admin with a 404 and an authz.denied row", async () => {
    const admin = await person("ADMIN");
    for (const outsider of [other.actor, doctor.actor, admin.actor]) {
      const before = await denialsOf(paid.paymentId);
      const refused = await appErrorOf(asActor(outsider, () => receiptOf(outsider, paid.paymentId)));
      expect(refused.code, outsider.role).toBe("NOT_FOUND");
      expect(refused.message).not.toContain(paid.paymentId);
      expect(await denialsOf(paid.paymentId), outsider.role).toBe(before + 1);
    }
    const unknown = randomUUID();
    expect((await appErrorOf(asActor(patient.actor, () => receiptOf(patient.actor, unknown)))).code).toBe(
      "NOT_FOUND",
    );
    expect(await denialsOf(unknown)).toBe(1);
  });

  it("serves the receipt PDF as a nameless, uncached attachment to its patient only", async () => {
    const response = await fetchReceipt(paid.paymentId, patient.actor);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="receipt-${paid.paymentId.slice(0, 8)}.pdf"`,
    );
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");

    for (const outsider of [other.actor, doctor.actor, undefined]) {
      const before = await denialsOf(paid.paymentId);
      const refused = await fetchReceipt(paid.paymentId, outsider);
      expect(refused.status, outsider?.role ?? "anonymous").toBe(404);
      expect(await refused.text()).not.toContain(paid.paymentId);
      expect(await denialsOf(paid.paymentId)).toBe(before + 1);
    }
    expect((await fetchReceipt("not-an-id", patient.actor)).status).toBe(404);
  });

  it("answers the poller with statuses only, for the patient's own visit; 404 for anyone else", async () => {
    const response = await fetchPollState(paid.appointmentId, patient.actor);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ visitStatus: "CONFIRMED", paymentStatus: "SUCCEEDED" });
    for (const outsider of [other.actor, doctor.actor, undefined]) {
      const before = await denialsOf(paid.appointmentId);
      expect((await fetchPollState(paid.appointmentId, outsider)).status, outsider?.role ?? "anonymous").toBe(
        404,
      );
      expect(await denialsOf(paid.appointmentId)).toBe(before + 1);
    }
    expect((await fetchPollState("x' OR 1=1", patient.actor)).status).toBe(404);
  });

  it("shows the refund of a cancelled paid visit on the visit, in billing and on the receipt, never the admin's note", async () => {
    const visit = await paidVisit(patient, doctor.id);
    // Days ahead: the clinic's policy refunds it in full; the TEST MODE provider confirms at once.
    await asActor(patient.actor, () =>
      cancelAppointment(patient.actor, visit.appointmentId, "Feeling better"),
    );
    const state = await asActor(patient.actor, () => visitPayment(patient.actor, visit.appointmentId));
    expect(state).toMatchObject({
      visitStatus: "CANCELLED",
      canPay: false,
      refundedMinor: 4500,
      refundPendingMinor: 0,
      latePaymentRefunded: false,
    });
    const entry = (await asActor(patient.actor, () => billingOf(patient.actor))).find(
      (e) => e.id === visit.paymentId,
    )!;
    expect(entry.refunds).toHaveLength(1);
    expect(entry.refunds[0]).toMatchObject({
      amountMinor: 4500,
      currency: "EUR",
      status: "SUCCEEDED",
      cause: "PATIENT_CANCELLED",
    });
    expect(entry.refunds[0]!.settledAt).toBeInstanceOf(Date);
    expect(Object.keys(entry.refunds[0]!)).not.toContain("note");
    const receipt = await asActor(patient.actor, () => receiptOf(patient.actor, visit.paymentId));
    expect(receipt).toMatchObject({ amountMinor: 4500, refundedMinor: 4500, netPaidMinor: 0 });
  });

  it("says so when a payment arrived after the hold ended and the time was taken: refunded in full", async () => {
    const late = await heldVisit(patient, doctor.id);
    // The hold ran out (the expiry job is not running here) and someone else booked the time.
    await runSql(
      databaseUrl,
      "UPDATE appointments SET status = 'EXPIRED', hold_expires_at = now() - interval '1 minute' WHERE id = $1",
      [late.appointmentId],
    );
    const taker = await person("PATIENT", "Quick Booker");
    await asActor(taker.actor, () =>
      bookAppointment(taker.actor, { doctorId: doctor.id, startsAt: late.startsAt, reason: "Check-up" }),
    );
    await asActor(patient.actor, () => completeTestCheckout(patient.actor, late.checkoutId, "succeed"));

    const state = await asActor(patient.actor, () => visitPayment(patient.actor, late.appointmentId));
    expect(state).toMatchObject({
      visitStatus: "EXPIRED",
      canPay: false,
      latePaymentRefunded: true,
      refundedMinor: 4500,
      latest: { status: "SUCCEEDED" },
    });
  });
});

describe("the return from Razorpay Checkout", () => {
  let patient: Person;
  let other: Person;
  let paymentId: string;
  let appointmentId: string;
  const orderId = `order_${randomUUID().replaceAll("-", "").slice(0, 14)}`;
  const sign = (order: string, providerPaymentId: string) =>
    createHmac("sha256", RAZORPAY_SECRET).update(`${order}|${providerPaymentId}`).digest("hex");

  beforeAll(async () => {
    const doctor = await payingDoctor();
    patient = await person("PATIENT");
    other = await person("PATIENT");
    ({ id: appointmentId } = await careVisit(doctor.id, patient.id, "HELD", false));
    // The order a Razorpay checkout made for this visit (making one needs Razorpay's API; the gateway test covers it).
    ({ id: paymentId } = await runAsSystem("test", () =>
      getDb().payment.create({
        data: {
          appointmentId,
          patientId: patient.id,
          doctorId: doctor.id,
          provider: "RAZORPAY",
          checkoutId: orderId,
          checkoutUrl: "pending",
          amountMinor: 60000,
          currency: "INR",
          expiresAt: new Date(Date.now() + 10 * 60_000),
        },
        select: { id: true },
      }),
    ));
  });

  it("shows the checkout page's facts to the patient: key id, stored order, amount; 404 for others", async () => {
    const view = await asActor(patient.actor, () => razorpayCheckoutOf(patient.actor, paymentId));
    expect(view).toMatchObject({
      paymentId,
      appointmentId,
      status: "OPEN",
      orderId,
      amountMinor: 60000,
      currency: "INR",
      keyId: "rzp_test_PatientSide01",
      clinicName: "Haven Clinic",
      mode: "test",
    });
    const before = await denialsOf(paymentId);
    expect(
      (await appErrorOf(asActor(other.actor, () => razorpayCheckoutOf(other.actor, paymentId)))).code,
    ).toBe("NOT_FOUND");
    expect(await denialsOf(paymentId)).toBe(before + 1);
  });

  it("accepts a signature over the stored order id and the given payment id", async () => {
    const providerPaymentId = "pay_Valid0000001";
    expect(
      await asActor(patient.actor, () =>
        acceptRazorpayReturn(patient.actor, {
          paymentId,
          providerPaymentId,
          signature: sign(orderId, providerPaymentId),
        }),
      ),
    ).toEqual({ appointmentId });
    // Nothing changes: the webhook alone confirms.
    const rows = await runSql<{ status: string }>(databaseUrl, "SELECT status FROM payments WHERE id = $1", [
      paymentId,
    ]);
    expect(rows).toEqual([{ status: "OPEN" }]);
  });

  it("refuses a signature over another order (the browser's word), audited without the values", async () => {
    const providerPaymentId = "pay_Forged000001";
    const before = await countAudit("payment.client-signature-invalid", paymentId);
    for (const signature of [sign("order_SomeoneElses1", providerPaymentId), "0".repeat(64), "short"]) {
      const refused = await appErrorOf(
        asActor(patient.actor, () =>
          acceptRazorpayReturn(patient.actor, { paymentId, providerPaymentId, signature }),
        ),
      );
      expect(refused.code).toBe("BAD_REQUEST");
    }
    expect(await countAudit("payment.client-signature-invalid", paymentId)).toBe(before + 3);
    const [row] = await runSql<{ details: string | null }>(
      databaseUrl,
      "SELECT details::text AS details FROM audit_log WHERE action = 'payment.client-signature-invalid' AND resource_id = $1 LIMIT 1",
      [paymentId],
    );
    expect(row!.details ?? "").not.toContain(providerPaymentId);
  });

  it("answers another patient with the audited 404, even with a valid signature", async () => {
    const providerPaymentId = "pay_Valid0000002";
    const before = await denialsOf(paymentId);
    const refused = await appErrorOf(
      asActor(other.actor, () =>
        acceptRazorpayReturn(other.actor, {
          paymentId,
          providerPaymentId,
          signature: sign(orderId, providerPaymentId),
        }),
      ),
    );
    expect(refused.code).toBe("NOT_FOUND");
    expect(await denialsOf(paymentId)).toBe(before + 1);
  });
});
