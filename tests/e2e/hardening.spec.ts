// The defects an outside review found (issue 7), each reproduced the way the
// reviewer did: in Chromium, over HTTP, against a production build.
import { randomUUID } from "node:crypto";
import { DEMO_EMAILS, DEMO_PASSWORD } from "@/prisma/demo-accounts";
import {
  enrolAuthenticator,
  enterPassword,
  expect,
  expectAccessiblePage,
  fillSignUpForm,
  linkIn,
  newBrowserAt,
  noProxyBaseURL,
  postFormAsIs,
  postServerAction,
  resetAdminMfa,
  resetDoctorMfa,
  signOut,
  signUpConfirmedPatient,
  sql,
  test,
  totp,
  uniqueEmail,
  waitForMail,
} from "./fixtures";

const PASSWORD = "quiet-meadow-lantern-73";

test("without JavaScript every sign-in step works and no password ever appears in a URL", async ({
  browser,
}) => {
  const context = await browser.newContext({
    javaScriptEnabled: false,
    extraHTTPHeaders: { "x-forwarded-for": "10.210.0.1" },
  });
  const page = await context.newPage();
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));

  // (axe needs JavaScript: the same pages are checked in the tests that have it.)
  await enterPassword(page, DEMO_EMAILS.patients[0], "not-the-right-password");
  await expect(page.getByText("Email or password is incorrect.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(DEMO_EMAILS.patients[0]);
  await enterPassword(page, DEMO_EMAILS.patients[0], DEMO_PASSWORD);
  await page.waitForURL("**/patient");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL(/\/sign-in\?reason=signed-out/);
  expect((await page.goto("/patient"))?.url()).toMatch(/\/sign-in/);

  // A doctor's first sign-in: the authenticator set-up, the code, the recovery codes.
  await resetDoctorMfa("Dr. Amara Okafor");
  await enterPassword(page, DEMO_EMAILS.doctors[0], DEMO_PASSWORD);
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await page.getByLabel("6-digit code").fill("000000");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("That code does not match").first()).toBeVisible();
  await expect(page.getByTestId("totp-secret")).toHaveText(secret);
  await page.getByLabel("6-digit code").fill(await totp(secret));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await page.getByRole("link", { name: /saved them/ }).click();
  await page.waitForURL("**/doctor");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();

  // And the code step of a later sign-in.
  await enterPassword(page, DEMO_EMAILS.doctors[0], DEMO_PASSWORD);
  await page.getByLabel("Code from your authenticator app").fill(await totp(secret, 1));
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL("**/doctor");

  const leaks = urls.filter((url) => url.includes(DEMO_PASSWORD) || /password=|code=/i.test(url));
  expect(leaks).toEqual([]);
  await context.close();
});

test("a locked account answers like an unknown email, spares the owner's own browser, and the owner unlocks it by email", async ({
  browser,
  page,
}) => {
  // Eleven sign-in attempts (each an Argon2 hash) across four browsers: more than the default 30 s on two cores.
  test.setTimeout(60_000);
  const email = await signUpConfirmedPatient(page, "Farah Haddad", PASSWORD);
  await enterPassword(page, email, PASSWORD);
  await page.waitForURL("**/patient");
  await signOut(page);

  const attacker = await newBrowserAt(browser, "10.211.0.1");
  const answerOf = async (p: typeof page) => {
    const alert = p.locator("form [role=alert]");
    await expect(alert).toHaveText(/./);
    return (await alert.textContent())!;
  };
  for (let attempt = 1; attempt <= 4; attempt += 1) {
    await enterPassword(attacker, email, `wrong-guess-${attempt}-x`);
    expect(await answerOf(attacker)).toBe("Email or password is incorrect.");
  }
  await enterPassword(attacker, email, "wrong-guess-5-x");
  const lockedAnswer = await answerOf(attacker);
  expect(lockedAnswer).toMatch(/paused until \d\d:\d\d UTC/);
  await enterPassword(attacker, email, PASSWORD);
  expect(await answerOf(attacker)).toBe(lockedAnswer);

  // An email with no account gives exactly the same answers.
  const stranger = await newBrowserAt(browser, "10.211.0.2");
  const nobody = uniqueEmail("nobody");
  for (let attempt = 1; attempt <= 4; attempt += 1) {
    await enterPassword(stranger, nobody, `guess-${attempt}-xx`);
    expect(await answerOf(stranger)).toBe("Email or password is incorrect.");
  }
  await enterPassword(stranger, nobody, "guess-5-xx");
  const withoutTime = (answer: string) => answer.replace(/\d\d:\d\d/, "HH:MM");
  expect(withoutTime(await answerOf(stranger))).toBe(withoutTime(lockedAnswer));

  // The owner's own browser still signs in.
  await enterPassword(page, email, PASSWORD);
  await page.waitForURL("**/patient");
  await signOut(page);

  // A new browser of the owner's is locked; the emailed link unlocks the account.
  const laptop = await newBrowserAt(browser, "10.211.0.3");
  await laptop.goto(linkIn(await waitForMail(email, /account was locked/)));
  await expectAccessiblePage(laptop);
  await laptop.getByRole("button", { name: "Unlock my account" }).click();
  await laptop.waitForURL(/reason=unlocked/);
  await expect(laptop.getByText("Your account is unlocked")).toBeVisible();
  await enterPassword(laptop, email, PASSWORD);
  await laptop.waitForURL("**/patient");
  await Promise.all([attacker.context().close(), stranger.context().close(), laptop.context().close()]);
});

