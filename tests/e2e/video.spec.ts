// A video visit as people have it, with the built-in WebRTC and Chromium's fake camera and
// microphone: a new patient (instance A) joins and waits, Dr. Lindqvist (instance B, so the
// signals cross instances through PostgreSQL) admits them, both see the other's video play,
// the doctor writes a note beside the video without dropping the call, then ends the visit,
// which is completed. Nobody else opens the room or its API (404).
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

const PASSWORD = "lantern-meadow-cobalt-42";
const PATIENT_NAME = "Ines Varga";
test.describe.configure({ mode: "serial" });

let visitId = "";
let patientEmail = "";

/** Dr. Lindqvist signed in on the second instance (same build and database, another port). */
async function lindqvistOnInstanceB(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: noProxyBaseURL, timezoneId: "Europe/Stockholm" });
  const page = await context.newPage();
  await resetDoctorMfa("Dr. Erik Lindqvist");
  await enterPassword(page, DEMO_EMAILS.doctors[1], DEMO_PASSWORD);
  await enrolAuthenticator(page);
  await page.waitForURL("**/doctor");
  return page;
}

/** The remote video is playing: it has a size, and its frame count goes up. */
async function expectRemoteVideoPlaying(page: Page): Promise<void> {
  const video = page.getByTestId("remote-video");
  await expect
    .poll(() => video.evaluate((element: HTMLVideoElement) => element.videoWidth), { timeout: 15_000 })
    .toBeGreaterThan(0);
  const frames = () =>
    video.evaluate((element: HTMLVideoElement) => element.getVideoPlaybackQuality().totalVideoFrames);
  const first = await frames();
  await expect.poll(frames, { timeout: 5_000 }).toBeGreaterThan(first + 5);
  const size = await video.evaluate((element: HTMLVideoElement) => [element.videoWidth, element.videoHeight]);
  expect(size[0]).toBeGreaterThan(0);
  expect(size[1]).toBeGreaterThan(0);
}

/**
 * Moves the booked visit to now: the room opens 10 minutes before a visit. The doctor's
 * other visits may take some of the nearby times, so the first free start is used.
 */
async function startVisitNow(id: string): Promise<void> {
  for (const offsetMinutes of [5, -5, -15, -25, -35, -45]) {
    try {
      await sql(
        `UPDATE appointments SET starts_at = date_trunc('minute', now()) + make_interval(mins => $2::int),
                ends_at = date_trunc('minute', now()) + make_interval(mins => $2::int + 30)
          WHERE id = $1`,
        [id, offsetMinutes],
      );
      return;
    } catch (error) {
      if (!String(error).includes("exclusion")) throw error;
    }
  }
  throw new Error("no free half hour around now for the doctor");
}

