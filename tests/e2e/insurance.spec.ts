// Insurance eligibility as people meet it, against the sandbox insurers (test member ids, see
// lib/integrations/sandbox-payer/server.ts). A new patient sends an empty form (refused field by
// field, nothing sent), then checks an active plan with the X12 insurer: the browser sends only
// the encrypted payload, no URL carries the details, and the session's keys are destroyed after the
// answer. An inactive plan (FHIR insurer) and an unknown member say so. On the booking page the
// patient checks again and the status there follows; after a paid visit their doctor's chart and
// an admin's account page show the status and never the member id. Doctors, admins and anonymous
// visitors get 404 (or sign-in) for the insurance page and its API. Every page visited is checked
// with axe.
import type { Page, Request } from "@playwright/test";
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import {
  expect,
  expectAccessiblePage,
  payInTestMode,
  signInAdmin,
  signInDoctor,
  signInPatient,
  signUpConfirmedPatient,
  sql,
  test,
  watchForPageProblems,
} from "./fixtures";

test.describe.configure({ mode: "serial" });

const PASSWORD = "quiet-meadow-ledger-63";
const FIRST_NAME = "Ines";
const LAST_NAME = "Navarro";
const DATE_OF_BIRTH = "1980-01-31";
const X12_INSURER = "Haven Sandbox Health (X12)";
const FHIR_INSURER = "Haven Sandbox Care (FHIR)";
const REFERENCE = /HVN-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/;
const NOT_FOUND_REASON =
  "The insurer could not find this member. Check the member ID, name and date of birth against your insurance card.";

let patientEmail = "";
let patientId = "";
let activeReference = "";
let lindqvistId = "";

const insuranceCalls = (requests: readonly Request[]) =>
  requests.filter((request) => new URL(request.url()).pathname.startsWith("/api/insurance/"));

/** Fills the check form (the one on the page, or the booking page's) and sends it. */
async function checkCoverage(page: Page, insurer: string, memberId: string): Promise<void> {
  const form = page.getByRole("form", { name: "Check my insurance" });
  await form.getByLabel("Insurer", { exact: true }).selectOption({ label: insurer });
  await form.getByLabel("Member id", { exact: true }).fill(memberId);
  await form.getByLabel("Subscriber's first name").fill(FIRST_NAME);
  await form.getByLabel("Subscriber's last name").fill(LAST_NAME);
  await form.getByLabel("Subscriber's date of birth").fill(DATE_OF_BIRTH);
  await form.getByLabel(/^I agree that Haven sends these details to my insurer/).check();
  await form.getByRole("button", { name: "Check my coverage" }).click();
}

/** The answer shown under the form (a live region, announced when it arrives). */
const liveResult = (page: Page) =>
  page.getByRole("form", { name: "Check my insurance" }).getByTestId("insurance-result");

