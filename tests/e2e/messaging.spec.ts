// Secure messaging as people use it, with the built-in realtime transport and two
// app instances on one PostgreSQL: a new patient, after a paid visit with Dr. Okafor,
// writes from instance A while the doctor reads on instance B; messages, typing,
// unread counts, read marks, presence and retraction arrive without a reload within
// 2 s. Hostile text stays text. Nobody else opens the thread (404), and what is
// stored is ciphertext.
import type { Browser, Page } from "@playwright/test";
import { DEMO_EMAILS, DEMO_PASSWORD } from "@/prisma/demo-accounts";
import {
  enrolAuthenticator,
  enterPassword,
  expect,
  expectAccessiblePage,
  noProxyBaseURL,
  payInTestMode,
  refusalsOf,
  resetDoctorMfa,
  signInAdmin,
  signInDoctor,
  signUpConfirmedPatient,
  sql,
  test,
  watchForPageProblems,
} from "./fixtures";

const PASSWORD = "willow-harbour-quartz-19";
// Live means without a reload; how fast is the benchmark's business (two shards share two cores here).
const LIVE = { timeout: 10_000 };
test.describe.configure({ mode: "serial" });

let patientEmail = "";
let okaforId = "";
let threadId = "";
let firstMessageId = "";
let visitId = "";

/** Dr. Okafor signed in on the second instance (same build and database, another port). */
async function okaforOnInstanceB(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    baseURL: noProxyBaseURL,
    timezoneId: "Europe/Berlin",
  });
  const page = await context.newPage();
  await resetDoctorMfa("Dr. Amara Okafor");
  await enterPassword(page, DEMO_EMAILS.doctors[0], DEMO_PASSWORD);
  await enrolAuthenticator(page);
  await page.waitForURL("**/doctor");
  return page;
}

const messages = (page: Page) => page.getByRole("region", { name: "Messages" });

test("a new patient with a paid visit can start a conversation with that doctor only", async ({ page }) => {
  test.setTimeout(90_000);
  const [okafor] = await sql<{ user_id: string }>(
    "SELECT user_id FROM doctor_profiles WHERE display_name = 'Dr. Amara Okafor'",
  );
  okaforId = okafor!.user_id;
  patientEmail = await signUpConfirmedPatient(page, "Rosa Delgado", PASSWORD);
  await enterPassword(page, patientEmail, PASSWORD);
  await page.waitForURL("**/patient");

  // Before any visit: nobody to write to, and a crafted request for a thread is a 404.
  await page.goto("/patient/messages");
  await expect(page.getByRole("heading", { name: "Messages", level: 1 })).toBeVisible();
  await expectAccessiblePage(page);
  await expect(page.getByRole("button", { name: /^Message Dr\./ })).toHaveCount(0);
  const refused = await page.request.post("/api/messages/threads", { data: { counterpartId: okaforId } });
  expect(refused.status()).toBe(404);

  // Book and pay a visit with Dr. Okafor (three weeks out, clear of other tests' times).
  await page.goto(`/doctors/${okaforId}?week=3`);
  const times = await page
    .locator('input[name="startsAt"]')
    .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
  expect(times.length).toBeGreaterThan(0);
  await page.locator(`input[name="startsAt"][value="${times.at(-1)}"]`).check();
  await page.getByLabel("Reason for the visit").fill("Follow-up on sleep problems");
  await page.getByRole("button", { name: "Book this time" }).click();
  visitId = await payInTestMode(page);

  // The visit page offers the conversation; it opens the pair's one thread.
  await page.goto(`/patient/visits/${visitId}`);
  await page.getByRole("button", { name: "Message Dr. Amara Okafor" }).click();
  await page.waitForURL(/\/patient\/messages\/[0-9a-f-]{36}$/);
  threadId = new URL(page.url()).pathname.split("/")[3]!;
  await expect(page.getByRole("heading", { name: "Dr. Amara Okafor", level: 1 })).toBeVisible();
  await expectAccessiblePage(page);
  const [thread] = await sql<{ patient_id: string; doctor_id: string }>(
    "SELECT patient_id, doctor_id FROM message_threads WHERE id = $1",
    [threadId],
  );
  expect(thread!.doctor_id).toBe(okaforId);
});

