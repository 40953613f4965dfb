// The admin's side of payments: every payment, one payment's refunds, ledger and
// provider events, and revenue per doctor and month. Admins see ids, amounts and
// doctors' display names, never who the patient is: refunding needs none of it.
// The one PHI value here, a manual refund's note, is read through the data layer,
// which decrypts and audits it.
import "server-only";
import Papa from "papaparse";
import { z } from "zod";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { recordRefusal, refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent } from "@/lib/db/client";
import type {
  PaymentProvider,
  PaymentStatus,
  PaymentTransactionKind,
  RefundCause,
  RefundStatus,
} from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { currencyExponent } from "./money";
import { gatewayOrNull } from "./providers";

export const PAYMENTS_PAGE_SIZE = 50;
export const PAYMENT_STATUSES = [
  "OPEN",
  "SUCCEEDED",
  "FAILED",
  "EXPIRED",
] as const satisfies readonly PaymentStatus[];

/** The provider as named in a sentence ("sent to Stripe", "sent to the test-mode checkout"). */
export const PROVIDER_LABEL: Record<PaymentProvider, string> = {
  STRIPE: "Stripe",
  RAZORPAY: "Razorpay",
  TEST: "the test-mode checkout",
};

/** Who asked for a refund, without naming anyone: the admin needs the cause, not a person. */
const REQUESTED_BY: Record<RefundCause, string> = {
  ADMIN: "an administrator",
  PATIENT_CANCELLED: "the patient's cancellation",
  DOCTOR_CANCELLED: "the doctor's cancellation",
  LATE_PAYMENT: "Haven: paid after the time was gone",
  AMOUNT_MISMATCH: "Haven: the provider took another amount",
  PROVIDER: "the provider (made in its dashboard)",
};

/** Admins only; anyone else is refused (and audited) whatever the page or action checked before. */
async function assertAdmin(actor: AuthenticatedActor, resourceType: string): Promise<void> {
  if (actor.role === "ADMIN") return;
  await recordRefusal(resourceType, "(list)");
  throw new AppError("FORBIDDEN", "You do not have access to this.");
}

/** A short reference people can read out and search for: the first 8 characters of the id. */
export const paymentReference = (paymentId: string) => paymentId.slice(0, 8);

/**
 * Whether a payment moved no money. TEST is the simulated checkout; Stripe says so
 * in its session ids; Razorpay does not, so its payments take the mode of the keys
 * configured now (test keys and live keys are not mixed on one server).
 */
function isTestPayment(payment: { provider: PaymentProvider; checkoutId: string | null }): boolean {
  switch (payment.provider) {
    case "TEST":
      return true;
    case "STRIPE":
      return payment.checkoutId?.startsWith("cs_test_") ?? false;
    case "RAZORPAY":
      return gatewayOrNull("RAZORPAY")?.mode === "test";
  }
}

const doctorNameSelect = { doctorProfile: { select: { displayName: true } } } as const;
const doctorNameOf = (doctor: { doctorProfile: { displayName: string } | null }, doctorId: string) =>
  doctor.doctorProfile?.displayName ?? `Doctor ${paymentReference(doctorId)}`;

const paymentSelect = {
  id: true,
  provider: true,
  checkoutId: true,
  providerPaymentId: true,
  status: true,
  amountMinor: true,
  currency: true,
  capturedMinor: true,
  refundReservedMinor: true,
  refundedMinor: true,
  feeMinor: true,
  failureCode: true,
  createdAt: true,
  paidAt: true,
  doctorId: true,
  doctor: { select: doctorNameSelect },
  appointment: { select: { startsAt: true } },
} as const;

interface PaymentRow {
  id: string;
  provider: PaymentProvider;
  checkoutId: string | null;
  providerPaymentId: string | null;
  status: PaymentStatus;
  amountMinor: number;
  currency: string;
  capturedMinor: number;
  refundReservedMinor: number;
  refundedMinor: number;
  feeMinor: number;
  failureCode: string | null;
  createdAt: Date;
  paidAt: Date | null;
  doctorId: string;
  doctor: { doctorProfile: { displayName: string } | null };
  appointment: { startsAt: Date };
}