test("a patient's empty form is refused field by field; an active plan is checked with nothing of the details in the clear", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const problems = watchForPageProblems(page);
  patientEmail = await signUpConfirmedPatient(page, `${FIRST_NAME} ${LAST_NAME}`, PASSWORD);
  const [account] = await sql<{ id: string }>(
    "SELECT id::text FROM users WHERE role = 'PATIENT' ORDER BY created_at DESC LIMIT 1",
  );
  patientId = account!.id;
  await signInPatient(page, patientEmail);

  const requests: Request[] = [];
  page.on("request", (request) => requests.push(request));

  await page.getByRole("link", { name: "Insurance", exact: true }).click();
  await page.waitForURL("**/patient/insurance");
  await expect(page.getByRole("heading", { level: 1, name: "Insurance" })).toBeVisible();
  await expect(
    page.getByText("This clinic does not check insurance online."),
    "the e2e server runs with INSURANCE_PAYER_ADAPTER=sandbox (a production build turns checks off by default)",
  ).toHaveCount(0);
  await expect(page.getByText("No checks yet.")).toBeVisible();
  await expectAccessiblePage(page);

  // Empty: every missing field says what it needs, next to the field, and nothing leaves the browser.
  await page.getByRole("button", { name: "Check my coverage" }).click();
  const form = page.getByRole("form", { name: "Check my insurance" });
  await expect(form.getByLabel("Insurer", { exact: true })).toHaveAccessibleDescription(
    "Choose your insurer.",
  );
  await expect(form.getByLabel("Member id", { exact: true })).toHaveAccessibleDescription(
    "Enter the member id from your insurance card.",
  );
  await expect(form.getByLabel("Subscriber's first name")).toHaveAccessibleDescription(
    "Enter the subscriber's first name.",
  );
  await expect(form.getByLabel("Subscriber's last name")).toHaveAccessibleDescription(
    "Enter the subscriber's last name.",
  );
  await expect(form.getByLabel("Subscriber's date of birth")).toHaveAccessibleDescription(
    "Enter the subscriber's date of birth.",
  );
  await expect(
    form.getByText("Agree to your details being sent to your insurer for this check."),
  ).toBeVisible();
  await expect(form.getByLabel("Member id", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByRole("status")).toHaveCount(0);
  await expectAccessiblePage(page);
  expect(insuranceCalls(requests), "an invalid form sends nothing").toEqual([]);

  // The X12 insurer answers for the active test member.
  const verifyRequest = page.waitForRequest((request) => request.url().endsWith("/api/insurance/verify"));
  const cleanupResponse = page.waitForResponse((response) =>
    response.url().endsWith("/api/insurance/cleanup-session"),
  );
  await checkCoverage(page, X12_INSURER, "SBX-ACTIVE-1001");
  const result = liveResult(page);
  await expect(result).toContainText("Coverage active · Sandbox Gold PPO");
  await expect(result, "the answer is announced").toHaveAttribute("role", "status");
  await expect(result).toContainText(`${X12_INSURER}, member id ending 1001`);
  await expect(result).toContainText("Copay per visit: US$25.00");
  await expect(result).toContainText("Coinsurance: 20 % after the deductible");
  await expect(result).toContainText("Covered from 1 Jan 2026 until 31 Dec 2026");
  await expect(result).toContainText(REFERENCE);
  activeReference = REFERENCE.exec((await result.textContent())!)![0];
  await expectAccessiblePage(page);

  // What travelled: an empty init-session, then only the sealed payload; the keys destroyed after.
  const sent = await verifyRequest;
  const body = sent.postDataJSON() as {
    sessionId: string;
    encryptedPayload: Record<string, unknown>;
    timestamp: number;
    patientConsent: boolean;
  };
  expect(Object.keys(body).sort()).toEqual(["encryptedPayload", "patientConsent", "sessionId", "timestamp"]);
  expect(Object.keys(body.encryptedPayload).sort()).toEqual(["ct", "epk", "iv", "v"]);
  expect(body.patientConsent).toBe(true);
  expect(sent.headers()["x-session-id"]).toBe(body.sessionId);
  const plaintext = ["SBX-ACTIVE-1001", "ACTIVE-1001", FIRST_NAME, LAST_NAME, DATE_OF_BIRTH, "19800131"];
  for (const value of plaintext) {
    expect(sent.postData(), `the verify body holds no ${value}`).not.toContain(value);
  }
  const initSession = insuranceCalls(requests).find((request) => request.url().endsWith("/init-session"));
  expect(initSession?.postData()).toBe("{}");
  const cleanup = await cleanupResponse;
  expect(cleanup.status()).toBe(204);
  expect(cleanup.request().headers()["x-session-id"]).toBe(body.sessionId);
  const [session] = await sql<{ n: string }>("SELECT count(*) AS n FROM insurance_sessions WHERE id = $1", [
    body.sessionId,
  ]);
  expect(Number(session!.n), "the session's keys are gone").toBe(0);
  // Stored encrypted: the raw row holds neither the member id nor the name.
  const [stored] = await sql<{ request: string; result: string }>(
    "SELECT request, result FROM insurance_verifications WHERE reference_number = $1",
    [activeReference],
  );
  for (const value of ["SBX-ACTIVE-1001", LAST_NAME, DATE_OF_BIRTH]) {
    expect(stored!.request).not.toContain(value);
  }
  expect(stored!.result).not.toContain("Sandbox Gold PPO");

  // The check is listed after a reload, with what the patient saw.
  await page.reload();
  const recent = page.getByRole("list", { name: "Recent insurance checks" });
  await expect(recent.getByRole("listitem")).toHaveCount(1);
  await expect(recent).toContainText("Coverage active · Sandbox Gold PPO");
  await expect(recent).toContainText("Copay per visit: US$25.00");
  await expect(recent).toContainText(`Reference ${activeReference}`);
  await expectAccessiblePage(page);

  // The health profile shows the latest status, and leads to the check.
  await page.goto("/patient/health");
  await expect(page.getByTestId("coverage-status")).toContainText("Insurance: Coverage active, checked");
  await expect(page.getByTestId("coverage-status")).toContainText(`(reference ${activeReference})`);
  await expect(page.getByRole("link", { name: "Check your insurance coverage" })).toHaveAttribute(
    "href",
    "/patient/insurance",
  );
  await expectAccessiblePage(page);

  // No URL the browser asked for carried any of the details.
  for (const request of requests) {
    const url = decodeURIComponent(request.url()).toLowerCase();
    for (const value of plaintext) expect(url, request.url()).not.toContain(value.toLowerCase());
  }
  problems();
});

