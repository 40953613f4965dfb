// Data retention as an admin meets it: /admin/retention states each data type's period and why,
// lists the runs, and "Run now" sends the retention job (audited); the job worker (`npm run
// worker`, not started by the end-to-end servers) picks it up, so the page shows the requested
// run waiting. The page is checked with axe; it is a 404 to patients and doctors, sign-in to anonymous visitors.
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
  const response = await page.goto("/admin/retention");
  if (signedIn) expect(response?.status()).toBe(404);
  else expect(new URL(page.url()).pathname).toBe("/sign-in");
}

test("an admin reads the retention policy and requests a run, which waits for the job worker", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  const assertNoProblems = watchForPageProblems(admin);
  await admin.getByRole("link", { name: "Retention", exact: true }).click();
  await admin.waitForURL("**/admin/retention");
  await expect(admin.getByRole("heading", { level: 1, name: "Data retention" })).toBeVisible();

  const policy = admin.locator("section").filter({ has: admin.getByRole("heading", { name: "Policy" }) });
  await expect(policy.getByText("Messages: kept 10 years (3653 days)")).toBeVisible();
  await expect(policy.getByText("Documents: kept 10 years (3653 days)")).toBeVisible();
  await expect(policy.getByText("Audit log: kept 6 years (2192 days)")).toBeVisible();
  await expect(policy.getByText(/HIPAA requires these records for at least six years/)).toBeVisible();
  await expect(admin.getByText("No run is waiting to start.")).toBeVisible();
  await expectAccessiblePage(admin);

  const requestsBefore = await sql<{ n: string }>(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'retention.run-requested'",
  );
  await admin.getByRole("button", { name: "Run now" }).click();
  await expect(admin.getByText(/Run requested\. The job worker starts it within a minute/)).toBeVisible();
  await admin.reload();
  await expect(
    admin.getByRole("status").filter({ hasText: "1 run is waiting for the job worker." }),
  ).toBeVisible();
  await expectAccessiblePage(admin);

  // A second request while one waits adds nothing (one waiting sweep at a time), and is audited too.
  await admin.getByRole("button", { name: "Run now" }).click();
  await expect(admin.getByText(/Run requested/)).toBeVisible();
  await admin.reload();
  await expect(admin.getByText("1 run is waiting for the job worker.")).toBeVisible();
  const [requestsAfter] = await sql<{ n: string }>(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'retention.run-requested'",
  );
  expect(Number(requestsAfter!.n) - Number(requestsBefore[0]!.n)).toBe(2);
  const [job] = await sql<{ n: string }>(
    "SELECT count(*) AS n FROM pgboss.job WHERE name = 'retention.sweep' AND state = 'created'",
  );
  expect(Number(job!.n)).toBe(1);
  assertNoProblems();
  await admin.context().close();
});

test("patients, doctors and anonymous visitors cannot open the retention page", async ({ browser }) => {
  test.setTimeout(90_000);
  const patient = await newBrowserAt(browser, `10.96.${octet()}.${octet()}`);
  await signInPatient(patient, DEMO_EMAILS.patients[1]);
  await expectRefused(patient, true);
  const doctor = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  await expectRefused(doctor, true);
  const anonymous = await newBrowserAt(browser, `10.97.${octet()}.${octet()}`);
  await expectRefused(anonymous, false);
  for (const page of [patient, doctor, anonymous]) await page.context().close();
});
