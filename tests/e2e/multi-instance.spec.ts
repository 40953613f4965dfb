// Two instances of the production build behind a round-robin load balancer
// (scripts/lib/round-robin-proxy.ts), one PostgreSQL: nothing a request needs may live
// in one instance's memory. A patient signs in while requests alternate between the
// instances, books a visit on the other instance than the one that checked the
// password, and then the patient and a doctor exchange messages whose event streams
// are held by instance A while every send goes through instance B: each message
// appears without a reload (LISTEN/NOTIFY fan-out between instances). Signing out on
// one instance ends the session on the other at once (sessions live in PostgreSQL).
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { DEMO_EMAILS, DEMO_PASSWORD } from "@/prisma/demo-accounts";
import { type Instance, startInstance, stopInstance, waitForHealth } from "./app-instances";
import { findFreePort } from "@/scripts/lib/free-port";
import { type RoundRobinProxy, startRoundRobinProxy } from "@/scripts/lib/round-robin-proxy";
import {
  enrolAuthenticator,
  enterPassword,
  expect,
  expectAccessiblePage,
  payInTestMode,
  resetDoctorMfa,
  signOut,
  signUpConfirmedPatient,
  sql,
  test,
  watchForPageProblems,
} from "./fixtures";

const PASSWORD = "lantern-meadow-copper-42";
const LIVE = { timeout: 5_000 };
/** A test header that sends a browser's requests to one instance (the event stream excepted). */
const UPSTREAM_HEADER = "x-test-upstream";
const EVENTS_PATH = "/api/realtime/events";
const A = 0;
const B = 1;

test.describe.configure({ mode: "serial" });

let proxy: RoundRobinProxy;
let instances: Instance[] = [];
const forwarded: { method: string; url: string; upstream: number; pinned: boolean }[] = [];

let patientEmail = "";
let okaforId = "";
let threadId = "";

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const ports = [await findFreePort(), await findFreePort()];
  while (ports[1] === ports[0]) ports[1] = await findFreePort();
  proxy = await startRoundRobinProxy({
    upstreams: ports.map((port) => `http://127.0.0.1:${port}`),
    pin: (request) => {
      if (request.url?.startsWith(EVENTS_PATH)) return A;
      const wanted = request.headers[UPSTREAM_HEADER];
      return wanted === "0" || wanted === "1" ? Number(wanted) : undefined;
    },
    onForward: (entry) => forwarded.push(entry),
  });
  // Every instance's APP_URL is the load balancer's address, as in a real deployment.
  const env = { APP_URL: proxy.url, TRUST_PROXY: "true" };
  instances = [startInstance(ports[0]!, env), startInstance(ports[1]!, env)];
  await Promise.all(instances.map((instance) => waitForHealth(instance)));
});

test.afterAll(async () => {
  await Promise.all(instances.map((instance) => stopInstance(instance)));
  await proxy?.stop();
});

/** A browser of its own that talks to the load balancer only. */
async function throughProxy(browser: Browser, timezoneId = "Europe/Berlin"): Promise<Page> {
  const context = await browser.newContext({ baseURL: proxy.url, timezoneId });
  return context.newPage();
}

/** From now on this browser's requests go to one instance (its event stream stays on A). */
async function pinTo(context: BrowserContext, upstream: number | null): Promise<void> {
  await context.setExtraHTTPHeaders(upstream === null ? {} : { [UPSTREAM_HEADER]: String(upstream) });
}

const since = (mark: number) => forwarded.slice(mark);
const messages = (page: Page) => page.getByRole("region", { name: "Messages" });

