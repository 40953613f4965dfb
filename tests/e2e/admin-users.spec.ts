// Admin user management and access reviews in Chromium: an admin opens a doctor
// invited for this test (no other spec depends on it), sees its sessions, ends
// one, deactivates it (the doctor's own browser is signed out on its next
// request), reactivates it, resets its second factor (a reason is required); finds
// a patient by email without the email ever reaching a URL; starts or opens this
// quarter's access review (idempotent: another run may have started it), keeps and
// revokes accounts, cannot revoke themselves or complete early, exports CSV. Other
// roles and anonymous visitors get 404 or sign-in for the id-bearing pages and the export.
import type { Browser, Page } from "@playwright/test";
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import {
  enrolAuthenticator,
  enterPassword,
  expect,
  expectAccessiblePage,
  linkIn,
  newBrowserAt,
  signInAdmin,
  signInPatient,
  sql,
  test,
  totp,
  uniqueEmail,
  waitForMail,
  watchForPageProblems,
} from "./fixtures";

const DOCTOR_PASSWORD = "steady-harbour-lantern-42";
const RESET_REASON = "Lost phone; identity confirmed by a call-back to the clinic's number";
const octet = () => Math.floor(Math.random() * 250);

/** The admin invites a doctor from the clinic admin page; returns the email. */
async function inviteDoctor(admin: Page, displayName: string): Promise<string> {
  const email = uniqueEmail("dr.users");
  await admin.goto("/admin");
  await admin.getByLabel("Name as patients see it").fill(displayName);
  await admin.getByLabel("Specialty").fill("General practice");
  await admin.getByLabel("Email").fill(email);
  await admin.getByRole("button", { name: "Send invitation" }).click();
  await expect(admin.getByText("Invitation sent.")).toBeVisible();
  return email;
}

/** The doctor accepts the invitation in a browser of their own and enrols an authenticator; returns page and secret. */
async function acceptAsDoctor(browser: Browser, email: string) {
  const page = await newBrowserAt(browser, `10.93.${octet()}.${octet()}`);
  await page.goto(linkIn(await waitForMail(email, /invited to Haven/)));
  await page.getByLabel("New password").fill(DOCTOR_PASSWORD);
  await page.getByRole("button", { name: "Set my password" }).click();
  await page.waitForURL(/reason=invited/);
  await enterPassword(page, email, DOCTOR_PASSWORD);
  const secret = await enrolAuthenticator(page);
  await page.waitForURL("**/doctor");
  return { page, secret };
}

async function userIdOf(displayName: string): Promise<string> {
  const [row] = await sql<{ user_id: string }>(
    "SELECT user_id FROM doctor_profiles WHERE display_name = $1",
    [displayName],
  );
  return row!.user_id;
}

/** A page that must not open for this visitor: 404 when signed in, sign-in when anonymous. */
async function expectRefused(page: Page, path: string, signedIn: boolean): Promise<void> {
  const response = await page.goto(path);
  if (signedIn) expect(response?.status(), path).toBe(404);
  else expect(new URL(page.url()).pathname, path).toBe("/sign-in");
}