test("an inactive plan (FHIR insurer) and an unknown member id give clear answers", async ({ page }) => {
  test.setTimeout(60_000);
  const problems = watchForPageProblems(page);
  await signInPatient(page, patientEmail);
  await page.goto("/patient/insurance");

  await checkCoverage(page, FHIR_INSURER, "SBX-INACTIVE-2002");
  const result = liveResult(page);
  await expect(result).toContainText("Coverage inactive · Sandbox Silver EPO");
  await expect(result).toContainText(`${FHIR_INSURER}, member id ending 2002`);
  await expect(result).toContainText("Covered until 30 Jun 2026");
  await expect(result).not.toContainText("Copay");
  await expectAccessiblePage(page);

  await checkCoverage(page, X12_INSURER, "SBX-NOTFOUND-3003");
  await expect(result).toContainText("Member not found");
  await expect(result).toContainText(`${X12_INSURER}, member id ending 3003`);
  await expect(result).toContainText(NOT_FOUND_REASON);
  await expectAccessiblePage(page);

  // Newest first, the earlier active check still listed.
  await page.reload();
  const checks = page.getByRole("list", { name: "Recent insurance checks" }).getByRole("listitem");
  await expect(checks).toHaveCount(3);
  await expect(checks.nth(0)).toContainText("Member not found");
  await expect(checks.nth(1)).toContainText("Coverage inactive · Sandbox Silver EPO");
  await expect(checks.nth(2)).toContainText(`Reference ${activeReference}`);
  await expectAccessiblePage(page);
  problems();
});