export interface AdminPayment {
  id: string;
  reference: string;
  createdAt: Date;
  paidAt: Date | null;
  doctorName: string;
  visitStartsAt: Date;
  provider: PaymentProvider;
  providerLabel: string;
  testMode: boolean;
  status: PaymentStatus;
  amountMinor: number;
  currency: string;
  capturedMinor: number;
  refundedMinor: number;
  /** Asked for and not yet confirmed by the provider (reserved − refunded). */
  refundPendingMinor: number;
  /** What may still be refunded: captured − reserved (0 unless the payment succeeded). */
  refundableMinor: number;
  feeMinor: number;
  failureCode: string | null;
}

function toAdminPayment(row: PaymentRow): AdminPayment {
  return {
    id: row.id,
    reference: paymentReference(row.id),
    createdAt: row.createdAt,
    paidAt: row.paidAt,
    doctorName: doctorNameOf(row.doctor, row.doctorId),
    visitStartsAt: row.appointment.startsAt,
    provider: row.provider,
    providerLabel: PROVIDER_LABEL[row.provider],
    testMode: isTestPayment(row),
    status: row.status,
    amountMinor: row.amountMinor,
    currency: row.currency,
    capturedMinor: row.capturedMinor,
    refundedMinor: row.refundedMinor,
    refundPendingMinor: row.refundReservedMinor - row.refundedMinor,
    refundableMinor: row.status === "SUCCEEDED" ? row.capturedMinor - row.refundReservedMinor : 0,
    feeMinor: row.feeMinor,
    failureCode: row.failureCode,
  };
}

export interface PaymentPage {
  rows: AdminPayment[];
  /** 1-based, clamped to the pages there are. */
  page: number;
  pageCount: number;
  total: number;
}

/** Every payment, newest first, 50 a page, optionally of one status. */
export async function listPayments(
  actor: AuthenticatedActor,
  options: { status?: PaymentStatus | undefined; page?: number | undefined },
): Promise<PaymentPage> {
  await assertAdmin(actor, "Payment");
  const where = options.status ? { status: options.status } : {};
  const total = await getDb().payment.count({ where });
  const pageCount = Math.max(1, Math.ceil(total / PAYMENTS_PAGE_SIZE));
  const requested = Number.isInteger(options.page) && options.page! > 0 ? options.page! : 1;
  const page = Math.min(requested, pageCount);
  const rows = await getDb().payment.findMany({
    where,
    select: paymentSelect,
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    skip: (page - 1) * PAYMENTS_PAGE_SIZE,
    take: PAYMENTS_PAGE_SIZE,
  });
  return { rows: rows.map(toAdminPayment), page, pageCount, total };
}

export interface AdminRefund {
  id: string;
  amountMinor: number;
  currency: string;
  status: RefundStatus;
  cause: RefundCause;
  requestedBy: string;
  /** An admin's reason (PHI: decrypted and audited by the data layer); null for automatic refunds. */
  note: string | null;
  failureCode: string | null;
  createdAt: Date;
}

export interface LedgerRow {
  id: string;
  kind: PaymentTransactionKind;
  amountMinor: number;
  currency: string;
  providerRef: string;
  occurredAt: Date;
}

export interface ProviderEventRow {
  id: string;
  type: string;
  outcome: string | null;
  receivedAt: Date;
  processedAt: Date | null;
  /** Set while a refund event waits for its payment's capture. */
  waitingFor: string | null;
}

export interface AdminPaymentDetail extends AdminPayment {
  checkoutId: string | null;
  providerPaymentId: string | null;
  refunds: AdminRefund[];
  ledger: LedgerRow[];
  events: ProviderEventRow[];
}

const uuid = z.uuid();