test("patient waits, the doctor admits, both see each other's video, the doctor notes and ends the visit", async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const [lindqvist] = await sql<{ user_id: string }>(
    "SELECT user_id FROM doctor_profiles WHERE display_name = 'Dr. Erik Lindqvist'",
  );
  patientEmail = await signUpConfirmedPatient(page, PATIENT_NAME, PASSWORD);
  await enterPassword(page, patientEmail, PASSWORD);
  await page.waitForURL("**/patient");
  await page.goto(`/doctors/${lindqvist!.user_id}?week=4`);
  const times = await page
    .locator('input[name="startsAt"]')
    .evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
  await page.locator(`input[name="startsAt"][value="${times.at(-1)}"]`).check();
  await page.getByLabel("Reason for the visit").fill("Video check-up after the new inhaler");
  await page.getByRole("button", { name: "Book this time" }).click();
  visitId = await payInTestMode(page);
  await startVisitNow(visitId);
  const problems = watchForPageProblems(page);

  // The patient enters from the visit page: device check, then the waiting room.
  await page.goto(`/patient/visits/${visitId}`);
  await page.getByRole("link", { name: "Join the video visit" }).click();
  await page.waitForURL(`**/patient/visits/${visitId}/room`);
  await expect(
    page.getByRole("heading", { name: "Video visit with Dr. Erik Lindqvist", level: 1 }),
  ).toBeVisible();
  await expect(page.getByRole("combobox", { name: /camera/i })).toBeVisible();
  await expectAccessiblePage(page);
  // Waiting and talking are activity: the room extends the session itself (no idle sign-out mid-visit).
  const keptAlive = page.waitForResponse(
    (response) => response.url().endsWith("/api/auth/keep-alive") && response.status() === 200,
  );
  await page.getByRole("button", { name: "Join the visit" }).click();
  await keptAlive;
  await expect(page.getByText("Waiting for Dr. Erik Lindqvist to let you in")).toBeVisible();
  await expectAccessiblePage(page);

  // The doctor, on the other instance, sees the patient waiting and admits them.
  const doctor = await lindqvistOnInstanceB(browser);
  const doctorProblems = watchForPageProblems(doctor);
  await doctor.goto(`/doctor/visits/${visitId}/room`);
  await expect(
    doctor.getByRole("heading", { name: `Video visit with ${PATIENT_NAME}`, level: 1 }),
  ).toBeVisible();
  await doctor.getByRole("button", { name: "Join the visit" }).click();
  const admittedAt = Date.now();
  await doctor.getByRole("button", { name: `Admit ${PATIENT_NAME}` }).click();

  await expectRemoteVideoPlaying(page);
  await expectRemoteVideoPlaying(doctor);
  console.log(`[video] from Admit to both remote videos playing: ${Date.now() - admittedAt} ms`);
  await expect(page.getByText(/^Connection:/)).toBeVisible();
  await expect
    .poll(
      async () =>
        (await sql<{ status: string }>("SELECT status FROM appointments WHERE id = $1", [visitId]))[0]!
          .status,
    )
    .toBe("IN_PROGRESS");
  await expectAccessiblePage(doctor);
  await expectAccessiblePage(page);

  // The network changes under the patient (the browser comes back online): an ICE restart, a
  // new offer through the relay, and the call goes on.
  const offersFromPatient = async () =>
    Number(
      (
        await sql<{ n: string }>(
          `SELECT count(*) AS n FROM video_signals s JOIN users u ON u.id = s.sender_id
            WHERE s.appointment_id = $1 AND u.role = 'PATIENT' AND s.kind = 'description' AND s.payload->>'type' = 'offer'`,
          [visitId],
        )
      )[0]!.n,
    );
  const offersBefore = await offersFromPatient();
  await page.evaluate(() => window.dispatchEvent(new Event("online")));
  await expect.poll(offersFromPatient, { timeout: 10_000 }).toBeGreaterThan(offersBefore);
  await expectRemoteVideoPlaying(doctor);

  // The patient reloads the page: a new session replaces the old one, and the call comes back.
  await page.reload();
  await page.getByRole("button", { name: "Join the visit" }).click();
  await expectRemoteVideoPlaying(page);
  await expectRemoteVideoPlaying(doctor);

  // The patient mutes and turns the camera off; the controls say so.
  await page.getByRole("button", { name: "Mute microphone", exact: true }).click();
  await expect(page.getByRole("button", { name: "Unmute microphone", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Turn camera off" }).click();
  await expect(page.getByRole("button", { name: "Turn camera on" })).toBeVisible();
  await page.getByRole("button", { name: "Turn camera on" }).click();

  // Notes beside the video: a draft for this visit, saved, while the call goes on.
  const notes = doctor.getByRole("region", { name: "Notes of this visit" });
  await notes.getByRole("button", { name: "Start a note for this visit" }).click();
  await notes.getByLabel("Subjective").fill("Breathless on stairs less often since the new inhaler.");
  await notes.getByRole("button", { name: "Save the draft" }).click();
  await expect(notes.getByText(/Draft saved/)).toBeVisible();
  await expectRemoteVideoPlaying(doctor);
  const [note] = await sql<{ subjective: string }>(
    "SELECT subjective FROM clinical_notes WHERE appointment_id = $1",
    [visitId],
  );
  expect(note!.subjective).not.toContain("inhaler");

  // The doctor ends the visit: both are told, and the visit is completed.
  await doctor.getByRole("button", { name: "End the visit" }).click();
  await doctor.getByRole("button", { name: "Yes, end the visit" }).click();
  await expect(doctor.getByText("The visit has ended.")).toBeVisible();
  await expect(page.getByText("The visit has ended.")).toBeVisible({ timeout: 5_000 });
  const [visit] = await sql<{ status: string }>("SELECT status FROM appointments WHERE id = $1", [visitId]);
  expect(visit!.status).toBe("COMPLETED");
  const audit = await sql<{ action: string }>(
    "SELECT action FROM audit_log WHERE resource_id = $1 AND action LIKE 'video.%' ORDER BY sequence",
    [visitId],
  );
  expect(audit.map((row) => row.action)).toEqual(
    expect.arrayContaining(["video.joined", "video.admitted", "video.ended"]),
  );
  expect(audit.filter((row) => row.action === "video.joined").length).toBeGreaterThanOrEqual(2);
  // What was relayed between the browsers (network addresses) is gone with the visit.
  expect(await sql("SELECT 1 FROM video_signals WHERE appointment_id = $1", [visitId])).toEqual([]);
  await expectAccessiblePage(page);
  problems();
  doctorProblems();
  await doctor.context().close();
});

test("the room page and its API answer 404 to another patient, a doctor without the visit, an admin and anonymous visitors; other pages keep camera and microphone off", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const session = crypto.randomUUID();
  const api = async (target: Page) => {
    const base = `/api/video/visits/${visitId}`;
    return {
      join: (await target.request.post(`${base}/join`, { data: {} })).status(),
      state: (await target.request.get(`${base}/state`)).status(),
      admit: (await target.request.post(`${base}/admit`, { data: {} })).status(),
      end: (await target.request.post(`${base}/end`, { data: {} })).status(),
      leave: (await target.request.post(`${base}/leave`, { data: { session } })).status(),
      signals: (await target.request.get(`${base}/signals?after=0`)).status(),
      signal: (await target.request.post(`${base}/signals`, { data: { session, kind: "hello" } })).status(),
      token: (await target.request.post("/api/video/token", { data: { visitId } })).status(),
    };
  };
  const notFound = {
    join: 404,
    state: 404,
    admit: 404,
    end: 404,
    leave: 404,
    signals: 404,
    signal: 404,
    token: 404,
  };

  // Another patient.
  const before = await refusalsOf(visitId);
  await signUpConfirmedPatient(page, "Oskar Brandt", PASSWORD).then((email) =>
    enterPassword(page, email, PASSWORD),
  );
  await page.waitForURL("**/patient");
  expect((await page.goto(`/patient/visits/${visitId}/room`))?.status()).toBe(404);
  expect(await api(page)).toEqual(notFound);
  expect(await refusalsOf(visitId)).toBeGreaterThan(before);
  // Camera and microphone are off outside the room, for this origin too.
  const home = await page.goto("/patient");
  expect(home?.headers()["permissions-policy"]).toContain("camera=()");

  // A doctor without this visit.
  const okafor = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  expect((await okafor.goto(`/doctor/visits/${visitId}/room`))?.status()).toBe(404);
  expect(await api(okafor)).toEqual(notFound);
  await okafor.context().close();

  // An admin.
  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  for (const path of [`/patient/visits/${visitId}/room`, `/doctor/visits/${visitId}/room`]) {
    expect((await admin.goto(path))?.status(), path).toBe(404);
  }
  expect(await api(admin)).toEqual(notFound);
  await admin.context().close();

  // Anonymous visitors: the page leads to sign-in, the API is a 404.
  const anonymous = await browser.newContext();
  const visitor = await anonymous.newPage();
  await visitor.goto(`/patient/visits/${visitId}/room`);
  expect(new URL(visitor.url()).pathname).toBe("/sign-in");
  expect(await api(visitor)).toEqual(notFound);
  await anonymous.close();

  // The patient of the visit still has the room page, with camera and microphone allowed there.
  const own = await browser.newContext();
  const patient = await own.newPage();
  await enterPassword(patient, patientEmail, PASSWORD);
  await patient.waitForURL("**/patient");
  const room = await patient.goto(`/patient/visits/${visitId}/room`);
  expect(room?.status()).toBe(200);
  expect(room?.headers()["permissions-policy"]).toContain("camera=(self)");
  await expect(patient.getByText("The visit has ended.")).toBeVisible();
  await own.close();
});
