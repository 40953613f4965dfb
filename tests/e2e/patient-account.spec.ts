import {
  enterPassword,
  expect,
  expectAccessiblePage,
  fillSignUpForm,
  linkIn,
  signOut,
  signUpConfirmedPatient,
  test,
  totp,
  uniqueEmail,
  waitForMail,
  watchForPageProblems,
} from "./fixtures";

const PASSWORD = "sunlit-harbour-walk-42";

test("a new patient signs up, confirms the email, signs out and signs in again", async ({ page }) => {
  const assertNoProblems = watchForPageProblems(page);
  const email = uniqueEmail("newpatient");

  await page.goto("/sign-up");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter your full name.")).toBeVisible();
  await expect(page.getByText("You need to accept the telehealth consent to use Haven.")).toBeVisible();
  await expectAccessiblePage(page);

  await fillSignUpForm(page, {
    fullName: "Noor Haddad",
    email,
    dateOfBirth: "1992-06-15",
    password: "short",
  });
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 12 characters.")).toBeVisible();
  // What was typed is kept, except the password.
  await expect(page.getByLabel("Full name")).toHaveValue("Noor Haddad");
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByLabel("Password")).toHaveValue("");

  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel(/telehealth consent/).check();
  await page.getByLabel(/privacy notice/).check();
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/sign-in\?reason=verify-email/);
  await expect(page.getByText("we sent you a link to confirm")).toBeVisible();

  // Not confirmed yet: signing in says what to do.
  await enterPassword(page, email, PASSWORD);
  await expect(page.getByText("Confirm your email address first")).toBeVisible();
  await expectAccessiblePage(page);

  const mail = await waitForMail(email, /Confirm your email/);
  await page.goto(linkIn(mail));
  await expectAccessiblePage(page);
  await page.getByRole("button", { name: "Confirm my email" }).click();
  await page.waitForURL(/\/sign-in\?reason=verified/);

  await enterPassword(page, email, PASSWORD);
  await page.waitForURL("**/patient");
  await expect(page.getByRole("heading", { name: "Hello, Noor Haddad" })).toBeVisible();
  await signOut(page);

  // The old session is gone on the server too.
  await page.goto("/patient");
  await page.waitForURL(/\/sign-in/);

  await enterPassword(page, email, PASSWORD);
  await page.waitForURL("**/patient");
  await expect(page.getByText("1992-06-15")).toBeVisible();
  assertNoProblems();
});

test("a patient changes the password and other sessions end", async ({ browser, page }) => {
  const email = await signUpConfirmedPatient(page, "Ilse Janssen", PASSWORD);

  const other = await browser.newPage({ extraHTTPHeaders: { "x-forwarded-for": "10.200.0.9" } });
  for (const p of [page, other]) {
    await enterPassword(p, email, PASSWORD);
    await p.waitForURL("**/patient");
  }

  await page.goto("/account");
  await page.getByLabel("Current password").fill("not-my-password-x");
  await page.getByLabel("New password").fill("a-brand-new-long-phrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Your current password is not correct.")).toBeVisible();

  await page.getByLabel("Current password").fill(PASSWORD);
  await page.getByLabel("New password").fill("a-brand-new-long-phrase");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed. Your other sessions were signed out.")).toBeVisible();

  await other.goto("/patient");
  await other.waitForURL(/\/sign-in\?reason=revoked/);
  await page.goto("/patient");
  await expect(page.getByRole("heading", { name: "Hello, Ilse Janssen" })).toBeVisible();
  await other.close();
});

test("a patient who forgot the password resets it by email and every session ends", async ({ page }) => {
  const email = await signUpConfirmedPatient(page, "Tomas Novak", PASSWORD);
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill("not an email");
  await page.getByRole("button", { name: "Email me a reset link" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expectAccessiblePage(page);
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a reset link" }).click();
  await expect(page.getByText("If an account exists for that address")).toBeVisible();

  const link = linkIn(await waitForMail(email, /Reset your Haven password/));
  await page.goto(link);
  await expectAccessiblePage(page);
  await page.getByLabel("New password").fill("harbour-lights-evening-5");
  await page.getByRole("button", { name: "Set new password" }).click();
  await page.waitForURL(/reason=reset/);

  await page.goto(link);
  await expect(page.getByText("This reset link was already used or has expired")).toBeVisible();

  await enterPassword(page, email, "harbour-lights-evening-5");
  await page.waitForURL("**/patient");
  await expect(page.getByRole("heading", { name: "Hello, Tomas Novak" })).toBeVisible();
});

test("a patient turns on two-step sign-in from the account page, then signs in with a code", async ({
  page,
}) => {
  const email = await signUpConfirmedPatient(page, "Amina Diallo", PASSWORD);
  await enterPassword(page, email, PASSWORD);
  await page.waitForURL("**/patient");

  await page.goto("/account");
  await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await expectAccessiblePage(page);
  await page.getByLabel("6-digit code").fill("123456");
  await page.getByLabel("Your current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await expect(page.getByText("That code does not match").first()).toBeVisible();
  await page.getByLabel("6-digit code").fill(await totp(secret));
  await page.getByLabel("Your current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  const recoveryCode = (await page.getByTestId("recovery-codes").locator("li").first().textContent())!.trim();
  await signOut(page);

  await enterPassword(page, email, PASSWORD);
  await page.getByLabel("Code from your authenticator app").fill(recoveryCode);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL("**/patient");

  await page.goto("/account");
  await page.getByLabel("Your current password, to turn it off").fill(PASSWORD);
  await page.getByRole("button", { name: "Turn off two-step sign-in" }).click();
  await expect(page.getByRole("button", { name: "Set up two-step sign-in" })).toBeVisible();
});