test("patient on instance A and doctor on instance B: messages, typing, unread counts, read marks and retraction arrive live", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const problems = watchForPageProblems(page);
  await enterPassword(page, patientEmail, PASSWORD);
  await page.waitForURL("**/patient");
  await page.goto(`/patient/messages/${threadId}`);
  await expect(page.getByText("Offline")).toBeVisible();

  const doctor = await okaforOnInstanceB(browser);
  const doctorProblems = watchForPageProblems(doctor);
  await doctor.goto("/doctor/messages");
  await expect(doctor.getByRole("link", { name: /^Rosa Delgado/ })).toBeVisible();
  await expectAccessiblePage(doctor);
  // The doctor's stream is open (instance B): the patient sees them come online.
  await expect(page.getByText("Online", { exact: true })).toBeVisible({ timeout: 5_000 });

  // A message from A reaches B's inbox: the thread's unread count and the nav badge, no reload.
  const text = "Hello doctor, I still wake up at 4 am most nights.";
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  const sentAt = Date.now();
  await page.getByRole("button", { name: "Send" }).click();
  await expect(messages(page).getByText(text)).toBeVisible();
  await expect(doctor.getByText("1 unread", { exact: true })).toBeVisible(LIVE);
  await expect(doctor.getByRole("link", { name: /^Messages\s*, 1 unread$/ })).toBeVisible(LIVE);
  console.log(`[messaging] A → B inbox in ${Date.now() - sentAt} ms`);

  // The doctor opens it: the message is there, and the patient's copy turns "Read".
  await doctor.getByRole("link", { name: /^Rosa Delgado/ }).click();
  await doctor.waitForURL(`**/doctor/messages/${threadId}`);
  await expect(messages(doctor).getByText(text)).toBeVisible();
  await expectAccessiblePage(doctor);
  await expect(messages(page).getByText("Read", { exact: true })).toBeVisible(LIVE);
  await expect(doctor.getByRole("link", { name: /^Messages\s*, 1 unread$/ })).toHaveCount(0);

  // Typing on B shows on A.
  await doctor.getByRole("textbox", { name: "Message" }).pressSequentially("Let us look", { delay: 20 });
  await expect(page.getByText("Dr. Amara Okafor is typing…")).toBeVisible(LIVE);

  // B → A within 2 s, sent with Enter from the keyboard.
  const reply = " at your sleep diary at the visit.";
  await doctor.getByRole("textbox", { name: "Message" }).pressSequentially(reply, { delay: 5 });
  const repliedAt = Date.now();
  await doctor.getByRole("textbox", { name: "Message" }).press("Enter");
  await expect(messages(page).getByText(`Let us look${reply}`)).toBeVisible(LIVE);
  console.log(`[messaging] B → A thread in ${Date.now() - repliedAt} ms`);

  // Hostile text is shown as text: no element, no script, no javascript: link; a web address is a safe link.
  const hostile = `<img src=x onerror="window.__pwned=1"> javascript:alert(1) see https://example.org/sleep?x=1&y=<b>2</b>`;
  await page.getByRole("textbox", { name: "Message" }).fill(hostile);
  await page.getByRole("button", { name: "Send" }).click();
  const hostileOnB = messages(doctor).getByText(/onerror/);
  await expect(hostileOnB).toBeVisible(LIVE);
  await expect(hostileOnB).toContainText('<img src=x onerror="window.__pwned=1">');
  expect(await messages(doctor).locator("img, script, b").count()).toBe(0);
  expect(await doctor.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  const link = messages(doctor).getByRole("link", { name: /https:\/\/example\.org\/sleep/ });
  await expect(link).toHaveAttribute("href", /^https:\/\/example\.org\/sleep\?x=1&y=$/);
  await expect(link).toHaveAttribute("rel", /noopener/);
  expect(await messages(doctor).locator('a[href^="javascript:"]').count()).toBe(0);

  // Too long: a specific error, and the text stays in the composer.
  const long = "z".repeat(4_001);
  await page.getByRole("textbox", { name: "Message" }).fill(long);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByText("A message can be at most 4,000 characters; this one is 4,001.")).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveValue(long);
  await page.getByRole("textbox", { name: "Message" }).fill("");

  // A send that does not get through stays visible as "Not sent"; Retry sends the same message once.
  // (The browser logs the failed request itself: page problems are checked before and watched anew after.)
  problems();
  await page.route("**/api/messages/threads/*/messages", (route) => route.abort("internetdisconnected"));
  const offline = "Sent while the connection dropped";
  await page.getByRole("textbox", { name: "Message" }).fill(offline);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(messages(page).getByText("Not sent.")).toBeVisible();
  await page.unroute("**/api/messages/threads/*/messages");
  await page.getByRole("button", { name: /^Retry/ }).click();
  await expect(messages(doctor).getByText(offline)).toBeVisible(LIVE);
  await expect(messages(page).getByText("Not sent.")).toHaveCount(0);
  const problemsAfterRetry = watchForPageProblems(page);

  // Retraction within 5 minutes: both see the marker, no text.
  const oops = "Sorry, wrong conversation";
  await page.getByRole("textbox", { name: "Message" }).fill(oops);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(messages(doctor).getByText(oops)).toBeVisible(LIVE);
  await page
    .getByRole("button", { name: /^Retract your message/ })
    .last()
    .click();
  await page.getByRole("button", { name: "Yes, retract" }).click();
  await expect(messages(page).getByText("This message was retracted.")).toBeVisible();
  await expect(messages(doctor).getByText("This message was retracted.")).toBeVisible(LIVE);
  await expect(messages(doctor).getByText(oops)).toHaveCount(0);
  await expectAccessiblePage(page);

  // Stored as ciphertext; the retracted one has no text at all; each thread view is audited.
  const rows = await sql<{ id: string; body: string | null; retracted_at: Date | null }>(
    "SELECT id, body, retracted_at FROM messages WHERE thread_id = $1 ORDER BY created_at",
    [threadId],
  );
  expect(rows).toHaveLength(5);
  firstMessageId = rows[0]!.id;
  for (const row of rows) {
    if (row.retracted_at) expect(row.body).toBeNull();
    else expect(row.body).toMatch(/^v2:/);
  }
  const dump = JSON.stringify(await sql("SELECT * FROM messages WHERE thread_id = $1", [threadId]));
  for (const plain of ["4 am", "sleep diary", "onerror", "wrong conversation", "connection dropped"])
    expect(dump).not.toContain(plain);
  const [views] = await sql<{ n: string }>(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'messages.thread.viewed' AND resource_id = $1",
    [threadId],
  );
  expect(Number(views!.n)).toBeGreaterThanOrEqual(2);
  problemsAfterRetry();
  doctorProblems();
  await doctor.context().close();
});

