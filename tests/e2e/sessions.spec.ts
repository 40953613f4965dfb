import { DEMO_EMAILS, DEMO_PASSWORD } from "@/prisma/demo-accounts";
import { enterPassword, expect, expectAccessiblePage, signUpConfirmedPatient, sql, test } from "./fixtures";

test("after the idle timeout the old cookie is refused and the browser lands on sign-in with the reason", async ({
  page,
}) => {
  await enterPassword(page, DEMO_EMAILS.patients[0], DEMO_PASSWORD);
  await page.waitForURL("**/patient");
  // Sixteen minutes without activity, without waiting sixteen minutes.
  await sql(
    `UPDATE sessions SET last_seen_at = now() - interval '16 minutes'
      WHERE id = (SELECT id FROM sessions WHERE revoked_at IS NULL ORDER BY created_at DESC LIMIT 1)`,
  );
  await page.reload();
  await page.waitForURL(/\/sign-in\?reason=idle/);
  await expect(page.getByText("You were signed out after a period without activity")).toBeVisible();

  const keepAlive = await page.request.post("/api/auth/keep-alive");
  expect(keepAlive.status()).toBe(401);
});

test("signing out everywhere ends the other browser's session immediately", async ({ browser, page }) => {
  // A patient of its own: other specs leave demo patients signed in elsewhere.
  const password = "amber-lighthouse-canyon-19";
  const email = await signUpConfirmedPatient(page, "Sami Sessions", password);
  const other = await browser.newPage({ extraHTTPHeaders: { "x-forwarded-for": "10.201.0.3" } });
  for (const p of [page, other]) {
    await enterPassword(p, email, password);
    await p.waitForURL("**/patient");
  }
  await page.goto("/account");
  await expect(page.getByTestId("sessions").locator("li")).toHaveCount(2);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await page.waitForURL(/\/sign-in/);
  await other.goto("/account");
  await other.waitForURL(/\/sign-in\?reason=revoked/);
  await expect(other.getByText("Your session was ended")).toBeVisible();
  await other.close();
});

test("two minutes before the idle timeout the page offers to stay signed in; at the timeout it goes to sign-in", async ({
  page,
}) => {
  await page.clock.install();
  await enterPassword(page, DEMO_EMAILS.patients[0], DEMO_PASSWORD);
  await page.waitForURL("**/patient");
  const warning = page.getByRole("alertdialog");
  await expect(warning).toHaveCount(0);

  await page.clock.fastForward("13:30");
  await expect(warning).toContainText("You will be signed out in 1:");
  await expectAccessiblePage(page);
  await warning.getByRole("button", { name: "Stay signed in" }).click();
  // The server moved the deadline 15 minutes past its own clock: the warning goes away.
  await expect(warning).toHaveCount(0);

  await page.clock.fastForward("15:30");
  await page.waitForURL(/\/sign-in\?reason=idle/);
});
