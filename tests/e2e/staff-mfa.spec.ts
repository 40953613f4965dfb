import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { DEMO_EMAILS, DEMO_PASSWORD } from "@/prisma/demo-accounts";
import {
  enrolAuthenticator,
  enterPassword,
  expect,
  expectAccessiblePage,
  linkIn,
  resetAdminMfa,
  signOut,
  test,
  totp,
  uniqueEmail,
  waitForMail,
  watchForPageProblems,
} from "./fixtures";

const DOCTOR_PASSWORD = "quiet-clinic-morning-7";
const ADMIN_PASSWORD = "second-admin-harbour-9";
const ROOT = path.resolve(import.meta.dirname, "../..");

test("an admin enrols MFA, invites a doctor who sets a password and MFA; both sign in with codes, and a reused code is refused", async ({
  page,
}) => {
  const assertNoProblems = watchForPageProblems(page);
  await resetAdminMfa();

  // Admin: first sign-in forces authenticator enrolment.
  await enterPassword(page, DEMO_EMAILS.admin, DEMO_PASSWORD);
  await expect(page.getByText("Doctors and admins sign in with a second step")).toBeVisible();
  await expectAccessiblePage(page);
  const adminSecret = await enrolAuthenticator(page);
  await page.waitForURL("**/admin");

  // Invite a doctor; bad input first.
  const doctorEmail = uniqueEmail("dr.new");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Enter the doctor's name.")).toBeVisible();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expectAccessiblePage(page);
  await page.getByLabel("Name as patients see it").fill("Dr. Sofia Marquez");
  await page.getByLabel("Specialty").fill("Cardiology");
  await page.getByLabel("Email").fill(doctorEmail);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText("Invitation sent.")).toBeVisible();
  await expect(page.getByRole("row", { name: /Dr. Sofia Marquez.*Invited/ })).toBeVisible();
  await signOut(page);

  // Doctor: the invitation link sets the password (a common one is refused).
  await page.goto(linkIn(await waitForMail(doctorEmail, /invited to Haven/)));
  await expect(page.getByText("Dr. Sofia Marquez, choose your password")).toBeVisible();
  await page.getByLabel("New password").fill("password1234");
  await page.getByRole("button", { name: "Set my password" }).click();
  await expect(page.getByText(/too common/)).toBeVisible();
  await expectAccessiblePage(page);
  await page.getByLabel("New password").fill(DOCTOR_PASSWORD);
  await page.getByRole("button", { name: "Set my password" }).click();
  await page.waitForURL(/reason=invited/);

  await enterPassword(page, doctorEmail, DOCTOR_PASSWORD);
  const doctorSecret = await enrolAuthenticator(page);
  await page.waitForURL("**/doctor");
  await expect(page.getByRole("heading", { name: "Dr. Sofia Marquez" })).toBeVisible();
  await signOut(page);

  // The doctor signs in with a code; the same code a second time is refused.
  const code = await totp(doctorSecret, 1);
  await enterPassword(page, doctorEmail, DOCTOR_PASSWORD);
  await page.getByLabel("Code from your authenticator app").fill(code);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL("**/doctor");
  await signOut(page);
  await enterPassword(page, doctorEmail, DOCTOR_PASSWORD);
  await page.getByLabel("Code from your authenticator app").fill(code);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("That code is not valid. Codes work once.")).toBeVisible();
  await expectAccessiblePage(page);

  // The admin signs in with MFA and sees the doctor active with two-step sign-in on.
  await enterPassword(page, DEMO_EMAILS.admin, DEMO_PASSWORD);
  await page.getByLabel("Code from your authenticator app").fill(await totp(adminSecret, 1));
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL("**/admin");
  await expect(page.getByRole("row", { name: /Dr. Sofia Marquez.*Active.*On/ })).toBeVisible();

  // Deactivation ends the doctor's access at once.
  await page.getByRole("button", { name: "Deactivate Dr. Sofia Marquez" }).click();
  await expect(page.getByRole("row", { name: /Dr. Sofia Marquez.*Deactivated/ })).toBeVisible();
  assertNoProblems();
});

test("a clinic's new administrator: npm run admin:create emails an invitation; a password, an authenticator, the admin portal", async ({
  page,
}) => {
  const assertNoProblems = watchForPageProblems(page);
  const email = uniqueEmail("admin.new");
  // The operator's command, against this run's database and mail (the environment the servers have).
  const { stdout } = await promisify(execFile)(
    "npx",
    ["--no-install", "tsx", "--conditions=react-server", "scripts/admin-create.ts", "--email", email],
    { cwd: ROOT, env: process.env },
  );
  expect(stdout).toMatch(/Administrator invited: the link \(once, for 72 hours\) was emailed/);

  await page.goto(linkIn(await waitForMail(email, /invited to administer Haven/)));
  await expect(page.getByText("You are invited to administer Haven. Choose your password.")).toBeVisible();
  await expectAccessiblePage(page);
  await page.getByLabel("New password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Set my password" }).click();
  await page.waitForURL(/reason=invited/);

  await enterPassword(page, email, ADMIN_PASSWORD);
  await expect(page.getByText("Doctors and admins sign in with a second step")).toBeVisible();
  await enrolAuthenticator(page);
  await page.waitForURL("**/admin");
  await expect(page.getByRole("heading", { name: "Invite a doctor" })).toBeVisible();
  await expectAccessiblePage(page);
  assertNoProblems();
});
