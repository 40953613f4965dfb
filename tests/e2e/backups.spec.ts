// Backups as an admin meets them: /admin/backups shows the last restore drill's outcome and the
// drills before it; a failed last drill puts a warning banner on top. The page is checked with axe;
// it is a 404 to patients and doctors, sign-in to anonymous visitors. The drills are rows in
// backup_drills (the demo data's, and one failed drill added here); running a real drill is the
// integration test's job (tests/integration/backups.test.ts).
import type { Page } from "@playwright/test";
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import {
  expect,
  expectAccessiblePage,
  newBrowserAt,
  signInAdmin,
  signInDoctor,
  signInPatient,
  sql,
  test,
  watchForPageProblems,
} from "./fixtures";

test.describe.configure({ mode: "serial" });

const octet = () => Math.floor(Math.random() * 250);

async function expectRefused(page: Page, signedIn: boolean): Promise<void> {
  const response = await page.goto("/admin/backups");
  if (signedIn) expect(response?.status()).toBe(404);
  else expect(new URL(page.url()).pathname).toBe("/sign-in");
}

test("an admin sees the last restore drill's outcome, and a warning when it failed", async ({ browser }) => {
  test.setTimeout(90_000);
  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  const assertNoProblems = watchForPageProblems(admin);
  const viewsBefore = await sql<{ n: string }>(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'backups.viewed'",
  );
  await admin.getByRole("link", { name: "Backups", exact: true }).click();
  await admin.waitForURL("**/admin/backups");
  await expect(admin.getByRole("heading", { level: 1, name: "Backups" })).toBeVisible();
  // The demo data's drill of two days ago passed: no banner.
  await expect(admin.getByRole("status").filter({ hasText: /Last drill: passed on/ })).toBeVisible();
  await expect(admin.getByText(/The last restore drill (FAILED|is \d+ days old)/)).toHaveCount(0);
  await expect(admin.getByRole("table", { name: "Restore drills, newest first" })).toBeVisible();
  await expectAccessiblePage(admin);

  await sql(
    `INSERT INTO backup_drills (id, backup_id, started_at, finished_at, outcome, failure_reason, duration_ms)
     VALUES (gen_random_uuid(), '20261201T023000Z-e2e0', now(), now(), 'FAILED',
             'database.sql.gz.enc does not match its checksum in the manifest: the file was changed', 1200)`,
  );
  await admin.reload();
  await expect(admin.getByRole("alert").filter({ hasText: "The last restore drill FAILED" })).toBeVisible();
  await expect(admin.getByRole("status").filter({ hasText: /Last drill: FAILED on/ })).toBeVisible();
  await expect(admin.getByText(/does not match its checksum in the manifest/)).toBeVisible();
  await expectAccessiblePage(admin);

  const [viewsAfter] = await sql<{ n: string }>(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'backups.viewed'",
  );
  expect(Number(viewsAfter!.n) - Number(viewsBefore[0]!.n)).toBe(2);
  await sql("DELETE FROM backup_drills WHERE backup_id = '20261201T023000Z-e2e0'");
  assertNoProblems();
  await admin.context().close();
});

test("patients, doctors and anonymous visitors cannot open the backups page", async ({ browser }) => {
  test.setTimeout(90_000);
  const patient = await newBrowserAt(browser, `10.98.${octet()}.${octet()}`);
  await signInPatient(patient, DEMO_EMAILS.patients[1]);
  await expectRefused(patient, true);
  const doctor = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  await expectRefused(doctor, true);
  const anonymous = await newBrowserAt(browser, `10.99.${octet()}.${octet()}`);
  await expectRefused(anonymous, false);
  for (const page of [patient, doctor, anonymous]) await page.context().close();
});
