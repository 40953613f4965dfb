// Shared end-to-end helpers: a distinct client address per test (the server
// trusts X-Forwarded-For here, so per-address limits do not collide), the mail
// the app sent over SMTP, TOTP codes, and direct database access for setting
// up states that take real time (an idle session).
import { existsSync, readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import type axe from "axe-core";
import {
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
  test as base,
  expect,
} from "@playwright/test";
import { encode } from "next-auth/jwt";
import { generate } from "otplib";
import pg from "pg";
import { SESSION_COOKIE } from "@/lib/auth/cookies";
import { blindIndex } from "@/lib/crypto/blind-index";
import { decodeKey } from "@/lib/crypto/keyring";
import { PHI_MODELS } from "@/lib/db/phi-fields";

export { expect };

export const test = base.extend({
  extraHTTPHeaders: async ({}, provide) => {
    await provide({ "x-forwarded-for": `10.${[...randomBytes(3)].map((b) => b % 250).join(".")}` });
  },
});

/** Another person's browser (its own cookies) at its own client address. */
export async function newBrowserAt(browser: Browser, address: string): Promise<Page> {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": address } });
  return context.newPage();
}

export function watchForPageProblems(page: Page): () => void {
  const problems: string[] = [];
  page.on("console", (message) => {
    // A 4xx answer to bad input is the expected outcome; 5xx, CSP and script errors are not.
    const expectedRefusal = /Failed to load resource: the server responded with a status of 4\d\d/.test(
      message.text(),
    );
    if (message.type() === "error" && !expectedRefusal) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return () => expect(problems, "console errors, CSP violations or script failures").toEqual([]);
}

interface Mail {
  to: string;
  subject: string;
  text: string;
}

export async function waitForMail(to: string, subject: RegExp): Promise<Mail> {
  const file = process.env.E2E_MAIL_FILE!;
  for (let i = 0; i < 50; i += 1) {
    if (existsSync(file)) {
      const mails = readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Mail)
        .filter((mail) => mail.to === to && subject.test(mail.subject));
      const last = mails.at(-1);
      if (last) return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no mail to ${to} matching ${subject}`);
}

export function linkIn(mail: Mail): string {
  const link = /https?:\/\/\S+token=[A-Za-z0-9_%-]+/.exec(mail.text)?.[0];
  if (!link) throw new Error("the mail holds no link");
  return new URL(link).pathname + new URL(link).search;
}

export function totp(secret: string, stepsAhead = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });
}

export async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: process.env.E2E_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

export const uniqueEmail = (label: string) => `${label}.${randomBytes(4).toString("hex")}@example.test`;

/** Email and password; returns once the next step (code, enrolment or portal) is shown. */
export async function enterPassword(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Completes the forced authenticator enrolment; returns the secret. */
export async function enrolAuthenticator(page: Page): Promise<string> {
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
  await page.getByLabel("6-digit code").fill(await totp(secret));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  await page.getByRole("link", { name: /saved them/ }).click();
  return secret;
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await page.waitForURL(/\/sign-in\?reason=signed-out/);
}

const RESET_MFA = "SET mfa_secret = NULL, mfa_enabled_at = NULL, mfa_last_time_step = NULL";

/** Resets the (single) admin's authenticator so a test can enrol one it knows. */
export async function resetAdminMfa(): Promise<void> {
  await sql(`UPDATE users ${RESET_MFA} WHERE role = 'ADMIN'`);
}

export async function resetDoctorMfa(displayName: string): Promise<void> {
  await sql(
    `UPDATE users ${RESET_MFA} WHERE id IN (SELECT user_id FROM doctor_profiles WHERE display_name = $1)`,
    [displayName],
  );
}

/** Fills the open sign-up form and accepts the required consents (and messaging, when asked). */
export async function fillSignUpForm(
  page: Page,
  person: { fullName: string; email: string; dateOfBirth: string; password: string; messaging?: boolean },
): Promise<void> {
  await page.getByLabel("Full name").fill(person.fullName);
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Date of birth").fill(person.dateOfBirth);
  await page.getByLabel("Password").fill(person.password);
  await page.getByLabel(/telehealth consent/).check();
  await page.getByLabel(/privacy notice/).check();
  if (person.messaging) await page.getByLabel(/secure messaging consent/).check();
}

/** A new patient through the real sign-up and email confirmation; returns the email. */
export async function signUpConfirmedPatient(
  page: Page,
  fullName: string,
  password: string,
): Promise<string> {
  const email = uniqueEmail(fullName.split(" ")[0]!.toLowerCase());
  await page.goto("/sign-up");
  // The optional consent too: the specs that sign up a patient go on to message their doctor.
  await fillSignUpForm(page, { fullName, email, dateOfBirth: "1980-01-31", password, messaging: true });
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/reason=verify-email/);
  await page.goto(linkIn(await waitForMail(email, /Confirm your email/)));
  await page.getByRole("button", { name: "Confirm my email" }).click();
  await page.waitForURL(/reason=verified/);
  return email;
}

// axe-core's minified build, put into each document once. @axe-core/playwright put the unminified
// source (1.5 MB) in twice per check and opened a blank page to merge results: about 1 s of the
// browser per check on 2 cores, against about 0.35 s this way, over some 200 checks a run.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

type AxeViolation = Pick<axe.Result, "id" | "impact"> & { targets: string[] };

/** axe's violations for the page as it is now (same-origin frames included, as axe does by default). */
async function axeViolations(page: Page): Promise<AxeViolation[]> {
  for (const frame of page.frames()) {
    if (!(await frame.evaluate(() => "axe" in window))) await frame.evaluate(AXE_SOURCE);
  }
  return page.evaluate(async () => {
    const { axe: inPage } = window as unknown as { axe: typeof axe };
    const { violations } = await inPage.run(document, { resultTypes: ["violations"] });
    return violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      targets: violation.nodes.map((node) => node.target.join(" ")),
    }));
  });
}

/**
 * The checks every page visited gets: no serious or critical accessibility
 * violation (axe), and no form that would put what it carries in the URL.
 */
export async function expectAccessiblePage(page: Page): Promise<void> {
  // After a server action React may briefly re-render the document head: wait until it is settled.
  await expect(page).toHaveTitle(/\S/);
  await page.waitForLoadState("domcontentloaded");
  let violations = await axeViolations(page);
  // The head re-rendered during the analysis (seen under load in CI): once more, after the title is back.
  // A page that really has no title fails the second run too.
  if (violations.some((violation) => violation.id === "document-title")) {
    await expect(page).toHaveTitle(/\S/);
    violations = await axeViolations(page);
  }
  const serious = violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.targets.join(", ")}`);
  expect(serious, `accessibility of ${page.url()}`).toEqual([]);
  // A form whose action is a function React rendered in the browser carries a
  // javascript: URL that throws, so it never submits anywhere by itself.
  const getForms = await page.$$eval("form", (forms) =>
    forms
      .filter((form) => form.method !== "post" && !form.getAttribute("action")?.startsWith("javascript:"))
      .map((form) => form.outerHTML.slice(0, 120)),
  );
  expect(getForms, `forms on ${page.url()} that would send their fields in the URL`).toEqual([]);
}

/** What a browser without JavaScript sends for this form, with some fields changed (null removes one). */
async function fieldsOf(form: Locator, changes: Record<string, string | null>) {
  const fields = await form.evaluate((element) =>
    [...new FormData(element as HTMLFormElement).entries()].flatMap(([name, value]) =>
      typeof value === "string" ? [[name, value] as const] : [],
    ),
  );
  const result: Record<string, string> = Object.fromEntries(fields);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete result[name];
    else result[name] = value;
  }
  return result;
}

/** Posts a form on the page as a browser without JavaScript would, fields tampered with as given. */
export async function postFormAsIs(
  page: Page,
  form: Locator,
  changes: Record<string, string | null>,
  headers: Record<string, string> = {},
) {
  const response = await page.request.post(page.url(), {
    multipart: await fieldsOf(form, changes),
    headers: { origin: new URL(page.url()).origin, ...headers },
    maxRedirects: 0,
  });
  return { status: response.status(), text: await response.text() };
}

/** Calls a server action by its exported name, as a no-JavaScript form post to a page that loads it. */
export async function postServerAction(
  page: Page,
  pagePath: string,
  exportedName: string,
  fields: Record<string, string>,
) {
  const manifestFile = path.resolve(import.meta.dirname, "../../.next/server/server-reference-manifest.json");
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as {
    node: Record<string, { exportedName: string }>;
  };
  const id = Object.entries(manifest.node).find(([, action]) => action.exportedName === exportedName)?.[0];
  if (!id) throw new Error(`no server action named ${exportedName}`);
  const response = await page.request.post(pagePath, {
    multipart: {
      $ACTION_REF_1: "",
      "$ACTION_1:0": JSON.stringify({ id, bound: "$@1" }),
      "$ACTION_1:1": JSON.stringify([{ ok: false }]),
      ...fields,
    },
    headers: { origin: new URL(page.url()).origin },
    maxRedirects: 0,
  });
  return { status: response.status(), text: await response.text() };
}

/** The second server: the same build and database, deployed without a reverse proxy (TRUST_PROXY=false). */
export const noProxyBaseURL = `http://localhost:${process.env.E2E_NO_PROXY_PORT ?? 3101}`;

const SESSION_HOURS = 12;

/** The accounts whose email is this one (found by the email's blind index, as the app finds them). */
export async function accountsWithEmail(
  email: string,
): Promise<{ id: string; role: "PATIENT" | "DOCTOR" | "ADMIN"; status: string }[]> {
  const emailIndex = PHI_MODELS.User.email.blindIndex;
  const index = blindIndex(
    decodeKey(process.env.PHI_BLIND_INDEX_KEY!, "PHI_BLIND_INDEX_KEY"),
    `User.${emailIndex.field}`,
    emailIndex.normalize(email),
  );
  return sql("SELECT id, role::text AS role, status::text AS status FROM users WHERE email_index = $1", [
    index,
  ]);
}

/**
 * Signs a browser in without the sign-in pages: a server-side session row and its cookie, made as the
 * sign-in steps make them (lib/auth/sessions.ts, lib/auth/session-cookie.ts: next-auth's encrypted JWT
 * under AUTH_SECRET, carrying only the session id). For the specs about something else: signing in
 * through the pages, with passwords, second factors and lockouts, is what patient-account, staff-mfa,
 * hardening, sessions and access-matrix test; going through it some seventy more times cost about two
 * seconds each. The session is as real as any: every request checks it, idle timeouts and sign-out
 * end it, admins see and revoke it.
 */
export async function startSession(context: BrowserContext, email: string): Promise<void> {
  const [user] = (await accountsWithEmail(email)).filter((account) => account.status === "ACTIVE");
  if (!user) throw new Error(`no active account for ${email}`);
  const [session] = await sql<{ id: string }>(
    `INSERT INTO sessions (id, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
     VALUES (gen_random_uuid(), $1, now(), now(), now() + make_interval(hours => $2), '127.0.0.1', 'Playwright')
     RETURNING id`,
    [user.id, SESSION_HOURS],
  );
  const value = await encode({
    token: { sessionId: session!.id, userId: user.id, role: user.role },
    secret: process.env.AUTH_SECRET!,
    maxAge: SESSION_HOURS * 3600,
  });
  // The production server names it with the __Host- prefix: secure, host-only, path /. (Chromium refuses
  // a secure cookie given with an http:// url, though it keeps and sends one for localhost.)
  await context.addCookies([
    {
      name: `__Host-${SESSION_COOKIE}`,
      value,
      domain: "localhost",
      path: "/",
      httpOnly: true,
      secure: true,
      sameSite: "Lax",
    },
  ]);
}

/** A demo doctor signed in (startSession), in a browser of their own (Tokyo time), on the portal. */
export async function signInDoctor(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({
    timezoneId: "Asia/Tokyo",
    extraHTTPHeaders: { "x-forwarded-for": `10.90.${Math.floor(Math.random() * 250)}.7` },
  });
  await startSession(context, email);
  const page = await context.newPage();
  await page.goto("/doctor");
  expect(new URL(page.url()).pathname, "the new session opens the portal").toBe("/doctor");
  return page;
}

/** A patient signed in (startSession) in this page's browser, on the portal. */
export async function signInPatient(page: Page, email: string): Promise<void> {
  await startSession(page.context(), email);
  await page.goto("/patient");
  expect(new URL(page.url()).pathname, "the new session opens the portal").toBe("/patient");
}

/** The demo admin signed in (startSession), in a browser of their own, on the portal. */
export async function signInAdmin(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({
    extraHTTPHeaders: { "x-forwarded-for": `10.92.${Math.floor(Math.random() * 250)}.1` },
  });
  await startSession(context, email);
  const page = await context.newPage();
  await page.goto("/admin");
  expect(new URL(page.url()).pathname, "the new session opens the portal").toBe("/admin");
  return page;
}

/** How many refusals (`authz.denied`) the audit trail holds for one record. */
export async function refusalsOf(resourceId: string): Promise<number> {
  const [row] = await sql<{ n: string }>(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'authz.denied' AND resource_id = $1",
    [resourceId],
  );
  return Number(row?.n ?? 0);
}

/**
 * On the TEST MODE checkout a booking led to: pays (or declines) there and waits for the visit
 * page it returns to. Returns the visit's id.
 */
export async function payInTestMode(page: Page, outcome: "pay" | "decline" = "pay"): Promise<string> {
  await page.waitForURL(/\/pay\/test\/tco_[0-9a-f-]{36}$/);
  await expect(page.getByText("TEST MODE — no real money moves")).toBeVisible();
  await expectAccessiblePage(page);
  if (outcome === "pay") await page.getByRole("button", { name: /^Pay .+ \(test card succeeds\)$/ }).click();
  else await page.getByRole("button", { name: "Decline the card" }).click();
  await page.waitForURL(
    outcome === "pay"
      ? /\/patient\/visits\/[0-9a-f-]{36}\?paid=1$/
      : /\/patient\/visits\/[0-9a-f-]{36}\?payment=declined$/,
  );
  if (outcome === "pay") await expect(page.getByText("Paid and confirmed.")).toBeVisible();
  else await expect(page.getByText(/Your card was declined\./)).toBeVisible();
  return new URL(page.url()).pathname.split("/")[3]!;
}
