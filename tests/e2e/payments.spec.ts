// Paying for a visit as people do it, with the TEST MODE provider (the e2e
// server has no provider keys): a patient books Dr. Lindqvist (€60), pays on the
// test checkout and lands on a confirmed visit; cancels and sees the refund on
// the visit, the billing page and the receipt; a declined card keeps the time
// held until the hold ends, then frees it. Amounts sent by the browser change
// nothing; every payment page and route answers 404 to anyone else; the admin
// refunds by hand, reads revenue (and its CSV) and the settings.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "@playwright/test";
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import {
  expect,
  expectAccessiblePage,
  payInTestMode,
  postServerAction,
  refusalsOf,
  signInAdmin,
  signInDoctor,
  signInPatient,
  signUpConfirmedPatient,
  sql,
  test,
  watchForPageProblems,
} from "./fixtures";

const PASSWORD = "amber-quay-violin-58";
test.describe.configure({ mode: "serial" });

let patientEmail = "";
let lindqvistId = "";
let paidVisitId = "";
let paymentId = "";
let checkoutId = "";

/** The first free time of Dr. Lindqvist's at least `hours` ahead, from the week on show. */
async function chooseTime(page: Page, hours: number, week = 1): Promise<string> {
  await page.goto(`/doctors/${lindqvistId}?week=${week}`);
  const values = await page
    .locator('input[name="startsAt"]')
    .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
  const at = values.find((value) => new Date(value).getTime() > Date.now() + hours * 3_600_000);
  expect(at, "a free time far enough ahead").toBeTruthy();
  await page.locator(`input[name="startsAt"][value="${at}"]`).check();
  await page.getByLabel("Reason for the visit").fill("Itchy patches on both elbows");
  return at!;
}

async function receiptText(page: Page, id: string): Promise<string> {
  const response = await page.request.get(`/api/payments/${id}/receipt`);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("application/pdf");
  const file = path.join(mkdtempSync(path.join(tmpdir(), "haven-receipt-")), "receipt.pdf");
  writeFileSync(file, await response.body());
  return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
}

const paymentOf = async (visitId: string) =>
  (
    await sql<{ id: string; checkout_id: string; amount_minor: number; currency: string; status: string }>(
      "SELECT id, checkout_id, amount_minor, currency, status FROM payments WHERE appointment_id = $1 ORDER BY created_at DESC",
      [visitId],
    )
  )[0]!;

test("a patient books, pays on the test checkout, lands on a confirmed visit and downloads the receipt", async ({
  page,
}) => {
  const assertNoProblems = watchForPageProblems(page);
  const [lindqvist] = await sql<{ user_id: string }>(
    "SELECT user_id FROM doctor_profiles WHERE display_name = 'Dr. Erik Lindqvist'",
  );
  lindqvistId = lindqvist!.user_id;
  patientEmail = await signUpConfirmedPatient(page, "Greta Holm", PASSWORD);
  await signInPatient(page, patientEmail);
  await chooseTime(page, 72);
  await page.getByRole("button", { name: "Book this time" }).click();
  await expect(page.getByText("€60.00").first()).toBeVisible();
  paidVisitId = await payInTestMode(page);
  await expect(page.getByText("Confirmed", { exact: true })).toBeVisible();
  await expectAccessiblePage(page);
  const payment = await paymentOf(paidVisitId);
  expect(payment).toMatchObject({ amount_minor: 6000, currency: "EUR", status: "SUCCEEDED" });
  paymentId = payment.id;
  checkoutId = payment.checkout_id;
  // Confirmed by the (signed, stored) webhook, not by the return to the visit page.
  const [event] = await sql<{ outcome: string }>(
    "SELECT outcome FROM payment_events WHERE provider = 'TEST' AND facts->>'checkoutId' = $1",
    [checkoutId],
  );
  expect(event?.outcome).toBe("confirmed");

  await page.goto("/patient/billing");
  await expect(page.getByRole("heading", { name: "Billing" })).toBeVisible();
  await expect(page.getByText("€60.00").first()).toBeVisible();
  await expectAccessiblePage(page);
  const receipt = await receiptText(page, paymentId);
  expect(receipt).toContain("Greta Holm");
  expect(receipt).toContain("Dr. Erik Lindqvist");
  expect(receipt).toMatch(/TEST MODE/);
  expect(receipt).toContain("€60.00");
  assertNoProblems();
});

