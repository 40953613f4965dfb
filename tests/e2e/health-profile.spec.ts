// The health profile and medications as a patient keeps them: a bad date of
// birth is refused next to its field with nothing typed lost, then saved; a
// medication is added (a stop before its start refused first), stopped and then
// found under past medications; its dosage is changed on its own page. Another
// patient's medication page is a 404, audited. The treating doctor sees a
// medication the patient added in the chart's health section.
import type { Page } from "@playwright/test";
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import {
  expect,
  expectAccessiblePage,
  refusalsOf,
  signInDoctor,
  signInPatient,
  signUpConfirmedPatient,
  sql,
  test,
  watchForPageProblems,
} from "./fixtures";

test.describe.configure({ mode: "serial" });

const PASSWORD = "quiet-meadow-compass-17";
let medicationId = "";

const card = (page: Page, heading: string) =>
  page.locator("section", { has: page.getByRole("heading", { name: heading, exact: true }) });

test("a patient corrects a bad date of birth, keeps their allergies, and tracks a medication", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const problems = watchForPageProblems(page);
  const email = await signUpConfirmedPatient(page, "Imani Okoye", PASSWORD);
  await signInPatient(page, email);
  await page.getByRole("link", { name: "Edit your health profile" }).click();
  await page.waitForURL("**/patient/health");
  await expect(page.getByRole("heading", { level: 1, name: "Your health profile" })).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveValue("Imani Okoye");
  await expectAccessiblePage(page);

  // A date of birth in the future: refused beside the field, the rest kept.
  await page.getByLabel("Allergies").fill("Latex: hives");
  await page.getByLabel("Phone").fill("+44 20 7946 0958");
  await page.getByLabel("Country you live in").selectOption("GB");
  await page.getByLabel("Date of birth").fill("2090-01-01");
  await page.getByRole("button", { name: "Save your profile" }).click();
  await expect(page.getByLabel("Date of birth")).toHaveAccessibleDescription(
    /Enter a date of birth in the past\./,
  );
  await expect(page.getByText("Please correct the highlighted fields.")).toBeVisible();
  await expect(page.getByLabel("Allergies")).toHaveValue("Latex: hives");
  await expect(page.getByLabel("Phone")).toHaveValue("+44 20 7946 0958");
  await expect(page.getByLabel("Country you live in")).toHaveValue("GB");
  await expectAccessiblePage(page);

  await page.getByLabel("Date of birth").fill("1990-05-17");
  await page.getByRole("button", { name: "Save your profile" }).click();
  await expect(page.getByText("Your health profile is saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Allergies")).toHaveValue("Latex: hives");
  await expect(page.getByLabel("Date of birth")).toHaveValue("1990-05-17");
  await expectAccessiblePage(page);

  // A medication whose stop date is before its start: refused, nothing lost.
  const add = card(page, "Add a medication");
  await add.getByLabel("Medicine and strength").fill("Metformin 500 mg");
  await add.getByLabel("Dosage").fill("1 tablet twice a day with meals");
  await add.getByLabel("Started on").fill("2024-06-10");
  await add.getByLabel("Stopped on").fill("2024-06-01");
  await add.getByRole("button", { name: "Add the medication" }).click();
  await expect(add.getByLabel("Stopped on")).toHaveAccessibleDescription(
    /The stop date cannot be before the start date\./,
  );
  await expect(add.getByLabel("Medicine and strength")).toHaveValue("Metformin 500 mg");
  await expectAccessiblePage(page);
  await add.getByLabel("Stopped on").fill("");
  await add.getByRole("button", { name: "Add the medication" }).click();
  await expect(page.getByText("The medication is added to your list.")).toBeVisible();
  const current = card(page, "Current medications");
  await expect(current.getByRole("row", { name: /Metformin 500 mg/ })).toContainText("10 June 2024");
  await expectAccessiblePage(page);

  // Stored encrypted.
  const [stored] = await sql<{ id: string; name: string; dosage: string }>(
    "SELECT id, name, dosage FROM medications ORDER BY created_at DESC LIMIT 1",
  );
  medicationId = stored!.id;
  expect(stored!.name).not.toContain("Metformin");
  expect(stored!.dosage).not.toContain("tablet");

  // The home page shows the allergies and the current medication.
  await page.goto("/patient");
  await expect(page.getByText("Latex: hives")).toBeVisible();
  await expect(page.getByText("Metformin 500 mg, 1 tablet twice a day with meals")).toBeVisible();
  await page.goto("/patient/health");

  // Its own page changes the dosage.
  await current.getByRole("link", { name: "Change Metformin 500 mg" }).click();
  await page.waitForURL(`**/patient/health/medications/${medicationId}`);
  await expect(page.getByRole("heading", { level: 1, name: "Metformin 500 mg" })).toBeVisible();
  await expectAccessiblePage(page);
  await page.getByLabel("Dosage").fill("1 tablet once a day");
  await page.getByRole("button", { name: "Save the changes" }).click();
  await page.waitForURL("**/patient/health?medication=saved");
  await expect(page.getByText("The medication is saved.")).toBeVisible();
  await expect(current.getByRole("row", { name: /Metformin 500 mg/ })).toContainText("1 tablet once a day");

  // Stopped today: it moves to past medications.
  await current.getByRole("button", { name: "Stop Metformin 500 mg today" }).click();
  await expect(page.getByText("Stopped: it is now under past medications.")).toBeVisible();
  await expect(card(page, "Past medications").getByRole("row", { name: /Metformin 500 mg/ })).toBeVisible();
  await expect(current.getByRole("row", { name: /Metformin 500 mg/ })).toHaveCount(0);
  await expectAccessiblePage(page);

  const audited = await sql<{ action: string; details: { fields?: string[] } }>(
    "SELECT action, details FROM audit_log WHERE resource_id = $1 AND action LIKE 'medication.%' ORDER BY sequence",
    [medicationId],
  );
  expect(audited.map((row) => [row.action, row.details.fields])).toEqual([
    ["medication.added", ["name", "dosage", "startedOn"]],
    ["medication.updated", ["dosage"]],
    ["medication.stopped", ["stoppedOn"]],
  ]);
  expect(JSON.stringify(audited)).not.toContain("Metformin");
  problems();
});