test("expected failures get a 4xx or a clear message, never a 500", async ({ page }) => {
  for (const reason of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
    expect((await page.goto(`/sign-in?reason=${reason}`))?.status(), reason).toBe(200);
  }
  for (const path of ["/invite", "/reset-password", "/verify-email", "/unlock"]) {
    expect((await page.goto(`${path}?token=aaaaaaaaaaaa&token=bbbbbbbbbbbb`))?.status(), path).toBe(200);
  }

  await page.goto("/forgot-password");
  const form = page.locator("form");
  const crossSite = await postFormAsIs(
    page,
    form,
    { email: "a@example.test" },
    { origin: "https://evil.example" },
  );
  expect(crossSite.status).toBe(403);
  expect(crossSite.text).toContain("sent from another site");
  const tooLarge = await postFormAsIs(page, form, { email: "a".repeat(2_000_000) });
  expect(tooLarge.status).toBe(413);
  expect(tooLarge.text).toContain("more than 1 MB");
  const malformed = await page.request.post("/forgot-password", {
    headers: { "content-type": "multipart/form-data; boundary=xyz", origin: new URL(page.url()).origin },
    data: '--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\nhalf a form',
  });
  expect(malformed.status()).toBe(400);
  expect(await malformed.text()).toContain("arrived incomplete or damaged");
  const valid = await postFormAsIs(page, form, { email: "a@example.test" });
  expect(valid.status).toBe(200);
  expect(valid.text).toContain("If an account exists for that address");

  // The admin's deactivate button, posted with the admin's own id, an unknown, a malformed and no id.
  await resetAdminMfa();
  await enterPassword(page, DEMO_EMAILS.admin, DEMO_PASSWORD);
  await enrolAuthenticator(page);
  await page.waitForURL("**/admin");
  // Rendered by the server, as a browser without JavaScript receives it.
  await page.goto("/admin");
  await expectAccessiblePage(page);
  const [admin] = await sql<{ id: string }>("SELECT id FROM users WHERE role = 'ADMIN'");
  const deactivate = page.locator("form").filter({ has: page.getByRole("button", { name: /^Deactivate / }) });
  const cases: [string | null, string][] = [
    [admin!.id, "You cannot deactivate your own account."],
    [randomUUID(), "No such active account."],
    ["not-a-uuid", "No such active account."],
    [null, "No such active account."],
  ];
  for (const [userId, message] of cases) {
    const answer = await postFormAsIs(page, deactivate.first(), { userId });
    expect(answer.status, String(userId)).toBe(200);
    expect(answer.text, String(userId)).toContain(message);
  }
  expect((await sql("SELECT 1 FROM users WHERE role = 'ADMIN' AND status = 'ACTIVE'")).length).toBe(1);
  await signOut(page);

  // A doctor calling the patients-only "turn off two-step sign-in" action.
  await resetDoctorMfa("Dr. Erik Lindqvist");
  await enterPassword(page, DEMO_EMAILS.doctors[1], DEMO_PASSWORD);
  await enrolAuthenticator(page);
  await page.waitForURL("**/doctor");
  const answer = await postServerAction(page, "/account", "disableMfaAction", {
    currentPassword: DEMO_PASSWORD,
  });
  expect(answer.status).toBe(200);
  const [doctor] = await sql<{ mfa_enabled_at: Date | null }>(
    "SELECT u.mfa_enabled_at FROM users u JOIN doctor_profiles d ON d.user_id = u.id WHERE d.display_name = $1",
    ["Dr. Erik Lindqvist"],
  );
  expect(doctor?.mfa_enabled_at).not.toBeNull();
});