test("a patient signs in while requests alternate between the instances and books on the other one", async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const [okafor] = await sql<{ user_id: string }>(
    "SELECT user_id FROM doctor_profiles WHERE display_name = 'Dr. Amara Okafor'",
  );
  okaforId = okafor!.user_id;

  const page = await throughProxy(browser);
  const problems = watchForPageProblems(page);
  patientEmail = await signUpConfirmedPatient(page, "Ines Moreau", PASSWORD);

  // Sign-in, round robin: both instances serve parts of it, and the session works on both.
  proxy.resetCounts();
  let mark = forwarded.length;
  await enterPassword(page, patientEmail, PASSWORD);
  await page.waitForURL("**/patient");
  await expectAccessiblePage(page);
  const [onA, onB] = proxy.counts;
  expect(onA, "requests instance A served during sign-in").toBeGreaterThan(0);
  expect(onB, "requests instance B served during sign-in").toBeGreaterThan(0);
  const signInPost = since(mark).find((entry) => entry.method === "POST" && entry.url.startsWith("/sign-in"));
  expect(signInPost, "the sign-in form's POST went through the proxy").toBeDefined();
  const other = 1 - signInPost!.upstream;

  // Everything from here on goes to the instance that did not check the password.
  await pinTo(page.context(), other);
  mark = forwarded.length;
  await page.goto("/patient");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expectAccessiblePage(page);

  // Book and pay a visit with Dr. Okafor five weeks out (clear of the other specs' times).
  await page.goto(`/doctors/${okaforId}?week=5`);
  await expectAccessiblePage(page);
  const times = await page
    .locator('input[name="startsAt"]')
    .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
  expect(times.length).toBeGreaterThan(0);
  await page.locator(`input[name="startsAt"][value="${times.at(-1)}"]`).check();
  await page.getByLabel("Reason for the visit").fill("Recurring headaches");
  await page.getByRole("button", { name: "Book this time" }).click();
  const visitId = await payInTestMode(page);
  // A request the previous page created before the pin (a prefetch held back on a busy machine) can still
  // reach the proxy after it, without the header: it is not part of the booking.
  const booking = since(mark).filter((entry) => entry.pinned && !entry.url.startsWith(EVENTS_PATH));
  expect(since(mark).filter((entry) => entry.method === "POST" && !entry.pinned)).toEqual([]);
  expect(booking.filter((entry) => entry.method === "POST").length).toBeGreaterThan(0);
  expect(new Set(booking.map((entry) => entry.upstream)), "the booking ran on the other instance").toEqual(
    new Set([other]),
  );
  const [visit] = await sql<{ status: string }>(
    "SELECT status::text AS status FROM appointments WHERE id = $1 AND doctor_id = $2",
    [visitId, okaforId],
  );
  expect(visit?.status).toBe("CONFIRMED");

  // The visit page offers the conversation; opening it creates the pair's thread.
  await page.goto(`/patient/visits/${visitId}`);
  await expectAccessiblePage(page);
  await page.getByRole("button", { name: "Message Dr. Amara Okafor" }).click();
  await page.waitForURL(/\/patient\/messages\/[0-9a-f-]{36}$/);
  threadId = new URL(page.url()).pathname.split("/")[3]!;
  await expect(page.getByRole("heading", { name: "Dr. Amara Okafor", level: 1 })).toBeVisible();
  await expectAccessiblePage(page);
  problems();
  await page.context().close();
});

