// The admin's side of payments against a real PostgreSQL, with money moved by
// the real flow (a paid visit through the TEST MODE checkout and its signed
// webhooks): revenue from the ledger, the CSV export and its audit row, manual
// refunds that cannot together exceed the capture, the refund note encrypted at
// rest, no patient data in what the admin sees, and everyone else refused.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { disconnectDb } from "@/lib/db/client";
import {
  listPayments,
  parseRevenueRange,
  paymentForAdmin,
  revenueByDoctorAndMonth,
  revenueCsv,
} from "@/lib/domain/payments/admin-queries";
import { refundPaymentAction } from "@/lib/domain/payments/admin-actions";
import { refundPaymentManually } from "@/lib/domain/payments/refunds";
import { testModeFee } from "@/lib/domain/payments/test-checkout";
import { AppError } from "@/lib/http/errors";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";
import { stopQueue } from "@/lib/jobs/queue";
import { createAccount } from "../support/accounts";
import { appErrorOf, asActor, authenticatedActor } from "../support/actors";
import { type Person, denialsOf, person } from "../support/care";
import { runSql } from "../support/database";
import { feeDoctor, paidVisit as payVisit } from "../support/payments";

// The action reads the session from Next's request (cookies); here the test says who is signed in.
const session = vi.hoisted(() => ({ actor: null as AuthenticatedActor | null }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("@/lib/auth/current", async () => {
  const { roleCan } = await import("@/lib/authz/permissions");
  const { runAsActor } = await import("@/lib/request-context");
  return {
    requireActor: (permission?: Parameters<typeof roleCan>[1]) => {
      const actor = session.actor;
      if (!actor) return Promise.reject(new Error("NEXT_REDIRECT"));
      // requireActor answers a missing permission with Next's 404.
      if (permission && !roleCan(actor.role, permission)) return Promise.reject(new Error("NEXT_NOT_FOUND"));
      return Promise.resolve(actor);
    },
    runAs: (actor: AuthenticatedActor, fn: () => Promise<unknown>) =>
      runAsActor({ kind: "user", userId: actor.userId, role: actor.role }, fn),
  };
});

const databaseUrl = process.env.DATABASE_URL!;
const FEE = 4500;
const PATIENT_NAME = "Priyanka Ramaswamy-Okafor";
const NOTE = "Patient was hospitalised with pneumonia and could not attend";

afterAll(async () => {
  await stopQueue();
  await disconnectDb();
});

const paidDoctor = () => feeDoctor(FEE, "EUR", "Dr. Ledger");

/** A visit booked and paid through the TEST MODE checkout; returns the payment's id. */
const paidVisit = async (doctorId: string, patient: Person) => (await payVisit(patient, doctorId)).paymentId;

async function paymentRow(paymentId: string) {
  const [row] = await runSql<{
    status: string;
    captured_minor: number;
    refund_reserved_minor: number;
    refunded_minor: number;
  }>(
    databaseUrl,
    "SELECT status, captured_minor, refund_reserved_minor, refunded_minor FROM payments WHERE id = $1",
    [paymentId],
  );
  return row!;
}

function submit(fields: Record<string, string>): Promise<FormState> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return refundPaymentAction(INITIAL_FORM_STATE, form);
}

describe("payments for the admin", () => {
  let admin: AuthenticatedActor;
  let doctor: Awaited<ReturnType<typeof paidDoctor>>;
  let patient: Person;
  let paymentId: string;
  let refundId: string;

  beforeAll(async () => {
    admin = authenticatedActor((await createAccount("ADMIN")).id, "ADMIN");
    doctor = await paidDoctor();
    patient = await person("PATIENT", PATIENT_NAME);
    paymentId = await paidVisit(doctor.id, patient);
    refundId = await asActor(admin, () =>
      refundPaymentManually(admin, { paymentId, amountMinor: 1000, note: NOTE }),
    );
  });

  it("captures through the real flow: the visit is paid, with the test-mode fee on the ledger", async () => {
    expect(await paymentRow(paymentId)).toEqual({
      status: "SUCCEEDED",
      captured_minor: FEE,
      refund_reserved_minor: 1000,
      refunded_minor: 1000,
    });
    const ledger = await runSql<{ kind: string; amount_minor: number }>(
      databaseUrl,
      "SELECT kind, amount_minor FROM payment_transactions WHERE payment_id = $1 ORDER BY kind",
      [paymentId],
    );
    expect(ledger).toEqual([
      { kind: "CHARGE", amount_minor: FEE },
      { kind: "REFUND", amount_minor: 1000 },
      { kind: "FEE", amount_minor: testModeFee(FEE) },
    ]);
  });

  it("sums revenue per doctor and month from the ledger, and totals per currency", async () => {
    const report = await asActor(admin, () => revenueByDoctorAndMonth(admin, {}));
    const ours = report.rows.filter((row) => row.doctorId === doctor.id);
    expect(ours).toHaveLength(1);
    const month = new Date().toISOString().slice(0, 7);
    expect(ours[0]).toEqual({
      month,
      doctorId: doctor.id,
      doctorName: `Dr. Ledger ${doctor.id.slice(0, 4)}`,
      currency: "EUR",
      chargesMinor: FEE,
      refundsMinor: 1000,
      feesMinor: testModeFee(FEE),
      netMinor: FEE - 1000 - testModeFee(FEE),
      chargeCount: 1,
      refundCount: 1,
    });
    // Other test files add their own payments: the totals are the sums of the rows, per currency.
    for (const total of report.totals) {
      const rows = report.rows.filter((row) => row.currency === total.currency);
      const sum = (pick: (row: (typeof rows)[number]) => number) => rows.reduce((a, row) => a + pick(row), 0);
      expect(total).toEqual({
        currency: total.currency,
        chargesMinor: sum((r) => r.chargesMinor),
        refundsMinor: sum((r) => r.refundsMinor),
        feesMinor: sum((r) => r.feesMinor),
        netMinor: sum((r) => r.netMinor),
        chargeCount: sum((r) => r.chargeCount),
        refundCount: sum((r) => r.refundCount),
      });
    }
    expect(report.totals.find((t) => t.currency === "EUR")!.chargesMinor).toBeGreaterThanOrEqual(FEE);

    // A range of whole months elsewhere leaves this month's money out.
    const past = parseRevenueRange({ from: "2020-01", to: "2020-12" });
    expect(past.ok).toBe(true);
    const before = await asActor(admin, () => revenueByDoctorAndMonth(admin, past.ok ? past.range : {}));
    expect(before.rows.filter((row) => row.doctorId === doctor.id)).toEqual([]);
  });

  it("exports the revenue as CSV and audits the export with its range", async () => {
    const range = parseRevenueRange({});
    if (!range.ok) throw new Error(range.message);
    const csv = await asActor(admin, () => revenueCsv(admin, range.range));
    const line = csv.split("\r\n").find((l) => l.includes(`Dr. Ledger ${doctor.id.slice(0, 4)}`));
    const net = FEE - 1000 - testModeFee(FEE);
    expect(line).toBe(
      [
        new Date().toISOString().slice(0, 7),
        `Dr. Ledger ${doctor.id.slice(0, 4)}`,
        "EUR",
        "45.00",
        "10.00",
        (testModeFee(FEE) / 100).toFixed(2),
        (net / 100).toFixed(2),
        FEE,
        1000,
        testModeFee(FEE),
        net,
        1,
        1,
      ].join(","),
    );
    const audits = await runSql<{ details: unknown; outcome: string }>(
      databaseUrl,
      "SELECT details, outcome FROM audit_log WHERE action = 'revenue.exported' AND actor_id = $1",
      [admin.userId],
    );
    expect(audits).toHaveLength(1);
    const details = audits[0]!.details;
    expect(typeof details === "string" ? JSON.parse(details) : details).toMatchObject({
      from: range.range.from,
      to: range.range.to,
    });
  });

  it("lists payments with amounts and the doctor, never the patient", async () => {
    const list = await asActor(admin, () => listPayments(admin, { status: "SUCCEEDED", page: 1 }));
    const ours = list.rows.find((row) => row.id === paymentId);
    expect(ours).toMatchObject({
      reference: paymentId.slice(0, 8),
      doctorName: `Dr. Ledger ${doctor.id.slice(0, 4)}`,
      provider: "TEST",
      testMode: true,
      amountMinor: FEE,
      capturedMinor: FEE,
      refundedMinor: 1000,
      refundPendingMinor: 0,
      refundableMinor: FEE - 1000,
      status: "SUCCEEDED",
    });
    expect(list.rows.length).toBeLessThanOrEqual(50);
    expect(list.rows.every((row) => row.status === "SUCCEEDED")).toBe(true);
    const shown = JSON.stringify(list);
    expect(shown).not.toContain(PATIENT_NAME);
    expect(shown).not.toContain(patient.email);
    expect(shown).not.toContain(patient.id);
  });

  it("shows one payment's refunds (note decrypted), ledger and provider events", async () => {
    const detail = await asActor(admin, () => paymentForAdmin(admin, paymentId));
    expect(detail.refunds).toEqual([
      expect.objectContaining({
        id: refundId,
        amountMinor: 1000,
        status: "SUCCEEDED",
        cause: "ADMIN",
        requestedBy: "an administrator",
        note: NOTE,
      }),
    ]);
    expect(detail.ledger.map((row) => row.kind).sort()).toEqual(["CHARGE", "FEE", "REFUND"]);
    expect(detail.events.map((event) => [event.type, event.outcome])).toEqual([
      ["checkout.paid", "confirmed"],
      ["refund.succeeded", "refunded"],
    ]);
    expect(detail.events.every((event) => event.processedAt !== null)).toBe(true);
    const shown = JSON.stringify(detail);
    expect(shown).not.toContain(PATIENT_NAME);
    expect(shown).not.toContain(patient.email);
    expect(shown).not.toContain(patient.id);
  });

  it("keeps the refund note encrypted at rest", async () => {
    const [row] = await runSql<{ note: string | null }>(
      databaseUrl,
      "SELECT note FROM refunds WHERE id = $1",
      [refundId],
    );
    expect(row!.note).toBeTruthy();
    expect(row!.note).not.toContain("pneumonia");
    expect(row!.note).not.toContain(NOTE);
  });

  it("answers an unknown or malformed payment id with an audited 404", async () => {
    const unknown = "00000000-0000-4000-8000-00000000abcd";
    expect((await appErrorOf(asActor(admin, () => paymentForAdmin(admin, unknown)))).code).toBe("NOT_FOUND");
    expect(await denialsOf(unknown)).toBe(1);
    expect((await appErrorOf(asActor(admin, () => paymentForAdmin(admin, "not-an-id")))).code).toBe(
      "NOT_FOUND",
    );
  });

  it("refuses patients and doctors everything, whatever the page checked before", async () => {
    for (const other of [patient.actor, doctor.actor]) {
      const denied = await denialsOf(paymentId);
      expect((await appErrorOf(asActor(other, () => paymentForAdmin(other, paymentId)))).code).toBe(
        "NOT_FOUND",
      );
      expect(
        (
          await appErrorOf(
            asActor(other, () => refundPaymentManually(other, { paymentId, amountMinor: 100, note: "mine" })),
          )
        ).code,
      ).toBe("NOT_FOUND");
      expect(await denialsOf(paymentId)).toBe(denied + 2);
      expect((await appErrorOf(asActor(other, () => listPayments(other, { page: 1 })))).code).toBe(
        "FORBIDDEN",
      );
      expect((await appErrorOf(asActor(other, () => revenueByDoctorAndMonth(other, {})))).code).toBe(
        "FORBIDDEN",
      );
      const range = { from: "2026-01", to: "2026-12" };
      expect((await appErrorOf(asActor(other, () => revenueCsv(other, range)))).code).toBe("FORBIDDEN");

      session.actor = other;
      await expect(submit({ paymentId, amount: "1.00", note: "Refund me please" })).rejects.toThrow(
        "NEXT_NOT_FOUND",
      );
    }
    session.actor = null;
    expect((await paymentRow(paymentId)).refund_reserved_minor).toBe(1000);
  });
});

describe("the refund action", () => {
  let admin: AuthenticatedActor;
  let paymentId: string;

  beforeAll(async () => {
    admin = authenticatedActor((await createAccount("ADMIN")).id, "ADMIN");
    const doctor = await paidDoctor();
    paymentId = await paidVisit(doctor.id, await person("PATIENT"));
  });

  it("explains bad input beside its field and changes nothing", async () => {
    session.actor = admin;
    const badAmount = await submit({ paymentId, amount: "12,345", note: "Visit cancelled by phone" });
    expect(badAmount).toMatchObject({ ok: false, fieldErrors: { amount: "Enter an amount like 12.50" } });
    expect(badAmount.values).toMatchObject({ amount: "12,345", note: "Visit cancelled by phone" });

    const noNote = await submit({ paymentId, amount: "5", note: " a " });
    expect(noNote.fieldErrors?.note).toMatch(/^Say why you refund, for the audit trail/);

    const tooMuch = await submit({ paymentId, amount: "45.01", note: "Visit cancelled by phone" });
    expect(tooMuch.fieldErrors?.amount).toBe("At most €45.00 can still be refunded.");

    const zero = await submit({ paymentId, amount: "0", note: "Visit cancelled by phone" });
    expect(zero.fieldErrors?.amount).toBe("Enter an amount above zero.");

    const unknown = await submit({ paymentId: "not-a-payment", amount: "1", note: "Visit cancelled" });
    expect(unknown).toMatchObject({ ok: false, message: "No such payment." });

    expect((await paymentRow(paymentId)).refund_reserved_minor).toBe(0);
    session.actor = null;
  });

  it("refunds and says so (the test checkout confirms at once)", async () => {
    session.actor = admin;
    const done = await submit({ paymentId, amount: "12.50", note: "Visit cancelled by phone" });
    expect(done).toEqual({
      ok: true,
      message: "Refund of €12.50 done: the test-mode checkout confirmed it.",
    });
    expect(await paymentRow(paymentId)).toMatchObject({ refund_reserved_minor: 1250, refunded_minor: 1250 });

    const rest = await submit({ paymentId, amount: "40", note: "Refund the rest" });
    expect(rest.fieldErrors?.amount).toBe("At most €32.50 can still be refunded.");
    session.actor = null;
  });
});

describe("concurrent manual refunds", () => {
  it("lets exactly one of two 60% refunds through; the other hears what is left", async () => {
    const admins = await Promise.all(
      [1, 2].map(async () => authenticatedActor((await createAccount("ADMIN")).id, "ADMIN")),
    );
    const doctor = await paidDoctor();
    const paymentId = await paidVisit(doctor.id, await person("PATIENT"));
    const share = Math.round(FEE * 0.6);

    const results = await Promise.allSettled(
      admins.map((admin) =>
        asActor(admin, () =>
          refundPaymentManually(admin, { paymentId, amountMinor: share, note: "Duplicate booking" }),
        ),
      ),
    );
    const done = results.filter((r) => r.status === "fulfilled");
    const refused = results.flatMap((r): unknown[] => (r.status === "rejected" ? [r.reason] : []));
    expect(done).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const error = refused[0];
    expect(AppError.is(error)).toBe(true);
    if (!AppError.is(error)) return;
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe("At most €18.00 can still be refunded.");

    const row = await paymentRow(paymentId);
    expect(row.refund_reserved_minor).toBeLessThanOrEqual(row.captured_minor);
    expect(row).toMatchObject({ captured_minor: FEE, refund_reserved_minor: share, refunded_minor: share });
    const refunds = await runSql<{ n: string }>(
      databaseUrl,
      "SELECT count(*) AS n FROM refunds WHERE payment_id = $1",
      [paymentId],
    );
    expect(Number(refunds[0]!.n)).toBe(1);
    const ledger = await runSql<{ n: string; total: string }>(
      databaseUrl,
      "SELECT count(*) AS n, sum(amount_minor) AS total FROM payment_transactions WHERE payment_id = $1 AND kind = 'REFUND'",
      [paymentId],
    );
    expect(ledger[0]).toEqual({ n: "1", total: String(share) });
  });
});