test("cancelling early refunds in full: the visit, the billing page and the receipt show it", async ({
  page,
}) => {
  await signInPatient(page, patientEmail);
  await page.goto(`/patient/visits/${paidVisitId}`);
  await expect(page.getByText(/Cancel at least 48 hours before the visit for a full refund/)).toBeVisible();
  await page.getByLabel("Why do you cancel?").fill("Travelling that week");
  await page.getByRole("button", { name: "Cancel the visit" }).click();
  await page.waitForURL(`**/patient/visits/${paidVisitId}?cancelled=1`);
  await expect(page.getByText("€60.00 refunded.")).toBeVisible();
  await expectAccessiblePage(page);
  await page.goto("/patient/billing");
  await expect(page.getByText("€60.00 refunded")).toBeVisible();
  await expectAccessiblePage(page);
  expect(await receiptText(page, paymentId)).toMatch(/Refund[\s\S]*€60\.00/);
  const [row] = await sql<{ captured_minor: number; refunded_minor: number }>(
    "SELECT captured_minor, refunded_minor FROM payments WHERE id = $1",
    [paymentId],
  );
  expect(row).toEqual({ captured_minor: 6000, refunded_minor: 6000 });
});

test("a declined card keeps the time held until the hold ends, then frees it", async ({ page }) => {
  await signInPatient(page, patientEmail);
  const at = await chooseTime(page, 96);
  await page.getByRole("button", { name: "Book this time" }).click();
  const visitId = await payInTestMode(page, "decline");
  await expect(page.getByText("Held for you", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Pay €60.00" })).toBeVisible();
  await expectAccessiblePage(page);
  // Still held: nobody else is offered the time.
  await page.goto(`/doctors/${lindqvistId}?week=1`);
  await expect(page.locator(`input[name="startsAt"][value="${at}"]`)).toHaveCount(0);

  // The hold ends (as if its minutes had passed): the time is free again, nothing was charged.
  await sql("UPDATE appointments SET hold_expires_at = now() - interval '1 second' WHERE id = $1", [visitId]);
  await page.goto(`/doctors/${lindqvistId}?week=1`);
  await expect(page.locator(`input[name="startsAt"][value="${at}"]`)).toHaveCount(1);
  await page.goto(`/patient/visits/${visitId}`);
  await expect(page.getByText(/The hold ended before the visit was paid/)).toBeVisible();
  await expectAccessiblePage(page);
  const ledger = await sql("SELECT 1 FROM payment_transactions WHERE payment_id = $1", [
    (await paymentOf(visitId)).id,
  ]);
  expect(ledger).toHaveLength(0);
});

test("an amount or currency sent by the browser changes nothing", async ({ page }) => {
  await signInPatient(page, patientEmail);
  const at = await chooseTime(page, 120);
  const booked = await postServerAction(page, `/doctors/${lindqvistId}`, "bookVisitAction", {
    doctorId: lindqvistId,
    startsAt: at,
    reason: "Follow-up on the patches",
    feeMinor: "1",
    amount: "1",
    amountMinor: "1",
    currency: "JPY",
  });
  expect(booked.status).toBeLessThan(400);
  const [visit] = await sql<{ id: string; fee_minor: number; currency: string }>(
    "SELECT a.id, a.fee_minor, a.currency FROM appointments a JOIN users u ON u.id = a.patient_id WHERE a.starts_at = $1 AND a.doctor_id = $2 AND a.status = 'HELD'",
    [at, lindqvistId],
  );
  expect(visit).toMatchObject({ fee_minor: 6000, currency: "EUR" });
  const payment = await paymentOf(visit!.id);
  expect(payment).toMatchObject({ amount_minor: 6000, currency: "EUR" });
  const paid = await postServerAction(page, `/pay/test/${payment.checkout_id}`, "testCheckoutAction", {
    checkoutId: payment.checkout_id,
    outcome: "succeed",
    amountMinor: "1",
    currency: "JPY",
  });
  expect(paid.status).toBeLessThan(400);
  const ledger = await sql<{ kind: string; amount_minor: number; currency: string }>(
    "SELECT kind, amount_minor, currency FROM payment_transactions WHERE payment_id = $1 AND kind = 'CHARGE'",
    [payment.id],
  );
  expect(ledger).toEqual([{ kind: "CHARGE", amount_minor: 6000, currency: "EUR" }]);
});

test("payment pages and routes answer 404 to another patient, a doctor without the visit, an admin and anonymous visitors", async ({
  page,
  browser,
}) => {
  const pages = [`/pay/test/${checkoutId}`, `/patient/pay/${paymentId}`];
  const routes = [`/api/payments/${paymentId}/receipt`, `/api/appointments/${paidVisitId}/payment`];
  const before = await refusalsOf(paymentId);

  // Anonymous: pages go to sign-in, the API answers 404.
  for (const pagePath of pages) {
    await page.goto(pagePath);
    expect(new URL(page.url()).pathname, pagePath).toBe("/sign-in");
  }
  for (const route of routes) expect((await page.request.get(route)).status(), route).toBe(404);

  // A patient of their own (a demo patient's extra session would show in other specs).
  await signInPatient(page, await signUpConfirmedPatient(page, "Otto Berg", PASSWORD));
  const okafor = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  for (const outsider of [page, okafor, admin]) {
    for (const pagePath of pages) expect((await outsider.goto(pagePath))?.status(), pagePath).toBe(404);
    for (const route of routes) expect((await outsider.request.get(route)).status(), route).toBe(404);
  }
  expect(await refusalsOf(paymentId)).toBeGreaterThan(before);
  // The admin's payment page is the admin's only.
  for (const outsider of [page, okafor]) {
    expect((await outsider.goto(`/admin/payments/${paymentId}`))?.status()).toBe(404);
  }
  await okafor.context().close();
  await admin.context().close();
});

test("the admin refunds by hand (never more than captured), reads revenue and its CSV, and the settings", async ({
  browser,
}) => {
  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  const assertNoProblems = watchForPageProblems(admin);
  const [demo] = await sql<{ id: string }>(
    "SELECT id FROM payments WHERE status = 'SUCCEEDED' AND refund_reserved_minor = 0 ORDER BY created_at LIMIT 1",
  );
  await admin.goto("/admin/payments");
  await expect(admin.getByRole("heading", { name: "Payments", exact: true })).toBeVisible();
  await expectAccessiblePage(admin);
  await admin.goto(`/admin/payments/${demo!.id}`);
  await expectAccessiblePage(admin);
  const amount = admin.getByLabel(/^Amount/);
  await amount.fill("100000");
  await admin.getByLabel("Why you refund").fill("Goodwill after a late start");
  await admin.getByRole("button", { name: "Refund" }).click();
  await expect(admin.getByText(/can still be refunded/).first()).toBeVisible();
  await amount.fill("10");
  await admin.getByRole("button", { name: "Refund" }).click();
  await expect(admin.getByText(/Refund of €10\.00 done/)).toBeVisible();
  await expectAccessiblePage(admin);
  const [row] = await sql<{ refunded_minor: number }>("SELECT refunded_minor FROM payments WHERE id = $1", [
    demo!.id,
  ]);
  expect(row?.refunded_minor).toBe(1000);

  await admin.goto("/admin/revenue");
  await expect(admin.getByRole("heading", { name: "Revenue" })).toBeVisible();
  await expect(admin.getByText("Dr. Erik Lindqvist").first()).toBeVisible();
  await expectAccessiblePage(admin);
  const csvHref = await admin.getByRole("link", { name: /CSV/ }).getAttribute("href");
  const csv = await admin.request.get(csvHref!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toMatch(/^text\/csv/);
  expect(await csv.text()).toMatch(/Dr\. Erik Lindqvist/);

  await admin.goto("/admin/settings");
  await expect(admin.getByText(/\/api\/payments\/webhooks\/stripe/)).toBeVisible();
  await expect(admin.getByText(/\/api\/payments\/webhooks\/razorpay/)).toBeVisible();
  await expectAccessiblePage(admin);
  assertNoProblems();
  await admin.context().close();
});