/** One payment with its refunds, ledger and the provider events about it; unknown → 404 (audited). */
export async function paymentForAdmin(
  actor: AuthenticatedActor,
  paymentId: string,
): Promise<AdminPaymentDetail> {
  if (actor.role !== "ADMIN" || !uuid.safeParse(paymentId).success) {
    return refuseAsNotFound("Payment", paymentId, "No such payment.");
  }
  const row = await getDb().payment.findUnique({ where: { id: paymentId }, select: paymentSelect });
  if (!row) return refuseAsNotFound("Payment", paymentId, "No such payment.");

  const refunds = await getDb().refund.findMany({
    where: { paymentId },
    select: {
      id: true,
      amountMinor: true,
      currency: true,
      status: true,
      cause: true,
      note: true,
      failureCode: true,
      createdAt: true,
    },
    orderBy: { createdAt: "asc" },
  });
  const ledger = await getDb().paymentTransaction.findMany({
    where: { paymentId },
    select: { id: true, kind: true, amountMinor: true, currency: true, providerRef: true, occurredAt: true },
    orderBy: [{ occurredAt: "asc" }, { kind: "asc" }],
  });
  // Events name the payment only by the provider's ids (they are stored before Haven knows which it is).
  const matches = [
    ...(row.checkoutId ? [{ facts: { path: ["checkoutId"], equals: row.checkoutId } }] : []),
    ...(row.providerPaymentId
      ? [{ facts: { path: ["providerPaymentId"], equals: row.providerPaymentId } }]
      : []),
  ];
  const events = matches.length
    ? await getDb().paymentEvent.findMany({
        where: { provider: row.provider, OR: matches },
        select: {
          id: true,
          type: true,
          outcome: true,
          receivedAt: true,
          processedAt: true,
          waitingFor: true,
        },
        orderBy: { receivedAt: "asc" },
        take: 200,
      })
    : [];

  return {
    ...toAdminPayment(row),
    checkoutId: row.checkoutId,
    providerPaymentId: row.providerPaymentId,
    refunds: refunds.map((refund) => ({ ...refund, requestedBy: REQUESTED_BY[refund.cause] })),
    ledger,
    events,
  };
}

/** What the refund action needs to read an amount: the payment's currency and what is left. */
export async function refundTarget(
  actor: AuthenticatedActor,
  paymentId: string,
): Promise<{ currency: string; refundableMinor: number; provider: PaymentProvider }> {
  if (actor.role !== "ADMIN" || !uuid.safeParse(paymentId).success) {
    return refuseAsNotFound("Payment", paymentId, "No such payment.");
  }
  const payment = await getDb().payment.findUnique({
    where: { id: paymentId },
    select: { currency: true, status: true, capturedMinor: true, refundReservedMinor: true, provider: true },
  });
  if (!payment) return refuseAsNotFound("Payment", paymentId, "No such payment.");
  return {
    currency: payment.currency,
    provider: payment.provider,
    refundableMinor: payment.status === "SUCCEEDED" ? payment.capturedMinor - payment.refundReservedMinor : 0,
  };
}

/** Where a refund stands right after it was asked for (the test checkout confirms at once). */
export async function refundOutcome(actor: AuthenticatedActor, refundId: string) {
  if (actor.role !== "ADMIN") return refuseAsNotFound("Refund", refundId);
  const refund = await getDb().refund.findUnique({
    where: { id: refundId },
    select: {
      status: true,
      amountMinor: true,
      currency: true,
      providerRefundId: true,
      failureCode: true,
      payment: { select: { provider: true } },
    },
  });
  if (!refund) return refuseAsNotFound("Refund", refundId);
  return {
    status: refund.status,
    amountMinor: refund.amountMinor,
    currency: refund.currency,
    /** The provider accepted the request (it has its id); else a job keeps trying. */
    submitted: refund.providerRefundId !== null,
    failureCode: refund.failureCode,
    providerLabel: PROVIDER_LABEL[refund.payment.provider],
  };
}

// ---------------------------------------------------------------------------
// Revenue: the ledger summed per doctor × calendar month (UTC) × currency.

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const MAX_MONTHS = 120;

/** A range of whole months, both ends included, as YYYY-MM. */
export interface MonthRange {
  from: string;
  to: string;
}