test("on the booking page the patient sees the latest status, checks again from there, and books", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const problems = watchForPageProblems(page);
  const [lindqvist] = await sql<{ user_id: string }>(
    "SELECT user_id FROM doctor_profiles WHERE display_name = 'Dr. Erik Lindqvist'",
  );
  lindqvistId = lindqvist!.user_id;
  await signInPatient(page, patientEmail);
  // Six weeks out, clear of the other specs' times with Dr. Lindqvist.
  await page.goto(`/doctors/${lindqvistId}?week=6`);
  const status = page.getByTestId("coverage-status");
  await expect(status).toContainText("Insurance: Member not found, checked");
  const disclosure = page.locator("details").filter({ hasText: "Check your insurance before you book" });
  await expect(disclosure.getByLabel("Member id", { exact: true })).toBeHidden();
  await expectAccessiblePage(page);

  await disclosure.getByText("Check your insurance before you book").click();
  await checkCoverage(page, FHIR_INSURER, "SBX-ACTIVE-1001");
  await expect(liveResult(page)).toContainText("Coverage active · Sandbox Gold PPO");
  await expect(liveResult(page)).toContainText("Copay per visit: US$25.00");
  const reference = REFERENCE.exec((await liveResult(page).textContent())!)![0];
  // The page refreshes its server part: the status line follows the new check.
  await expect(status).toContainText("Insurance: Coverage active, checked");
  await expect(status).toContainText(`(reference ${reference})`);
  activeReference = reference;
  await expectAccessiblePage(page);

  // A visit with Dr. Lindqvist makes him a treating doctor (the next test).
  const times = await page
    .locator('input[name="startsAt"]')
    .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
  expect(times.length, "free times six weeks out").toBeGreaterThan(0);
  await page.locator(`input[name="startsAt"][value="${times.at(-1)}"]`).check();
  await page.getByLabel("Reason for the visit").fill("Rash on both forearms since the summer");
  await page.getByRole("button", { name: "Book this time" }).click();
  await payInTestMode(page);
  problems();
});

test("the treating doctor and an admin see the status, never the member id; neither opens the patient's insurance page or its API", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const neverShown = ["SBX-ACTIVE-1001", "ACTIVE-1001", "Sandbox Gold PPO", "US$25.00", DATE_OF_BIRTH];

  const doctor = await signInDoctor(browser, DEMO_EMAILS.doctors[1]);
  const doctorProblems = watchForPageProblems(doctor);
  await doctor.goto(`/doctor/patients/${patientId}`);
  await expect(doctor.getByRole("heading", { level: 1, name: `${FIRST_NAME} ${LAST_NAME}` })).toBeVisible();
  await expect(doctor.getByTestId("coverage-status")).toContainText("Insurance: Coverage active, checked");
  await expect(doctor.getByTestId("coverage-status")).toContainText(`(reference ${activeReference})`);
  const chart = (await doctor.locator("main").textContent()) ?? "";
  for (const value of neverShown) expect(chart, `the chart shows no ${value}`).not.toContain(value);
  await expectAccessiblePage(doctor);
  expect((await doctor.goto("/patient/insurance"))?.status()).toBe(404);
  expect((await doctor.request.post("/api/insurance/init-session", { data: {} })).status()).toBe(404);
  doctorProblems();
  await doctor.context().close();

  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  const adminProblems = watchForPageProblems(admin);
  await admin.goto(`/admin/users/${patientId}`);
  await expect(admin.getByTestId("coverage-status")).toContainText("Insurance: Coverage active, checked");
  await expect(admin.getByTestId("coverage-status")).toContainText(`(reference ${activeReference})`);
  const account = (await admin.locator("main").textContent()) ?? "";
  for (const value of neverShown) expect(account, `the account page shows no ${value}`).not.toContain(value);
  await expectAccessiblePage(admin);
  expect((await admin.goto("/patient/insurance"))?.status()).toBe(404);
  expect((await admin.request.post("/api/insurance/init-session", { data: {} })).status()).toBe(404);
  adminProblems();
  await admin.context().close();
});

test("anonymous visitors are sent to sign-in from the insurance page and get 404 from its API", async ({
  page,
}) => {
  await page.goto("/patient/insurance");
  expect(new URL(page.url()).pathname).toBe("/sign-in");
  const someSession = { "x-session-id": "00000000-0000-4000-8000-000000000000" };
  expect((await page.request.post("/api/insurance/init-session", { data: {} })).status()).toBe(404);
  expect(
    (await page.request.post("/api/insurance/verify", { data: {}, headers: someSession })).status(),
  ).toBe(404);
  expect((await page.request.post("/api/insurance/cleanup-session", { headers: someSession })).status()).toBe(
    404,
  );
});