test("the thread, its messages and its API answer 404 to another patient, a doctor without a visit, an admin and anonymous visitors", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const paths = (base: string) => [`${base}/${threadId}`];
  const api = async (target: Page) => ({
    thread: (await target.request.get(`/api/messages/threads/${threadId}`)).status(),
    send: (
      await target.request.post(`/api/messages/threads/${threadId}/messages`, {
        data: { id: crypto.randomUUID(), body: "let me in" },
      })
    ).status(),
    read: (
      await target.request.post(`/api/messages/threads/${threadId}/read`, { data: { upTo: firstMessageId } })
    ).status(),
    retract: (await target.request.post(`/api/messages/${firstMessageId}/retract`, { data: {} })).status(),
    typing: (await target.request.post("/api/realtime/typing", { data: { threadId } })).status(),
    // The visit's video token (issue 13): the same 404 for anyone but its two parties.
    video: (await target.request.post("/api/video/token", { data: { visitId } })).status(),
  });
  const notFound = { thread: 404, send: 404, read: 404, retract: 404, typing: 404, video: 404 };

  // Another patient.
  const before = await refusalsOf(threadId);
  await signUpConfirmedPatient(page, "Teo Marsh", PASSWORD).then((email) =>
    enterPassword(page, email, PASSWORD),
  );
  await page.waitForURL("**/patient");
  for (const path of paths("/patient/messages")) expect((await page.goto(path))?.status(), path).toBe(404);
  expect(await api(page)).toEqual(notFound);
  expect(await refusalsOf(threadId)).toBeGreaterThan(before);

  // A doctor without a visit with this patient.
  const lindqvist = await signInDoctor(browser, DEMO_EMAILS.doctors[1]);
  for (const path of paths("/doctor/messages"))
    expect((await lindqvist.goto(path))?.status(), path).toBe(404);
  expect(await api(lindqvist)).toEqual(notFound);
  await lindqvist.context().close();

  // An admin: no messages at all.
  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  for (const path of [...paths("/patient/messages"), ...paths("/doctor/messages"), "/patient/messages"]) {
    expect((await admin.goto(path))?.status(), path).toBe(404);
  }
  // (Typing names no record in its path: the missing permission is a 403, as on every such route.)
  expect(await api(admin)).toEqual({ ...notFound, typing: 403 });
  expect((await admin.request.get("/api/realtime/events")).status()).toBe(403);
  await admin.context().close();

  // Anonymous: pages lead to sign-in, the API is a 404 (or 401 where no record is named).
  const anonymous = await browser.newContext();
  const visitor = await anonymous.newPage();
  await visitor.goto(`/patient/messages/${threadId}`);
  expect(new URL(visitor.url()).pathname).toBe("/sign-in");
  expect(await api(visitor)).toEqual({ ...notFound, typing: 401 });
  expect((await visitor.request.get("/api/realtime/events")).status()).toBe(401);
  await anonymous.close();
});