const monthIndex = (month: string) => {
  const [, year, mon] = MONTH.exec(month)!;
  return Number(year) * 12 + Number(mon) - 1;
};
const monthOfIndex = (index: number) =>
  `${String(Math.floor(index / 12)).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
const monthStart = (month: string) => {
  const index = monthIndex(month);
  return new Date(Date.UTC(Math.floor(index / 12), index % 12, 1));
};

/** The months of a range, oldest first. */
export function monthsOf(range: MonthRange): string[] {
  const months: string[] = [];
  for (let index = monthIndex(range.from); index <= monthIndex(range.to); index += 1) {
    months.push(monthOfIndex(index));
  }
  return months;
}

/** "Nov 2026" */
export function monthLabel(month: string): string {
  return new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" }).format(
    monthStart(month),
  );
}

/**
 * The range a person asked for (YYYY-MM, from a form or a URL), or why it is not one.
 * Missing ends default to the last 12 months up to this month (UTC).
 */
export function parseRevenueRange(
  input: { from?: string | undefined; to?: string | undefined },
  now = new Date(),
): { ok: true; range: MonthRange } | { ok: false; message: string } {
  const from = input.from?.trim() || undefined;
  const to = input.to?.trim() || undefined;
  for (const [label, value] of [
    ["start", from],
    ["end", to],
  ] as const) {
    if (value !== undefined) {
      const match = MONTH.exec(value);
      if (!match || Number(match[1]) < 2000 || Number(match[1]) > 2999) {
        return { ok: false, message: `The ${label} month must be a month like 2026-01.` };
      }
    }
  }
  const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const toIndex = to ? monthIndex(to) : from ? Math.max(monthIndex(from), thisMonth) : thisMonth;
  const fromIndex = from ? monthIndex(from) : toIndex - 11;
  if (fromIndex > toIndex) return { ok: false, message: "The start month is after the end month." };
  if (toIndex - fromIndex + 1 > MAX_MONTHS) {
    return { ok: false, message: `Choose at most ${MAX_MONTHS / 12} years at a time.` };
  }
  return { ok: true, range: { from: monthOfIndex(fromIndex), to: monthOfIndex(toIndex) } };
}

export interface RevenueFigures {
  chargesMinor: number;
  refundsMinor: number;
  feesMinor: number;
  /** charges − refunds − fees */
  netMinor: number;
  chargeCount: number;
  refundCount: number;
}

export interface RevenueRow extends RevenueFigures {
  /** YYYY-MM, UTC */
  month: string;
  doctorId: string;
  doctorName: string;
  currency: string;
}

export interface RevenueReport {
  range: Partial<MonthRange>;
  /** Oldest month first, then currency, then doctor. */
  rows: RevenueRow[];
  /** One per currency (amounts in different currencies are never added). */
  totals: (RevenueFigures & { currency: string })[];
}

const emptyFigures = (): RevenueFigures => ({
  chargesMinor: 0,
  refundsMinor: 0,
  feesMinor: 0,
  netMinor: 0,
  chargeCount: 0,
  refundCount: 0,
});

function addMovement(figures: RevenueFigures, kind: PaymentTransactionKind, amount: number, count: number) {
  if (kind === "CHARGE") {
    figures.chargesMinor += amount;
    figures.chargeCount += count;
  } else if (kind === "REFUND") {
    figures.refundsMinor += amount;
    figures.refundCount += count;
  } else {
    figures.feesMinor += amount;
  }
  figures.netMinor = figures.chargesMinor - figures.refundsMinor - figures.feesMinor;
}

interface LedgerAggregate {
  month: string;
  doctorId: string;
  currency: string;
  kind: PaymentTransactionKind;
  total: bigint | number;
  n: number;
}

/**
 * Revenue per doctor × month × currency, from the ledger in one grouped query
 * (the database sums; thousands of movements come back as a few dozen rows).
 * Months are calendar months in UTC, so everyone's report says the same.
 */
export async function revenueByDoctorAndMonth(
  actor: AuthenticatedActor,
  range: Partial<MonthRange> = {},
): Promise<RevenueReport> {
  await assertAdmin(actor, "Revenue");
  const from = range.from ? monthStart(range.from) : null;
  const to = range.to ? monthStart(monthOfIndex(monthIndex(range.to) + 1)) : null;
  const aggregates = await getDb().$queryRaw<LedgerAggregate[]>`
    SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month,
           doctor_id::text AS "doctorId",
           currency,
           kind::text AS kind,
           sum(amount_minor)::bigint AS total,
           count(*)::int AS n
      FROM payment_transactions
     WHERE (${from}::timestamptz IS NULL OR occurred_at >= ${from}::timestamptz)
       AND (${to}::timestamptz IS NULL OR occurred_at < ${to}::timestamptz)
     GROUP BY 1, 2, 3, 4`;

  const doctorIds = [...new Set(aggregates.map((row) => row.doctorId))];
  const profiles = doctorIds.length
    ? await getDb().doctorProfile.findMany({
        where: { userId: { in: doctorIds } },
        select: { userId: true, displayName: true },
      })
    : [];
  const names = new Map(profiles.map((profile) => [profile.userId, profile.displayName]));

  const rows = new Map<string, RevenueRow>();
  const totals = new Map<string, RevenueFigures & { currency: string }>();
  for (const aggregate of aggregates) {
    const amount = Number(aggregate.total);
    const key = `${aggregate.month}|${aggregate.currency}|${aggregate.doctorId}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        month: aggregate.month,
        doctorId: aggregate.doctorId,
        doctorName: names.get(aggregate.doctorId) ?? `Doctor ${paymentReference(aggregate.doctorId)}`,
        currency: aggregate.currency,
        ...emptyFigures(),
      };
      rows.set(key, row);
    }
    addMovement(row, aggregate.kind, amount, aggregate.n);
    let total = totals.get(aggregate.currency);
    if (!total) {
      total = { currency: aggregate.currency, ...emptyFigures() };
      totals.set(aggregate.currency, total);
    }
    addMovement(total, aggregate.kind, amount, aggregate.n);
  }
  const sorted = [...rows.values()].sort(
    (a, b) =>
      a.month.localeCompare(b.month) ||
      a.currency.localeCompare(b.currency) ||
      a.doctorName.localeCompare(b.doctorName) ||
      a.doctorId.localeCompare(b.doctorId),
  );
  return {
    range,
    rows: sorted,
    totals: [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency)),
  };
}