test("next-auth's session endpoint checks the server-side session like every page", async ({ page }) => {
  await enterPassword(page, DEMO_EMAILS.patients[1], DEMO_PASSWORD);
  await page.waitForURL("**/patient");
  const live = (await (await page.request.get("/api/auth/session")).json()) as Record<string, unknown>;
  expect(live).toMatchObject({ role: "PATIENT", userId: expect.any(String) });
  expect(live).not.toHaveProperty("sessionId");
  await sql("UPDATE sessions SET revoked_at = now(), revoke_reason = 'test' WHERE user_id = $1", [
    live.userId,
  ]);
  const ended = await page.request.get("/api/auth/session");
  expect(ended.status()).toBe(200);
  expect(await ended.json()).toEqual({});
});

test("changing two-step sign-in needs the current password", async ({ page }) => {
  const email = await signUpConfirmedPatient(page, "Oren Baptiste", PASSWORD);
  await enterPassword(page, email, PASSWORD);
  await page.waitForURL("**/patient");
  await page.goto("/account");
  await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await page.getByLabel("6-digit code").fill(await totp(secret));
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await expect(page.getByText("Enter your current password.")).toBeVisible();
  // React empties a form after each submission: both fields again.
  await page.getByLabel("6-digit code").fill(await totp(secret));
  await page.getByLabel("Your current password").fill(PASSWORD);
  await page.getByRole("button", { name: "Turn on two-step sign-in" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);

  await page.goto("/account");
  await expectAccessiblePage(page);
  await page.getByLabel("Your current password, to turn it off").fill("not-my-password");
  await page.getByRole("button", { name: "Turn off two-step sign-in" }).click();
  await expect(page.getByText("Your current password is not correct.")).toBeVisible();
  const { userId } = (await (await page.request.get("/api/auth/session")).json()) as { userId: string };
  const [row] = await sql<{ mfa_enabled_at: Date | null }>("SELECT mfa_enabled_at FROM users WHERE id = $1", [
    userId,
  ]);
  expect(row?.mfa_enabled_at).not.toBeNull();
  await page.getByLabel("Your current password, to turn it off").fill(PASSWORD);
  await page.getByRole("button", { name: "Turn off two-step sign-in" }).click();
  await expect(page.getByRole("button", { name: "Set up two-step sign-in" })).toBeVisible();
});

test("without a proxy, a client's own X-Forwarded-For does not buy fresh rate-limit buckets", async ({
  playwright,
}) => {
  const api = await playwright.request.newContext({ baseURL: noProxyBaseURL });
  const statuses: number[] = [];
  for (let i = 0; i <= 100; i += 1) {
    const response = await api.post("/api/auth/keep-alive", {
      headers: { "x-forwarded-for": `198.18.${Math.floor(i / 250)}.${i % 250}` },
    });
    statuses.push(response.status());
  }
  expect(statuses.slice(0, 100).every((status) => status === 401)).toBe(true);
  expect(statuses.at(-1)).toBe(429);
  await api.dispose();
});

test("a clinic's front desk signs up and asks for resets for several people without being throttled", async ({
  page,
}) => {
  for (let person = 1; person <= 6; person += 1) {
    await page.goto("/sign-up");
    await fillSignUpForm(page, {
      fullName: `Front Desk Patient ${person}`,
      email: uniqueEmail(`desk${person}`),
      dateOfBirth: "1970-03-0" + String(person),
      password: PASSWORD,
    });
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/reason=verify-email/);
  }
  for (let person = 1; person <= 6; person += 1) {
    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill(uniqueEmail(`reset${person}`));
    await page.getByRole("button", { name: "Email me a reset link" }).click();
    await expect(page.getByText("If an account exists for that address")).toBeVisible();
  }
});
