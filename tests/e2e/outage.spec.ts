// The database stops while people use Haven. An instance of the production build reaches PostgreSQL
// through a TCP proxy the test can cut (as a stopped server: connections dropped, new ones closed).
// A page then says it could not be shown, with a reference and a way to try again; a form says
// nothing was saved and keeps what was typed. When the database is back, both work again in the
// same process, without a restart. Every page is checked with axe.
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import { findFreePort } from "@/scripts/lib/free-port";
import { type StallingProxy, startStallingProxy } from "../support/stalling-proxy";
import { type Instance, startInstance, stopInstance, waitForHealth } from "./app-instances";
import {
  accountsWithEmail,
  expect,
  expectAccessiblePage,
  fillSignUpForm,
  startSession,
  test,
  uniqueEmail,
} from "./fixtures";

test.describe.configure({ mode: "serial" });

let database: StallingProxy;
let instance: Instance;
let baseURL = "";

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const direct = new URL(process.env.E2E_DATABASE_URL!);
  database = await startStallingProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const proxied = new URL(direct);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(database.port);
  const port = await findFreePort();
  // localhost, not 127.0.0.1: the session cookie is set for localhost (it is not bound to a port).
  baseURL = `http://localhost:${port}`;
  instance = startInstance(port, { APP_URL: baseURL, DATABASE_URL: proxied.toString() });
  await waitForHealth(instance);
});

test.afterAll(async () => {
  database?.reconnect();
  if (instance) await stopInstance(instance);
  await database?.close();
});

test("while the database is stopped a page says so and offers to try again; it recovers without a restart", async ({
  browser,
}) => {
  const context = await browser.newContext({ baseURL });
  await startSession(context, DEMO_EMAILS.patients[0]);
  const page = await context.newPage();
  const directory = page.getByRole("heading", { level: 1, name: "Find a doctor" });
  await page.goto("/doctors");
  await expect(directory).toBeVisible();

  database.cut();
  const response = await page.goto("/doctors");
  expect(response?.status()).toBe(500);
  await expect(page.getByRole("heading", { level: 1, name: "This page could not be shown" })).toBeVisible();
  await expect(page.getByText(/Nothing you had already saved is lost/)).toBeVisible();
  // The reference matches the server's log line; the error's own text never reaches the page.
  await expect(page.getByText(/give the clinic this reference: \S+/)).toBeVisible();
  await expect(page.locator("main")).not.toContainText(/ECONN|Connection terminated|prisma|SQL/i);
  await expectAccessiblePage(page);

  database.reconnect();
  await expect(async () => {
    await page.getByRole("button", { name: "Try again" }).click();
    await expect(directory).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "This page could not be shown" })).toHaveCount(0);
  await expectAccessiblePage(page);
  await context.close();
});

test("a form sent while the database is stopped says nothing was saved and keeps what was typed", async ({
  browser,
}) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const email = uniqueEmail("outage");
  await page.goto("/sign-up");
  await fillSignUpForm(page, {
    fullName: "Noor Outage",
    email,
    dateOfBirth: "1984-05-06",
    password: "lantern-meadow-copper-42",
  });

  database.cut();
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(
    page.getByText("The service is briefly unavailable, so nothing was saved. Try again in a minute."),
  ).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveValue("Noor Outage");
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByLabel("Date of birth")).toHaveValue("1984-05-06");
  await expect(page.getByLabel(/telehealth consent/)).toBeChecked();
  await expect(page.getByLabel(/privacy notice/)).toBeChecked();
  // The password alone is never sent back to the browser.
  await expect(page.getByLabel("Password")).toHaveValue("");
  expect(await accountsWithEmail(email)).toEqual([]);
  await expectAccessiblePage(page);

  database.reconnect();
  await expect(async () => {
    if (page.url().includes("reason=verify-email")) return;
    await page.getByLabel("Password").fill("lantern-meadow-copper-42");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/reason=verify-email/, { timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
  expect((await accountsWithEmail(email)).map((account) => account.role)).toEqual(["PATIENT"]);
  await expectAccessiblePage(page);
  await context.close();
});
