// Corrections and the admins' request queue as people meet them. Dr. Okafor signs a note in Jonas
// Weber's chart; Jonas asks for a correction of it (a refused form keeps what he wrote), it reaches
// Dr. Okafor, who answers; Jonas reads the answer on his privacy page. The admin finds the request
// in the queue, sees its steps and the patient's account, and places and releases a legal hold.
// Another doctor, the patient on the doctor's page, other roles and anonymous visitors get 404 or
// sign-in. Every page visited is checked with axe.
import type { Page } from "@playwright/test";
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import {
  expect,
  expectAccessiblePage,
  refusalsOf,
  signInAdmin,
  signInDoctor,
  signInPatient,
  sql,
  test,
  watchForPageProblems,
} from "./fixtures";

test.describe.configure({ mode: "serial" });

const JONAS = DEMO_EMAILS.patients[1];
const REQUEST_TEXT = "The note says the pain started in my left knee; it was the right knee.";
const ANSWER_TEXT = "Added an amendment: the pain is in the right knee, as you said.";

let noteId = "";
let requestId = "";

/** A page that must not open for this visitor: 404 when signed in, sign-in when anonymous. */
async function expectClosed(page: Page, path: string, signedIn: boolean): Promise<void> {
  const response = await page.goto(path);
  if (signedIn) expect(response?.status(), path).toBe(404);
  else expect(new URL(page.url()).pathname, path).toBe("/sign-in");
}

test("a patient asks for a correction of a note; its author answers; the patient reads the answer", async ({
  browser,
  page,
}) => {
  test.setTimeout(180_000);
  const doctor = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  const doctorProblems = watchForPageProblems(doctor);
  await doctor.getByRole("link", { name: "Patients", exact: true }).click();
  await doctor.getByRole("link", { name: "Jonas Weber" }).click();
  await doctor.waitForURL(/\/doctor\/patients\/[0-9a-f-]{36}$/);
  await doctor.getByRole("button", { name: "Start a note" }).click();
  await doctor.waitForURL(/\/doctor\/notes\/[0-9a-f-]{36}$/);
  noteId = doctor.url().split("/").at(-1)!;
  await doctor.getByLabel("Subjective").fill("Knee pain for two weeks after running.");
  await doctor.getByLabel("Assessment").fill("Patellofemoral pain, left knee.");
  await doctor.getByRole("button", { name: "Save the draft" }).click();
  await expect(doctor.getByText(/Draft saved at/)).toBeVisible();
  await doctor.getByLabel("I have reviewed this note and sign it").check();
  await doctor.getByRole("button", { name: "Sign the note" }).click();
  await doctor.waitForURL(/\?signed=1$/);

  // The patient asks; a refused form shows what is wrong and keeps what was typed.
  const patientProblems = watchForPageProblems(page);
  await signInPatient(page, JONAS);
  await page.goto("/patient/privacy");
  await page.getByRole("link", { name: "Ask for a correction" }).click();
  await page.waitForURL("**/patient/privacy/correction");
  await expect(page.getByRole("heading", { level: 1, name: "Ask for a correction" })).toBeVisible();
  await expectAccessiblePage(page);
  await page.getByLabel("What is wrong, and what should it say").fill(REQUEST_TEXT);
  await page.getByRole("button", { name: "Send the request" }).click();
  await expect(page.getByText("Choose what should be corrected from the list.")).toBeVisible();
  await expect(page.getByLabel("What is wrong, and what should it say")).toHaveValue(REQUEST_TEXT);
  await page.getByLabel("What should be corrected").selectOption(`note:${noteId}`);
  await page.getByLabel("What is wrong, and what should it say").fill("Too short");
  await page.getByRole("button", { name: "Send the request" }).click();
  await expect(page.getByText(/in at least 10 characters/)).toBeVisible();
  await expect(page.getByLabel("What should be corrected")).toHaveValue(`note:${noteId}`);
  await page.getByLabel("What is wrong, and what should it say").fill(REQUEST_TEXT);
  await page.getByRole("button", { name: "Send the request" }).click();
  await expect(page.getByText(/Your request was sent to Dr\. Amara Okafor, who answers by/)).toBeVisible();
  await expectAccessiblePage(page);

  const [row] = await sql<{ id: string; details: string }>(
    "SELECT id::text, details FROM data_requests WHERE target_id = $1",
    [noteId],
  );
  requestId = row!.id;
  expect(row!.details).not.toContain("right knee");

  await page.goto("/patient/privacy");
  const mine = page.getByTestId("rights-request").filter({ hasText: REQUEST_TEXT });
  await expect(mine.getByText("Received", { exact: true })).toBeVisible();
  await expectAccessiblePage(page);

  // The author sees it in their corrections and answers.
  await doctor.getByRole("link", { name: "Corrections", exact: true }).click();
  await expect(doctor.getByRole("heading", { level: 1, name: "Corrections" })).toBeVisible();
  await expectAccessiblePage(doctor);
  await doctor.locator(`a[href="/doctor/corrections/${requestId}"]`).click();
  await expect(
    doctor.getByRole("heading", { level: 1, name: "Correction requested by Jonas Weber" }),
  ).toBeVisible();
  await expect(doctor.getByTestId("correction-request")).toHaveText(REQUEST_TEXT);
  await expect(doctor.getByRole("link", { name: "Open the note (add an amendment there)" })).toHaveAttribute(
    "href",
    `/doctor/notes/${noteId}`,
  );
  await expectAccessiblePage(doctor);
  await doctor.getByLabel("Answer", { exact: true }).selectOption("CORRECTED");
  await doctor.getByLabel("What you changed, or why the record stays as it is").fill(ANSWER_TEXT);
  await doctor.getByRole("button", { name: "Send the answer" }).click();
  await expect(doctor.getByRole("heading", { name: "Corrected" })).toBeVisible();
  await expectAccessiblePage(doctor);
  doctorProblems();
  await doctor.context().close();

  await page.goto("/patient/privacy");
  await expect(mine.getByTestId("rights-answer")).toContainText(ANSWER_TEXT);
  await expect(mine.getByText("Completed", { exact: true })).toBeVisible();
  await expectAccessiblePage(page);
  patientProblems();

  // The patient does not open the doctor's page of their own request.
  await expectClosed(page, `/doctor/corrections/${requestId}`, true);
  await expectClosed(page, `/admin/requests/${requestId}`, true);
});