test("another patient's medication page is a 404, audited; the treating doctor sees a patient's medications", async ({
  page,
  browser,
}) => {
  test.setTimeout(90_000);
  await signInPatient(page, DEMO_EMAILS.patients[0]);
  const before = await refusalsOf(medicationId);
  const refused = await page.goto(`/patient/health/medications/${medicationId}`);
  expect(refused?.status()).toBe(404);
  expect(await refusalsOf(medicationId)).toBe(before + 1);
  await expect(page.getByText("Metformin")).toHaveCount(0);

  // Maya adds a medication her doctor then sees in the chart.
  await page.goto("/patient/health");
  const add = card(page, "Add a medication");
  await add.getByLabel("Medicine and strength").fill("Atorvastatin 20 mg");
  await add.getByLabel("Dosage").fill("1 tablet at night");
  await add.getByRole("button", { name: "Add the medication" }).click();
  await expect(page.getByText("The medication is added to your list.")).toBeVisible();
  await expectAccessiblePage(page);

  const doctor = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  await doctor.goto("/doctor/patients");
  await doctor.getByRole("link", { name: "Maya Patel" }).click();
  await doctor.waitForURL(/\/doctor\/patients\/[0-9a-f-]{36}$/);
  const section = doctor.getByRole("region", { name: "Health profile and medications" });
  await expect(section.getByRole("heading", { name: "Allergies" })).toBeVisible();
  await expect(section.getByRole("row", { name: /Atorvastatin 20 mg/ })).toContainText("1 tablet at night");
  await expect(section.getByRole("button")).toHaveCount(0);
  await expectAccessiblePage(doctor);
  await doctor.context().close();

  // An entry added in error is removed from its own page.
  await card(page, "Current medications").getByRole("link", { name: "Change Atorvastatin 20 mg" }).click();
  await page.getByRole("button", { name: "Remove this entry" }).click();
  await page.waitForURL("**/patient/health?medication=removed");
  await expect(page.getByText("The entry is removed from your medications.")).toBeVisible();
  await expect(page.getByRole("row", { name: /Atorvastatin/ })).toHaveCount(0);
});