/** Net per month of one currency, every month of the range (0 where nothing moved), for the chart. */
export function netByMonth(report: RevenueReport, range: MonthRange, currency: string) {
  const net = new Map<string, number>();
  for (const row of report.rows) {
    if (row.currency === currency) net.set(row.month, (net.get(row.month) ?? 0) + row.netMinor);
  }
  return monthsOf(range).map((month) => ({ month, label: monthLabel(month), netMinor: net.get(month) ?? 0 }));
}

/** Minor units as a plain decimal in the currency's own exponent: 1250 EUR → "12.50", 500 JPY → "500". */
export function majorUnits(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * A text cell a spreadsheet will not run: a value starting with = + - @ (or a tab or
 * carriage return, or spaces before one of those) would be read as a formula, so it
 * gets a leading apostrophe (OWASP's advice for CSV injection).
 */
export function spreadsheetSafe(text: string): string {
  return /^[\t\r\n]|^\s*[=+\-@]/.test(text) ? `'${text}` : text;
}

export const REVENUE_CSV_FIELDS = [
  "month",
  "doctor",
  "currency",
  "charges",
  "refunds",
  "fees",
  "net",
  "charges_minor",
  "refunds_minor",
  "fees_minor",
  "net_minor",
  "charge_count",
  "refund_count",
] as const;

/**
 * The report's rows as CSV. Amounts are our own numbers, written as plain decimals;
 * only free text (a doctor's display name) is guarded against formula injection.
 * Starts with a byte-order mark so spreadsheet programs read the names as UTF-8.
 */
export function revenueRowsToCsv(rows: readonly RevenueRow[]): string {
  const data = rows.map((row) => [
    row.month,
    spreadsheetSafe(row.doctorName),
    row.currency,
    majorUnits(row.chargesMinor, row.currency),
    majorUnits(row.refundsMinor, row.currency),
    majorUnits(row.feesMinor, row.currency),
    majorUnits(row.netMinor, row.currency),
    String(row.chargesMinor),
    String(row.refundsMinor),
    String(row.feesMinor),
    String(row.netMinor),
    String(row.chargeCount),
    String(row.refundCount),
  ]);
  return `\uFEFF${Papa.unparse({ fields: [...REVENUE_CSV_FIELDS], data }, { newline: "\r\n" })}\r\n`;
}

/** The revenue of a range as CSV; the export is audited (who, which range, how many rows). */
export async function revenueCsv(actor: AuthenticatedActor, range: MonthRange): Promise<string> {
  const report = await revenueByDoctorAndMonth(actor, range);
  await recordAuditEvent({
    action: "revenue.exported",
    resourceType: "Revenue",
    resourceId: null,
    details: { from: range.from, to: range.to, rows: report.rows.length, format: "csv" },
  });
  return revenueRowsToCsv(report.rows);
}
