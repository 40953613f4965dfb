// The admin's audit viewer as an admin uses it: Dr. Okafor opens Maya Patel's
// chart and Maya opens her own health profile (both read PHI, both audited);
// the admin filters the audit log to Maya by her email (the URL carries only her
// id), sees both people's reads, opens one entry, downloads the CSV and JSON
// exports (which hold those rows and write an audit.export row), and verifies
// the chain. A doctor, a patient and an anonymous visitor reach none of it.
import { readFileSync } from "node:fs";
import type { Page } from "@playwright/test";
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import {
  expect,
  expectAccessiblePage,
  newBrowserAt,
  signInAdmin,
  signInDoctor,
  signInPatient,
  signOut,
  signUpConfirmedPatient,
  sql,
  test,
  watchForPageProblems,
} from "./fixtures";

test.describe.configure({ mode: "serial" });

const MAYA = DEMO_EMAILS.patients[0];
let mayaId = "";
let entryPath = "";
const filteredToMaya = (url: URL) =>
  url.pathname === "/admin/audit" &&
  url.searchParams.get("subject") === mayaId &&
  url.searchParams.get("action") === "phi.";

async function downloaded(page: Page, linkName: string) {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: linkName, exact: true }).click(),
  ]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8") };
}

test("the admin finds a patient's record reads by her email, opens one, exports them and verifies the chain", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  // Two people read Maya's record: her doctor (the chart) and Maya herself (her health profile).
  const okafor = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  await okafor.getByRole("link", { name: "Patients", exact: true }).click();
  await expect(okafor.getByRole("heading", { name: "Your patients" })).toBeVisible();
  await okafor.getByRole("link", { name: "Maya Patel" }).click();
  await okafor.waitForURL(/\/doctor\/patients\/[0-9a-f-]{36}$/);
  mayaId = okafor.url().split("/").at(-1)!;
  await expect(okafor.getByRole("heading", { level: 1, name: "Maya Patel" })).toBeVisible();
  const [okaforRow] = await sql<{ user_id: string }>(
    "SELECT user_id FROM doctor_profiles WHERE display_name = 'Dr. Amara Okafor'",
  );
  const okaforId = okaforRow!.user_id;
  await okafor.context().close();

  const maya = await newBrowserAt(browser, "10.93.4.21");
  await signInPatient(maya, MAYA);
  await maya.goto("/patient/health");
  await expect(maya.getByRole("heading", { level: 1, name: "Your health profile" })).toBeVisible();
  // Her extra session ends here, so no other spec sees it.
  await signOut(maya);
  await maya.context().close();

  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  const problems = watchForPageProblems(admin);
  await admin.getByRole("link", { name: "Audit log" }).first().click();
  await admin.waitForURL("**/admin/audit");
  await expect(admin.getByRole("heading", { level: 1, name: "Audit log" })).toBeVisible();
  await expectAccessiblePage(admin);

  // An email nobody has is named as such, next to its field.
  await admin.getByLabel("User (email or account id)").fill("nobody.here@example.test");
  await admin.getByRole("button", { name: "Show entries" }).click();
  await expect(admin.getByText("No account with that email.")).toBeVisible();
  await expectAccessiblePage(admin);

  // Maya by her email: the page comes back with her id in the URL, never the email.
  await admin.getByLabel("User (email or account id)").fill("");
  await admin.getByLabel("Patient (email or account id)").fill(MAYA);
  await admin.getByLabel("Action").fill("phi.");
  await admin.getByRole("button", { name: "Show entries" }).click();
  await admin.waitForURL(filteredToMaya);
  expect(admin.url()).not.toContain("@");
  expect(admin.url()).not.toContain("maya");
  const table = admin.getByRole("region", { name: "Audit entries table" });
  await expect(table.getByRole("cell", { name: "Doctor · Dr. Amara Okafor" }).first()).toBeVisible();
  await expect(table.getByRole("cell", { name: `Patient · ${mayaId.slice(0, 8)}` }).first()).toBeVisible();
  await expect(table.getByRole("cell", { name: "phi.read" }).first()).toBeVisible();
  await expect(admin.getByRole("heading", { name: "Events" })).toBeVisible();
  await expect(admin.getByRole("heading", { name: "Failures and denials" })).toBeVisible();
  await expectAccessiblePage(admin);

  // One entry in full, with its seal.
  await table
    .getByRole("link", { name: /^Entry \d+$/ })
    .first()
    .click();
  await admin.waitForURL(/\/admin\/audit\/\d+$/);
  entryPath = new URL(admin.url()).pathname;
  await expect(admin.getByRole("heading", { level: 1, name: /^Audit entry #\d+$/ })).toBeVisible();
  await expect(admin.getByRole("heading", { name: "Seal" })).toBeVisible();
  await expect(admin.getByText(mayaId).first()).toBeVisible();
  await expectAccessiblePage(admin);
  await admin.goBack();
  await admin.waitForURL(filteredToMaya);

  // The exports hold both people's reads of Maya's record, and each is audited.
  const csv = await downloaded(admin, "CSV");
  expect(csv.name).toMatch(/^haven-audit-\d{8}-\d{6}\.csv$/);
  const csvLines = csv.text.split("\r\n");
  expect(csvLines[0]).toContain("sequence,event_id,occurred_at,actor_id,actor_role,action");
  expect(csvLines.some((line) => line.includes(okaforId) && line.includes("phi.read"))).toBe(true);
  expect(csvLines.some((line) => line.includes(`,${mayaId},PATIENT,phi.read,`))).toBe(true);
  expect(csv.text).not.toContain(MAYA);

  const json = await downloaded(admin, "JSON");
  const document = JSON.parse(json.text) as {
    rowCount: number;
    rows: { actorId: string | null; action: string; subjectId: string | null }[];
  };
  expect(document.rows.length).toBe(document.rowCount);
  expect(document.rows.every((row) => row.subjectId === mayaId && row.action.startsWith("phi."))).toBe(true);
  expect(document.rows.some((row) => row.actorId === okaforId && row.action === "phi.read")).toBe(true);
  expect(document.rows.some((row) => row.actorId === mayaId && row.action === "phi.read")).toBe(true);

  const exports = await sql<{ details: { format: string; rows: number; subjectId: string } }>(
    "SELECT details FROM audit_log WHERE action = 'audit.export' ORDER BY sequence DESC LIMIT 2",
  );
  expect(exports.map((row) => row.details.format).sort()).toEqual(["csv", "json"]);
  for (const row of exports)
    expect(row.details).toMatchObject({ subjectId: mayaId, rows: document.rowCount });

  // The chain verifies (the sealer chains new rows within seconds: give the newest that long).
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await admin.getByRole("button", { name: "Verify integrity" }).click();
  await expect(admin.getByText("The audit trail is intact.")).toBeVisible({ timeout: 60_000 });
  // The sealer signs a checkpoint a minute: the newest matches, or none was signed yet.
  await expect(admin.getByText(/^seal \d+ at .+: matched$|^no signed checkpoint yet$/)).toBeVisible();
  await expectAccessiblePage(admin);
  const [verified] = await sql<{ outcome: string }>(
    "SELECT outcome::text AS outcome FROM audit_log WHERE action = 'audit.verify' ORDER BY sequence DESC LIMIT 1",
  );
  expect(verified?.outcome).toBe("SUCCESS");
  problems();
  await admin.context().close();
});

test("a doctor, a patient and an anonymous visitor reach neither the audit log, an entry nor the export", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  expect(entryPath).toMatch(/^\/admin\/audit\/\d+$/);
  const pages = ["/admin/audit", `/admin/audit?subject=${mayaId}`, entryPath];
  const routes = [
    `/api/admin/audit/export?format=csv&subject=${mayaId}`,
    "/api/admin/audit/export?format=json",
  ];
  // Anonymous: pages go to sign-in, the export answers 404.
  for (const pagePath of pages) {
    await page.goto(pagePath);
    expect(new URL(page.url()).pathname, pagePath).toBe("/sign-in");
  }
  for (const route of routes) expect((await page.request.get(route)).status(), route).toBe(404);

  await signInPatient(page, await signUpConfirmedPatient(page, "Ines Audit", "quiet-harbour-lamp-71"));
  const okafor = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  for (const outsider of [page, okafor]) {
    for (const pagePath of pages) expect((await outsider.goto(pagePath))?.status(), pagePath).toBe(404);
    for (const route of routes) expect((await outsider.request.get(route)).status(), route).toBe(404);
  }
  const [refusals] = await sql<{ n: string }>(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'authz.denied' AND (resource_type = 'AuditLog' OR resource_id = 'audit:review')",
  );
  expect(Number(refusals?.n)).toBeGreaterThanOrEqual(routes.length * 3);
  await okafor.context().close();
});
