// Prescriptions as people use them: Dr. Okafor writes a two-medicine
// prescription for Maya Patel (a bad submit keeps everything typed), signs and
// issues it; Maya lists it and downloads the PDF (checked with poppler, page 1
// rendered to PNG for a look); anyone checks the code at /verify without seeing
// anything of Maya. Another patient and an anonymous visitor get nothing.
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
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

const ARTIFACTS = path.resolve(import.meta.dirname, "../.artifacts");
const ITEMS = [
  {
    Medicine: "Levocetirizine",
    Strength: "5 mg",
    Form: "tablet",
    Dose: "1 tablet",
    Route: "by mouth",
    Frequency: "once at night",
    Duration: "14 days",
    Quantity: "14 tablets",
  },
  {
    Medicine: "Fluticasone nasal spray",
    Strength: "50 micrograms per dose",
    Form: "nasal spray",
    Dose: "2 sprays per nostril",
    Route: "nasal",
    Frequency: "once a day",
    Duration: "1 month",
    Quantity: "1 bottle",
  },
];

let mayaId = "";
let prescriptionId = "";
let code = "";

test.beforeAll(async () => {
  const [maya] = await sql<{ user_id: string }>(
    "SELECT u.id AS user_id FROM users u JOIN patient_profiles p ON p.user_id = u.id WHERE u.role = 'PATIENT' AND u.id IN (SELECT patient_id FROM appointments WHERE doctor_id = (SELECT user_id FROM doctor_profiles WHERE display_name = 'Dr. Amara Okafor')) ORDER BY u.created_at LIMIT 1",
  );
  mayaId = maya!.user_id;
});