test("event streams held by instance A, sends through instance B: messages arrive live both ways", async ({
  browser,
}) => {
  test.setTimeout(150_000);
  expect(threadId, "the previous test opened the thread").not.toBe("");

  const patient = await throughProxy(browser);
  const patientProblems = watchForPageProblems(patient);
  await enterPassword(patient, patientEmail, PASSWORD);
  await patient.waitForURL("**/patient");

  const doctor = await throughProxy(browser, "Asia/Tokyo");
  const doctorProblems = watchForPageProblems(doctor);
  await resetDoctorMfa("Dr. Amara Okafor");
  await enterPassword(doctor, DEMO_EMAILS.doctors[0], DEMO_PASSWORD);
  await enrolAuthenticator(doctor);
  await doctor.waitForURL("**/doctor");
  await expectAccessiblePage(doctor);

  // Every request but the event streams now goes to B; the streams go to A (the proxy's pin).
  await pinTo(patient.context(), B);
  await pinTo(doctor.context(), B);
  const mark = forwarded.length;
  const streamsFrom = new Date();
  await patient.goto(`/patient/messages/${threadId}`);
  await expectAccessiblePage(patient);
  await doctor.goto(`/doctor/messages/${threadId}`);
  await expect(messages(doctor)).toBeVisible();
  await expectAccessiblePage(doctor);
  // Both streams are open (on A, as the proxy pins them): the patient sees the doctor come online.
  await expect(patient.getByText("Online", { exact: true })).toBeVisible(LIVE);
  await expect
    .poll(async () => {
      const [row] = await sql<{ n: string }>(
        `SELECT count(DISTINCT c.user_id) AS n FROM realtime_connections c
           JOIN message_threads t ON c.user_id IN (t.patient_id, t.doctor_id)
          WHERE t.id = $1 AND c.opened_at >= $2`,
        [threadId, streamsFrom],
      );
      return Number(row?.n ?? 0);
    }, LIVE)
    .toBe(2);

  // Patient → doctor: sent through B, the doctor's stream on A shows it without a reload.
  const question = "The headaches come back every afternoon; should I keep a diary?";
  await patient.getByRole("textbox", { name: "Message" }).fill(question);
  const sentAt = Date.now();
  await patient.getByRole("button", { name: "Send" }).click();
  await expect(messages(patient).getByText(question)).toBeVisible();
  await expect(messages(doctor).getByText(question)).toBeVisible(LIVE);
  console.log(`[multi-instance] patient via B → doctor's stream on A in ${Date.now() - sentAt} ms`);

  // Doctor → patient, the same way round.
  const answer = "Yes, please note the time, what you ate and how long each one lasts.";
  await doctor.getByRole("textbox", { name: "Message" }).fill(answer);
  const repliedAt = Date.now();
  await doctor.getByRole("button", { name: "Send" }).click();
  await expect(messages(doctor).getByText(answer)).toBeVisible();
  await expect(messages(patient).getByText(answer)).toBeVisible(LIVE);
  console.log(`[multi-instance] doctor via B → patient's stream on A in ${Date.now() - repliedAt} ms`);

  // Where each request went: the sends on B, every event stream on A, nothing else on A.
  const during = since(mark);
  const sends = during.filter(
    (entry) => entry.method === "POST" && /^\/api\/messages\/threads\/[^/]+\/messages/.test(entry.url),
  );
  expect(sends.length).toBeGreaterThanOrEqual(2);
  expect(sends.every((entry) => entry.upstream === B)).toBe(true);
  const streams = during.filter((entry) => entry.url.startsWith(EVENTS_PATH));
  expect(streams.length).toBeGreaterThanOrEqual(2);
  expect(streams.every((entry) => entry.upstream === A)).toBe(true);
  // (Requests created before the browsers were pinned are not part of the exchange: see the booking.)
  expect(sends.every((entry) => entry.pinned)).toBe(true);
  expect(
    during
      .filter((entry) => entry.pinned && !entry.url.startsWith(EVENTS_PATH))
      .every((e) => e.upstream === B),
  ).toBe(true);
  // The open streams are registered by one instance (A's) in the shared table.
  const holders = await sql<{ instance_id: string }>(
    `SELECT DISTINCT c.instance_id FROM realtime_connections c
       JOIN message_threads t ON c.user_id IN (t.patient_id, t.doctor_id)
      WHERE t.id = $1 AND c.opened_at >= $2`,
    [threadId, streamsFrom],
  );
  expect(holders).toHaveLength(1);

  // Both stored, as ciphertext.
  const rows = await sql<{ body: string }>("SELECT body FROM messages WHERE thread_id = $1", [threadId]);
  expect(rows).toHaveLength(2);
  for (const row of rows) expect(row.body).toMatch(/^v2:/);
  patientProblems();
  doctorProblems();
  await patient.context().close();
  await doctor.context().close();
});

test("signing out through instance B ends the session on instance A at its next request", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const page = await throughProxy(browser);
  await enterPassword(page, patientEmail, PASSWORD);
  await page.waitForURL("**/patient");

  // Another browser holding the same session cookie, every request on A: signed in there.
  const copy = await browser.newContext({ baseURL: proxy.url });
  await copy.addCookies(await page.context().cookies());
  await pinTo(copy, A);
  const onA = await copy.newPage();
  await onA.goto("/patient");
  expect(new URL(onA.url()).pathname).toBe("/patient");
  await expectAccessiblePage(onA);

  // Signed out through B: A holds no copy of the session to keep using.
  await pinTo(page.context(), B);
  const mark = forwarded.length;
  await signOut(page);
  expect(since(mark).some((entry) => entry.method === "POST" && entry.upstream === B)).toBe(true);
  await onA.goto("/patient");
  await onA.waitForURL(/\/sign-in/);
  await expectAccessiblePage(onA);
  await copy.close();
  await page.context().close();
});
