// The chart and consultation notes as a doctor uses them: Dr. Okafor opens the
// chart of Maya Patel (they share visits), writes a SOAP note, is stopped from
// signing without confirming the review, signs it, and appends an amendment.
// Nobody else reaches the chart or the note: another doctor, the patient herself
// on the doctor's pages, the admin (404, each refusal audited), or an anonymous
// visitor (sent to sign in).
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

let mayaId = "";
let noteId = "";

test("the treating doctor opens the chart, writes and signs a SOAP note, then amends it", async ({
  browser,
}) => {
  const page = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  const problems = watchForPageProblems(page);
  await page.getByRole("link", { name: "Patients", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Your patients" })).toBeVisible();
  await expectAccessiblePage(page);
  await page.getByRole("link", { name: "Maya Patel" }).click();
  await page.waitForURL(/\/doctor\/patients\/[0-9a-f-]{36}$/);
  mayaId = page.url().split("/").at(-1)!;
  await expect(page.getByRole("heading", { level: 1, name: "Maya Patel" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Visit history" })).toBeVisible();
  await expect(page.getByText("Annual check-up and thyroid follow-up.")).toBeVisible();
  await expectAccessiblePage(page);

  await page.getByRole("button", { name: "Start a note" }).click();
  await page.waitForURL(/\/doctor\/notes\/[0-9a-f-]{36}$/);
  noteId = page.url().split("/").at(-1)!;
  await expect(page.getByText(/Draft, last saved/)).toBeVisible();
  await expectAccessiblePage(page);
  await page.getByLabel("Subjective").fill("Tired for three weeks; sleeps 8 hours.");
  await page.getByLabel("Objective").fill("HR 58, TSH pending.");
  await page.getByLabel("Assessment").fill("Possible under-replacement of levothyroxine.");
  await page.getByLabel("Plan").fill("Repeat TSH; review in 2 weeks.");
  await page.getByRole("button", { name: "Save the draft" }).click();
  await expect(page.getByText(/Draft saved at/)).toBeVisible();

  // Signing needs the review confirmed; the draft is kept.
  await page.getByRole("button", { name: "Sign the note" }).click();
  await expect(page.getByText("Confirm that you have reviewed the note")).toBeVisible();
  await expect(page.getByLabel("Plan")).toHaveValue("Repeat TSH; review in 2 weeks.");
  await page.getByLabel("I have reviewed this note and sign it").check();
  await page.getByRole("button", { name: "Sign the note" }).click();
  await page.waitForURL(/\?signed=1$/);
  await expect(page.getByText("The note is signed.")).toBeVisible();
  await expect(page.getByLabel("Plan")).toHaveCount(0);
  await expect(page.getByText("Possible under-replacement of levothyroxine.")).toBeVisible();
  await expectAccessiblePage(page);

  await page.getByLabel("Correction").fill("HR was 68, not 58.");
  await page.getByRole("button", { name: "Add the amendment" }).click();
  await expect(page.getByText("Amendment added.")).toBeVisible();
  await expect(page.getByText("HR was 68, not 58.")).toBeVisible();
  await expect(page.getByText(/^Amended /)).toBeVisible();

  // The chart lists the signed note with its amendment.
  await page.goto(`/doctor/patients/${mayaId}#notes`);
  await expect(page.getByText("HR was 68, not 58.")).toBeVisible();
  await expectAccessiblePage(page);
  problems();

  const [stored] = await sql<{ plan: string; status: string }>(
    "SELECT plan, status FROM clinical_notes WHERE id = $1",
    [noteId],
  );
  expect(stored?.status).toBe("SIGNED");
  expect(stored?.plan).not.toContain("TSH");
  const actions = await sql<{ action: string }>(
    "SELECT action FROM audit_log WHERE resource_id = $1 AND action LIKE 'note.%' ORDER BY sequence",
    [noteId],
  );
  expect(actions.map((row) => row.action)).toEqual([
    "note.created",
    "note.updated",
    "note.signed",
    "note.amended",
  ]);
  await page.context().close();
});

test("nobody else opens the chart or the note: 404 and an audited refusal, or sign-in", async ({
  browser,
  page,
}) => {
  const chart = `/doctor/patients/${mayaId}`;
  const note = `/doctor/notes/${noteId}`;

  const lindqvist = await signInDoctor(browser, DEMO_EMAILS.doctors[1]);
  const [chartRefusals, noteRefusals] = [await refusalsOf(mayaId), await refusalsOf(noteId)];
  expect((await lindqvist.goto(chart))?.status()).toBe(404);
  expect((await lindqvist.goto(note))?.status()).toBe(404);
  expect(await refusalsOf(mayaId)).toBe(chartRefusals + 1);
  expect(await refusalsOf(noteId)).toBe(noteRefusals + 1);
  await lindqvist.goto("/doctor/patients");
  await expect(lindqvist.getByRole("link", { name: "Maya Patel" })).toHaveCount(0);
  await expectAccessiblePage(lindqvist);
  await lindqvist.context().close();

  // The patient herself, and another patient: the doctor's pages are not theirs.
  for (const email of [DEMO_EMAILS.patients[0], DEMO_EMAILS.patients[1]]) {
    await signInPatient(page, email);
    expect((await page.goto(chart))?.status()).toBe(404);
    expect((await page.goto(note))?.status()).toBe(404);
    await page.context().clearCookies();
  }

  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  expect((await admin.goto(chart))?.status()).toBe(404);
  expect((await admin.goto(note))?.status()).toBe(404);
  await admin.context().close();

  const anonymous = await (await browser.newContext()).newPage();
  await anonymous.goto(note);
  expect(new URL(anonymous.url()).pathname).toBe("/sign-in");
  await anonymous.context().close();
});