test("the admin finds the request in the queue, with its steps and the patient's account, and holds the data", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  const problems = watchForPageProblems(admin);
  await admin.getByRole("link", { name: "Data requests", exact: true }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Data requests" })).toBeVisible();
  await expect(admin.getByTestId("queue-row").first()).toBeVisible();
  await expectAccessiblePage(admin);
  await admin.getByRole("navigation", { name: "Kind" }).getByRole("link", { name: "Correction" }).click();
  await admin.waitForURL(/kind=CORRECTION/);
  await expect(admin.getByTestId("queue-row").filter({ hasText: "Export" })).toHaveCount(0);
  await admin.locator(`a[href="/admin/requests/${requestId}"]`).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Correction request" })).toBeVisible();
  expect(admin.url()).not.toContain("@");
  await expect(admin.getByText(JONAS)).toBeVisible();
  await expect(admin.getByText(REQUEST_TEXT)).toHaveCount(0);
  await expect(admin.getByText(/corrected by the doctor → Completed/)).toBeVisible();
  await expectAccessiblePage(admin);

  await admin
    .getByLabel("Why the data must be kept")
    .fill("Complaint to the medical board about knee care, ref MB-2026-31.");
  await admin.getByRole("button", { name: "Place a legal hold" }).click();
  await expect(admin.getByTestId("legal-hold-active")).toBeVisible();
  await expectAccessiblePage(admin);
  await admin.getByLabel("Why the hold ends").fill("The board closed the complaint without findings.");
  await admin.getByRole("button", { name: "Release the legal hold" }).click();
  await expect(admin.getByTestId("legal-hold-active")).toHaveCount(0);
  await expect(admin.getByText("Earlier holds")).toBeVisible();
  problems();
  await admin.context().close();
});

test("nobody else opens the request pages: another doctor, other roles get 404; anonymous visitors sign in", async ({
  browser,
  page,
}) => {
  test.setTimeout(120_000);
  const other = await signInDoctor(browser, DEMO_EMAILS.doctors[1]);
  const before = await refusalsOf(requestId);
  await expectClosed(other, `/doctor/corrections/${requestId}`, true);
  expect(await refusalsOf(requestId)).toBe(before + 1);
  await expectClosed(other, `/admin/requests/${requestId}`, true);
  await other.context().close();

  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  await expectClosed(admin, `/doctor/corrections/${requestId}`, true);
  await admin.context().close();

  await signInPatient(page, DEMO_EMAILS.patients[2]);
  await expectClosed(page, `/doctor/corrections/${requestId}`, true);
  await expectClosed(page, `/admin/requests/${requestId}`, true);
  await page.context().clearCookies();
  await expectClosed(page, `/doctor/corrections/${requestId}`, false);
  await expectClosed(page, `/admin/requests/${requestId}`, false);
  await expectClosed(page, "/patient/privacy/correction", false);
});