test("an admin manages a doctor's account: sessions, deactivation signs the doctor out, reactivation, second-factor reset with a reason", async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  const assertNoProblems = watchForPageProblems(admin);
  const name = `Dr. Users ${Date.now().toString(36)}`;
  const email = await inviteDoctor(admin, name);
  const doctor = await acceptAsDoctor(browser, email);
  const doctorId = await userIdOf(name);

  // The users page lists the doctor with one live session.
  await admin.goto("/admin/users");
  await expect(admin.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await expect(admin.getByRole("row", { name: new RegExp(`${name}.*Doctor.*Active.*On.*1$`) })).toBeVisible();
  await expectAccessiblePage(admin);
  await admin.getByRole("link", { name }).click();
  await admin.waitForURL(`**/admin/users/${doctorId}`);
  await expect(admin.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(admin.getByRole("heading", { name: "Active sessions (1)" })).toBeVisible();
  await expectAccessiblePage(admin);

  // Deactivate, after the confirmation step: the doctor's browser is signed out on its next request.
  await admin.locator("summary", { hasText: "Deactivate…" }).click();
  await expectAccessiblePage(admin);
  await admin.getByRole("button", { name: "Deactivate and sign out everywhere" }).click();
  await expect(
    admin.getByText("The account is deactivated and every session of it has ended."),
  ).toBeVisible();
  await expect(admin.getByRole("button", { name: `Reactivate ${name}` })).toBeVisible();
  await expect(admin.getByRole("heading", { name: "Active sessions (0)" })).toBeVisible();
  await expectAccessiblePage(admin);
  await doctor.page.goto("/doctor");
  await doctor.page.waitForURL(/\/sign-in\?reason=revoked/);
  await enterPassword(doctor.page, email, DOCTOR_PASSWORD);
  await expect(doctor.page.getByText("Email or password is incorrect.")).toBeVisible();

  // Reactivate: the doctor signs in again with the authenticator.
  await admin.getByRole("button", { name: `Reactivate ${name}` }).click();
  await expect(admin.getByText("The account is reactivated: it can sign in again.")).toBeVisible();
  await expectAccessiblePage(admin);
  await enterPassword(doctor.page, email, DOCTOR_PASSWORD);
  await doctor.page.getByLabel("Code from your authenticator app").fill(await totp(doctor.secret, 1));
  await doctor.page.getByRole("button", { name: "Continue" }).click();
  await doctor.page.waitForURL("**/doctor");

  // The new session is listed, and Revoke ends it.
  await admin.reload();
  await expect(admin.getByRole("heading", { name: "Active sessions (1)" })).toBeVisible();
  await admin.getByRole("button", { name: /^Revoke the session signed in / }).click();
  await expect(admin.getByText("The session has ended")).toBeVisible();
  await expect(admin.getByRole("heading", { name: "Active sessions (0)" })).toBeVisible();
  await doctor.page.goto("/doctor");
  await doctor.page.waitForURL(/\/sign-in\?reason=revoked/);

  // Reset the second factor: refused without a reason, then done with one.
  await admin.getByRole("button", { name: "Reset second factor" }).click();
  await expect(admin.getByText(/Say why you reset the second factor, in 10 to 500 characters/)).toBeVisible();
  await expect(admin.getByLabel("Why reset it")).toHaveAttribute("aria-invalid", "true");
  await expectAccessiblePage(admin);
  await admin.getByLabel("Why reset it").fill(RESET_REASON);
  await admin.getByRole("button", { name: "Reset second factor" }).click();
  await expect(admin.getByText("The second factor is reset")).toBeVisible();
  await expect(admin.getByRole("row", { name: new RegExp(RESET_REASON.slice(0, 20)) })).toBeVisible();
  await expect(admin.getByText("No authenticator is set up")).toBeVisible();
  await expectAccessiblePage(admin);
  const [reset] = await sql<{ reason: string }>("SELECT reason FROM mfa_resets WHERE user_id = $1", [
    doctorId,
  ]);
  expect(reset?.reason).toBe(RESET_REASON);

  // At the next sign-in the doctor enrols a new authenticator.
  await enterPassword(doctor.page, email, DOCTOR_PASSWORD);
  await expect(doctor.page.getByText("Doctors and admins sign in with a second step")).toBeVisible();
  await enrolAuthenticator(doctor.page);
  await doctor.page.waitForURL("**/doctor");

  // A doctor (this one), a patient and anonymous visitors are refused the account page.
  await expectRefused(doctor.page, `/admin/users/${doctorId}`, true);
  await expectRefused(doctor.page, "/admin/users", true);
  const patient = await newBrowserAt(browser, `10.94.${octet()}.${octet()}`);
  await signInPatient(patient, DEMO_EMAILS.patients[2]);
  await expectRefused(patient, `/admin/users/${doctorId}`, true);
  const anonymous = await newBrowserAt(browser, `10.95.${octet()}.${octet()}`);
  await expectRefused(anonymous, `/admin/users/${doctorId}`, false);
  // Malformed and unknown ids are the same 404 for the admin (fetched: only the status matters).
  expect((await admin.request.get("/admin/users/not-an-id")).status()).toBe(404);
  expect((await admin.request.get("/admin/users/00000000-0000-4000-8000-000000000000")).status()).toBe(404);

  // Every change is audited with the doctor as subject.
  const actions = await sql<{ action: string }>(
    "SELECT action FROM audit_log WHERE subject_id = $1 AND action LIKE 'admin.%' ORDER BY sequence",
    [doctorId],
  );
  expect(actions.map((row) => row.action)).toEqual(
    expect.arrayContaining([
      "admin.user.deactivated",
      "admin.user.reactivated",
      "admin.session.revoked",
      "admin.user.mfa-reset",
    ]),
  );
  assertNoProblems();
});

test("an admin finds a patient's account by email without the email in any URL", async ({ browser }) => {
  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  const assertNoProblems = watchForPageProblems(admin);
  const urls: string[] = [];
  admin.on("request", (request) => urls.push(request.url()));
  await admin.goto("/admin/users");
  await admin.getByLabel("Patient's email").fill("nobody.here@example.test");
  await admin.getByRole("button", { name: "Open the account" }).click();
  await expect(admin.getByText(/No patient account has this email/)).toBeVisible();
  await expectAccessiblePage(admin);
  await admin.getByLabel("Patient's email").fill(DEMO_EMAILS.patients[1]);
  await admin.getByRole("button", { name: "Open the account" }).click();
  await admin.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
  await expect(admin.getByRole("heading", { level: 1, name: "Patient account" })).toBeVisible();
  await expectAccessiblePage(admin);
  expect(urls.filter((url) => url.includes("example.test") || url.includes("demo.haven.local"))).toEqual([]);
  assertNoProblems();
});

test("an admin starts or opens this quarter's access review, attests accounts, cannot complete early, exports CSV", async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  const assertNoProblems = watchForPageProblems(admin);
  // A doctor only this test uses, invited before the review's snapshot (when this run starts it).
  const name = `Dr. Review ${Date.now().toString(36)}`;
  await inviteDoctor(admin, name);

  await admin.goto("/admin/access-reviews");
  await expect(admin.getByRole("heading", { level: 1, name: "Access reviews" })).toBeVisible();
  await expectAccessiblePage(admin);
  const start = admin.getByRole("button", { name: /^Start the review for \d{4}-Q[1-4]$/ });
  const startedHere = await start.isVisible();
  if (startedHere) await start.click();
  else await admin.getByRole("link", { name: /^Open the review for \d{4}-Q[1-4]$/ }).click();
  await admin.waitForURL(/\/admin\/access-reviews\/[0-9a-f-]{36}$/);
  const reviewPath = new URL(admin.url()).pathname;
  const reviewId = reviewPath.split("/").at(-1)!;
  await expect(admin.getByRole("heading", { level: 1, name: /^Access review \d{4}-Q[1-4]$/ })).toBeVisible();
  await expectAccessiblePage(admin);
  // Starting again opens the same review.
  await admin.goto("/admin/access-reviews");
  await admin.getByRole("link", { name: /^Open the review for / }).click();
  await admin.waitForURL(`**${reviewPath}`);

  const [state] = await sql<{ completed_at: Date | null; undecided: string }>(
    `SELECT r.completed_at, (SELECT count(*) FROM access_review_entries e WHERE e.review_id = r.id AND e.decision IS NULL) AS undecided
       FROM access_reviews r WHERE r.id = $1`,
    [reviewId],
  );
  if (state!.completed_at === null) {
    // The reviewer cannot revoke their own account.
    await expect(admin.getByRole("row", { name: /admin@demo\.haven\.local.*\(you\)/ })).toBeVisible();
    await expect(admin.locator("summary[aria-label='Revoke admin@demo.haven.local…']")).toHaveCount(0);

    if (Number(state!.undecided) > 0) {
      await admin.getByRole("button", { name: "Complete the review" }).click();
      await expect(admin.getByText(/still needs? a decision: choose Keep or Revoke/)).toBeVisible();
      await expectAccessiblePage(admin);
    }

    // Keep a demo doctor (when not decided yet).
    const keep = admin.getByRole("button", { name: "Keep Dr. Amara Okafor" });
    if (await keep.isVisible()) {
      await keep.click();
      await expect(admin.getByRole("row", { name: /Dr\. Amara Okafor.*Keep/ })).toBeVisible();
    }
    const [kept] = await sql<{ decision: string | null; decided_by_id: string | null }>(
      `SELECT e.decision, e.decided_by_id FROM access_review_entries e JOIN doctor_profiles p ON p.user_id = e.user_id
        WHERE e.review_id = $1 AND p.display_name = 'Dr. Amara Okafor'`,
      [reviewId],
    );
    expect(kept?.decision).toBe("KEEP");
    expect(kept?.decided_by_id).not.toBeNull();

    // Revoke this test's doctor (in the snapshot when this run started the review), after confirming.
    const revokeSummary = admin.locator(`summary[aria-label='Revoke ${name}…']`);
    if (startedHere) await expect(revokeSummary).toBeVisible();
    if (await revokeSummary.isVisible()) {
      await revokeSummary.click();
      await expect(admin.getByText(`Revoking deactivates ${name} now`)).toBeVisible();
      await expectAccessiblePage(admin);
      await admin.getByRole("button", { name: `Confirm: revoke access of ${name}` }).click();
      await expect(
        admin.getByRole("row", { name: new RegExp(`${name}.*now deactivated.*Revoke`) }),
      ).toBeVisible();
      const [user] = await sql<{ status: string }>(
        "SELECT u.status FROM users u JOIN doctor_profiles p ON p.user_id = u.id WHERE p.display_name = $1",
        [name],
      );
      expect(user?.status).toBe("DEACTIVATED");
    }
    await expectAccessiblePage(admin);
  }

  // The CSV export (audited).
  const exportLink = admin.getByRole("link", { name: "Export CSV" });
  const href = (await exportLink.getAttribute("href"))!;
  const csv = await admin.request.get(href);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toMatch(/^text\/csv/);
  expect(csv.headers()["content-disposition"]).toMatch(
    /attachment; filename="haven-access-review-\d{4}-Q[1-4]\.csv"/,
  );
  const text = await csv.text();
  expect(text).toContain("period,user_id,name,email,role,status_at_start");
  expect(text).toContain("Dr. Amara Okafor");
  const download = admin.waitForEvent("download");
  await exportLink.click();
  expect((await download).suggestedFilename()).toMatch(/^haven-access-review-\d{4}-Q[1-4]\.csv$/);
  const [exported] = await sql<{ n: string }>(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'access-review.exported' AND resource_id = $1",
    [reviewId],
  );
  expect(Number(exported!.n)).toBeGreaterThanOrEqual(2);

  // Doctors, patients and anonymous visitors: the review page is a 404 or sign-in, the export a 404.
  const patient = await newBrowserAt(browser, `10.96.${octet()}.${octet()}`);
  await signInPatient(patient, DEMO_EMAILS.patients[2]);
  await expectRefused(patient, reviewPath, true);
  await expectRefused(patient, "/admin/access-reviews", true);
  expect((await patient.request.get(href)).status()).toBe(404);
  const anonymous = await newBrowserAt(browser, `10.97.${octet()}.${octet()}`);
  await expectRefused(anonymous, reviewPath, false);
  expect((await anonymous.request.get(href)).status()).toBe(404);
  const doctorEmail = uniqueEmail("dr.refused");
  await admin.goto("/admin");
  await admin.getByLabel("Name as patients see it").fill(`Dr. Refused ${Date.now().toString(36)}`);
  await admin.getByLabel("Specialty").fill("Neurology");
  await admin.getByLabel("Email").fill(doctorEmail);
  await admin.getByRole("button", { name: "Send invitation" }).click();
  await expect(admin.getByText("Invitation sent.")).toBeVisible();
  const doctor = await acceptAsDoctor(browser, doctorEmail);
  await expectRefused(doctor.page, reviewPath, true);
  expect((await doctor.page.request.get(href)).status()).toBe(404);
  expect(
    (await admin.request.get("/admin/access-reviews/00000000-0000-4000-8000-000000000000")).status(),
  ).toBe(404);
  assertNoProblems();
});