test("the treating doctor writes, signs and issues a two-medicine prescription", async ({ browser }) => {
  test.setTimeout(90_000);
  const page = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  const assertNoProblems = watchForPageProblems(page);
  await page.goto("/doctor/availability");
  await page.getByLabel("Licence (registration) number").fill("MED-DE-204871");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();

  // From the chart: notes above, prescriptions below, and the way to write one.
  await page.goto(`/doctor/patients/${mayaId}`);
  await expect(page.getByRole("heading", { name: "Prescriptions" })).toBeVisible();
  await page.getByRole("link", { name: "Write a prescription" }).click();
  await page.waitForURL(`**/doctor/patients/${mayaId}/prescriptions/new`);
  await expect(
    page.getByRole("heading", { level: 1, name: "New prescription for Maya Patel" }),
  ).toBeVisible();
  await expectAccessiblePage(page);

  // The first medicine, then a second row added with the keyboard; focus moves into it.
  const first = page.getByRole("group", { name: "Medicine 1" });
  for (const [label, value] of Object.entries(ITEMS[0]!))
    await first.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole("button", { name: "Add another medicine" }).focus();
  await page.keyboard.press("Enter");
  const second = page.getByRole("group", { name: "Medicine 2" });
  await expect(second.getByLabel("Medicine", { exact: true })).toBeFocused();
  for (const [label, value] of Object.entries(ITEMS[1]!)) {
    if (label !== "Dose") await second.getByLabel(label, { exact: true }).fill(value);
  }
  await second.getByLabel("Refills").fill("2");
  await second.getByLabel(/Instructions/).fill("Shake well; aim away from the septum.");

  // Without the dose and the signature it is refused, each error beside its field, nothing lost.
  await page.getByRole("button", { name: "Sign and issue the prescription" }).click();
  await expect(page.getByText("Item 2: enter the dose.")).toBeVisible();
  await expect(page.getByText("Confirm that you sign this prescription.")).toBeVisible();
  await expect(second.getByLabel("Dose", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(first.getByLabel("Medicine", { exact: true })).toHaveValue(ITEMS[0]!.Medicine);
  await expect(second.getByLabel("Quantity", { exact: true })).toHaveValue(ITEMS[1]!.Quantity);
  await expect(second.getByLabel(/Instructions/)).toHaveValue("Shake well; aim away from the septum.");
  await expectAccessiblePage(page);

  // A third row added and removed again leaves two.
  await page.getByRole("button", { name: "Add another medicine" }).click();
  await page.getByRole("button", { name: "Remove medicine 3" }).click();
  await expect(page.getByRole("group", { name: /^Medicine \d$/ })).toHaveCount(2);

  await second.getByLabel("Dose", { exact: true }).fill(ITEMS[1]!.Dose);
  await page.getByLabel(/I have checked this prescription and sign it/).check();
  await page.getByRole("button", { name: "Sign and issue the prescription" }).click();
  await page.waitForURL(new RegExp(`/doctor/patients/${mayaId}\\?prescribed=1#prescriptions$`));

  const [row] = await sql<{ id: string; verification_code: string }>(
    "SELECT id, verification_code FROM prescriptions WHERE patient_id = $1 AND doctor_id = (SELECT user_id FROM doctor_profiles WHERE display_name = 'Dr. Amara Okafor') ORDER BY created_at DESC LIMIT 1",
    [mayaId],
  );
  prescriptionId = row!.id;
  code = row!.verification_code;
  const stored = await sql<{ medicine: string }>(
    "SELECT medicine FROM prescription_items WHERE prescription_id = $1",
    [prescriptionId],
  );
  expect(stored).toHaveLength(2);
  for (const item of stored) expect(item.medicine).not.toMatch(/Levocetirizine|Fluticasone/);

  await page.goto(`/doctor/prescriptions/${prescriptionId}`);
  await expect(page.getByRole("heading", { name: /1\. Levocetirizine 5 mg, tablet/ })).toBeVisible();
  await expect(page.getByRole("heading", { name: /2\. Fluticasone nasal spray/ })).toBeVisible();
  await expect(page.getByTestId("verification-code")).toHaveText(code);
  await expectAccessiblePage(page);
  assertNoProblems();
  await page.context().close();
});

test("the patient lists the prescription and downloads a PDF with every item and the code", async ({
  page,
}) => {
  test.setTimeout(60_000);
  const assertNoProblems = watchForPageProblems(page);
  await signInPatient(page, DEMO_EMAILS.patients[0]);
  await page.getByRole("link", { name: "Prescriptions", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "My prescriptions" })).toBeVisible();
  await expect(page.getByText(/Levocetirizine 5 mg, Fluticasone nasal spray/)).toBeVisible();
  await expectAccessiblePage(page);

  await page.locator(`a[href="/patient/prescriptions/${prescriptionId}"]`).click();
  await expect(
    page.getByRole("heading", { level: 1, name: "Prescription from Dr. Amara Okafor" }),
  ).toBeVisible();
  await expect(page.getByText("MED-DE-204871")).toBeVisible();
  await expectAccessiblePage(page);

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download PDF" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`prescription-${prescriptionId.slice(0, 8)}.pdf`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, "prescription.pdf");
  await download.saveAs(file);

  expect(execFileSync("pdfinfo", [file], { encoding: "utf8" })).toMatch(/Pages:\s+1/);
  const text = execFileSync("pdftotext", [file, "-"], { encoding: "utf8" }).replace(/\s+/g, " ");
  for (const item of ITEMS) for (const value of Object.values(item)) expect(text).toContain(value);
  for (const expected of [code, "Maya Patel", "12 April 1988", "Dr. Amara Okafor", "MED-DE-204871"]) {
    expect(text).toContain(expected);
  }
  // Page 1 as an image, to look at (tests/.artifacts/prescription-1.png).
  execFileSync("pdftoppm", [
    "-png",
    "-r",
    "80",
    "-f",
    "1",
    "-l",
    "1",
    "-singlefile",
    file,
    path.join(ARTIFACTS, "prescription-1"),
  ]);
  assertNoProblems();
});

test("anyone can check the code: the doctor and the date, nothing of the patient", async ({ page }) => {
  const assertNoProblems = watchForPageProblems(page);
  await page.goto("/verify");
  await expect(page.getByRole("heading", { level: 1, name: "Check a prescription" })).toBeVisible();
  await expectAccessiblePage(page);
  await page.getByLabel("Verification code").fill(code.toLowerCase().replace(/-/g, " "));
  await page.getByRole("button", { name: "Check" }).click();
  await page.waitForURL(`**/verify/${code}`);
  await expect(page.getByText("This prescription was issued through Haven and is authentic.")).toBeVisible();
  await expect(page.getByText("Dr. Amara Okafor")).toBeVisible();
  await expect(page.getByText("MED-DE-204871")).toBeVisible();
  const [signed] = await sql<{ signed_at: Date }>("SELECT signed_at FROM prescriptions WHERE id = $1", [
    prescriptionId,
  ]);
  const day = new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "Europe/Berlin",
  }).format(signed!.signed_at);
  await expect(page.getByText(new RegExp(day))).toBeVisible();
  const body = await page.locator("body").innerText();
  for (const secret of ["Maya", "Patel", "1988", "Levocetirizine", "Fluticasone"])
    expect(body).not.toContain(secret);
  await expectAccessiblePage(page);

  await page.goto("/verify/ZZZZ-ZZZZ-ZZZZ");
  await expect(page.getByText("There is no prescription with this code.")).toBeVisible();
  await expectAccessiblePage(page);
  assertNoProblems();
});

test("another patient and an anonymous visitor get nothing: 404, audited, or sign-in", async ({
  page,
  browser,
}) => {
  test.setTimeout(60_000);
  const password = "quiet-meadow-compass-17";
  const email = await signUpConfirmedPatient(page, "Omar Haddad", password);
  await signInPatient(page, email);
  const before = await refusalsOf(prescriptionId);
  expect((await page.goto(`/patient/prescriptions/${prescriptionId}`))?.status()).toBe(404);
  await expect(page.getByText("Levocetirizine")).toHaveCount(0);
  const pdf = await page.request.get(`/api/prescriptions/${prescriptionId}/pdf`);
  expect(pdf.status()).toBe(404);
  expect(pdf.headers()["content-type"]).not.toContain("pdf");
  expect(await refusalsOf(prescriptionId)).toBe(before + 2);
  await page.goto("/patient/prescriptions");
  await expect(page.getByText("Your doctors have not written you a prescription yet.")).toBeVisible();
  await expectAccessiblePage(page);

  const anonymous = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "10.91.3.4" } });
  const anonymousPdf = await anonymous.request.get(`/api/prescriptions/${prescriptionId}/pdf`);
  expect(anonymousPdf.status()).toBe(404);
  const visitor = await anonymous.newPage();
  await visitor.goto(`/patient/prescriptions/${prescriptionId}`);
  await expect(visitor).toHaveURL(/\/sign-in/);
  await anonymous.close();
});
