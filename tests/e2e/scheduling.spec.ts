// Scheduling as people use it: a patient in New York books a doctor who works in
// Berlin (by keyboard alone), both see the visit in their own zone, the patient
// moves and then cancels it, and the freed time is booked by a patient in
// Kolkata. Nobody else can open the visit, its calendar file or its actions.
import type { Page } from "@playwright/test";
import { formatDateTime, formatDay, formatTime } from "@/lib/domain/scheduling/format";
import { DEMO_EMAILS, DEMO_PASSWORD } from "@/prisma/demo-accounts";
import {
  enrolAuthenticator,
  enterPassword,
  expect,
  expectAccessiblePage,
  payInTestMode,
  postServerAction,
  resetAdminMfa,
  signInDoctor,
  signInPatient,
  signOut,
  signUpConfirmedPatient,
  sql,
  test,
  watchForPageProblems,
} from "./fixtures";

const PASSWORD = "tidy-harbour-lantern-42";
const REASON = "Recurring migraines since the spring, worse in the mornings";
const PATIENT_ZONE = "America/New_York";
const DOCTOR_ZONE = "Europe/Berlin";

test.use({ timezoneId: PATIENT_ZONE });
test.describe.configure({ mode: "serial" });

let patientEmail = "";
let visitId = "";
let bookedAt = "";
let movedTo = "";
let okaforId = "";
let raviVisitId = "";

/** Moves focus with Tab until it rests on a time choice; only the keyboard is used. */
async function tabToFirstTime(page: Page) {
  for (let presses = 0; presses < 80; presses += 1) {
    await page.keyboard.press("Tab");
    const onTime = await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name);
    if (onTime === "startsAt") return;
  }
  throw new Error("no time choice is reachable with Tab");
}

/** A time choice's accessible name: the day and the time in the viewer's zone. */
const slotLabel = (iso: string, zone: string) =>
  `${formatDay(new Date(iso), zone)}, ${formatTime(new Date(iso), zone)}`;

const checkedTime = (page: Page) =>
  page.locator('input[name="startsAt"]:checked').evaluate((input) => (input as HTMLInputElement).value);

test("a patient in New York finds a doctor in Berlin and books a time with the keyboard alone", async ({
  page,
}) => {
  test.setTimeout(60_000);
  const assertNoProblems = watchForPageProblems(page);
  patientEmail = await signUpConfirmedPatient(page, "Nora Castillo", PASSWORD);
  const [account] = await sql<{ time_zone: string }>(
    "SELECT time_zone FROM users WHERE role = 'PATIENT' ORDER BY created_at DESC LIMIT 1",
  );
  expect(account?.time_zone, "the zone the browser reported at sign-up").toBe(PATIENT_ZONE);

  await signInPatient(page, patientEmail);
  await expect(page.getByText("No visit booked.")).toBeVisible();
  await page.getByRole("link", { name: "Book a visit" }).click();
  await page.waitForURL("**/doctors");
  await expect(page.getByText("Times in America/New York")).toBeVisible();
  await expectAccessiblePage(page);

  // Filters narrow the directory; a filter nobody matches says so.
  await page.getByRole("link", { name: "Dermatology" }).click();
  await expect(page.getByRole("heading", { name: "Dr. Erik Lindqvist" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Dr. Amara Okafor" })).toHaveCount(0);
  await page.getByRole("link", { name: "Yoruba" }).click();
  await expect(page.getByText("No doctor matches these filters.")).toBeVisible();
  await page.getByRole("link", { name: "Show all doctors" }).click();
  await page.getByRole("link", { name: "See times and book with Dr. Amara Okafor" }).click();
  await page.waitForURL(/\/doctors\/[0-9a-f-]{36}$/);
  okaforId = new URL(page.url()).pathname.split("/")[2]!;
  await expect(page.getByText("Dr. Amara Okafor works in")).toContainText("Europe/Berlin");
  await expectAccessiblePage(page);

  // A time next week (patients change visits online only until 24 hours before), by keyboard alone.
  await page.getByRole("link", { name: "Later week →" }).press("Enter");
  await page.waitForURL(/week=1/);
  await expect(page.getByRole("link", { name: "← Earlier week" })).toBeVisible();

  // Booking without a reason is refused and the chosen time is kept.
  await tabToFirstTime(page);
  await page.keyboard.press("ArrowRight");
  bookedAt = await checkedTime(page);
  await page.keyboard.press("Tab"); // the reason
  await page.keyboard.press("Tab"); // the button
  await page.keyboard.press("Enter");
  await expect(page.getByText("Tell the doctor briefly why you want the visit.")).toBeVisible();
  await expect(page.locator('input[name="startsAt"]:checked')).toHaveValue(bookedAt);
  await expectAccessiblePage(page);

  // The times on offer are the doctor's hours shown in the patient's zone.
  const label = await page.locator('input[name="startsAt"]:checked').getAttribute("aria-label");
  expect(label, "the slot is labelled in New York time").toBe(slotLabel(bookedAt, PATIENT_ZONE));

  await page.locator('input[name="startsAt"]:checked').focus();
  await page.keyboard.press("Tab");
  await page.keyboard.type(REASON);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  // Dr. Okafor's visits cost €45: the time is held while the patient pays (TEST MODE here).
  visitId = await payInTestMode(page);
  await expect(page.getByText("Confirmed", { exact: true })).toBeVisible();
  await expect(page.getByText(formatDateTime(new Date(bookedAt), PATIENT_ZONE))).toBeVisible();
  await expect(page.getByText(formatDateTime(new Date(bookedAt), DOCTOR_ZONE))).toBeVisible();
  await expect(page.getByText(REASON)).toBeVisible();
  await expectAccessiblePage(page);

  // The calendar file carries the time and a link, never the reason.
  const calendar = await page.request.get(`/api/appointments/${visitId}/calendar`);
  expect(calendar.status()).toBe(200);
  expect(calendar.headers()["content-type"]).toContain("text/calendar");
  const ics = await calendar.text();
  const utc = bookedAt.replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  expect(ics).toContain(`DTSTART:${utc}`);
  expect(ics).not.toContain("migraine");

  // Stored encrypted; the dashboard lists it in the patient's zone.
  const [row] = await sql<{ reason: string; status: string }>(
    "SELECT reason, status FROM appointments WHERE id = $1",
    [visitId],
  );
  expect(row?.status).toBe("CONFIRMED");
  expect(row?.reason).not.toContain("migraine");
  await page.getByRole("link", { name: "Back to my care" }).click();
  await expect(
    page.getByRole("link", { name: formatDateTime(new Date(bookedAt), PATIENT_ZONE) }),
  ).toBeVisible();
  await expectAccessiblePage(page);
  assertNoProblems();
});

test("the doctor sees the visit in Berlin time on the week view and the visit page", async ({ browser }) => {
  const page = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  const assertNoProblems = watchForPageProblems(page);
  const berlinDay = new Intl.DateTimeFormat("en-CA", { timeZone: DOCTOR_ZONE }).format(new Date(bookedAt));
  await page.goto(`/doctor?view=week&date=${berlinDay}`);
  const berlinTime = formatTime(new Date(bookedAt), DOCTOR_ZONE);
  const entry = page.getByRole("link", { name: new RegExp(`^${berlinTime}–.*Nora Castillo`) });
  await expect(entry).toBeVisible();
  await expectAccessiblePage(page);
  await entry.click();
  await page.waitForURL(`**/doctor/visits/${visitId}`);
  await expect(page.getByRole("heading", { name: "Visit with Nora Castillo" })).toBeVisible();
  await expect(page.getByText(formatDateTime(new Date(bookedAt), DOCTOR_ZONE))).toBeVisible();
  await expect(page.getByText(formatDateTime(new Date(bookedAt), PATIENT_ZONE))).toBeVisible();
  await expect(page.getByText(REASON)).toBeVisible();
  await expectAccessiblePage(page);
  await page.goto("/doctor/availability");
  await expect(page.getByRole("heading", { name: /hours/i }).first()).toBeVisible();
  await expectAccessiblePage(page);
  assertNoProblems();
  await page.context().close();
});

test("the patient moves the visit, then cancels it; the freed time is booked by a patient in Kolkata", async ({
  page,
  browser,
}) => {
  test.setTimeout(60_000);
  const assertNoProblems = watchForPageProblems(page);
  await signInPatient(page, patientEmail);
  await page.goto(`/patient/visits/${visitId}`);
  await page.getByRole("link", { name: "Move to another time" }).click();
  await page.waitForURL(`**/doctors/${okaforId}?reschedule=${visitId}`);
  await expect(page.getByRole("heading", { name: "Move your visit with Dr. Amara Okafor" })).toBeVisible();
  await expectAccessiblePage(page);
  // The current time is not offered as a new one; a different one is chosen.
  const choices = page.locator('input[name="startsAt"]');
  const values = await choices.evaluateAll((inputs) =>
    inputs.map((input) => (input as HTMLInputElement).value),
  );
  const dayAhead = Date.now() + 25 * 3_600_000;
  movedTo = values.find((value) => value !== bookedAt && new Date(value).getTime() > dayAhead)!;
  expect(movedTo).toBeTruthy();
  await page.locator(`input[name="startsAt"][value="${movedTo}"]`).check();
  await page.getByRole("button", { name: "Move the visit" }).click();
  await page.waitForURL(`**/patient/visits/${visitId}?moved=1`);
  await expect(page.getByText("Your visit was moved.")).toBeVisible();
  await expect(page.getByText(formatDateTime(new Date(movedTo), PATIENT_ZONE))).toBeVisible();
  await expectAccessiblePage(page);

  // The old time (next week) is free again; the new one (this week) is taken.
  await page.goto(`/doctors/${okaforId}?week=1`);
  await expect(page.locator(`input[name="startsAt"][value="${bookedAt}"]`)).toHaveCount(1);
  await page.goto(`/doctors/${okaforId}`);
  await expect(page.locator('input[name="startsAt"]').first()).toBeAttached();
  await expect(page.locator(`input[name="startsAt"][value="${movedTo}"]`)).toHaveCount(0);

  await page.goto(`/patient/visits/${visitId}`);
  await page.getByLabel("Why do you cancel?").fill("Feeling better, thank you");
  await page.getByRole("button", { name: "Cancel the visit" }).click();
  await page.waitForURL(`**/patient/visits/${visitId}?cancelled=1`);
  await expect(page.getByText("Your visit is cancelled and the time is free again.")).toBeVisible();
  await expect(page.getByText("Cancelled", { exact: true })).toBeVisible();
  await expect(page.getByText("Feeling better, thank you")).toBeVisible();
  await expectAccessiblePage(page);
  await expect(page.getByRole("link", { name: "Move to another time" })).toHaveCount(0);
  assertNoProblems();

  // Another patient, in Kolkata, books exactly the freed time.
  const other = await (
    await browser.newContext({
      timezoneId: "Asia/Kolkata",
      extraHTTPHeaders: { "x-forwarded-for": "10.91.3.9" },
    })
  ).newPage();
  await signInPatient(other, await signUpConfirmedPatient(other, "Ravi Menon", PASSWORD));
  await other.goto(`/doctors/${okaforId}`);
  await expect(other.getByText(/Times in your time zone: Asia\/Kolkata/)).toBeVisible();
  const freed = other.locator(`input[name="startsAt"][value="${movedTo}"]`);
  await expect(freed).toHaveAttribute("aria-label", slotLabel(movedTo, "Asia/Kolkata"));
  await freed.check();
  await other.getByLabel("Reason for the visit").fill("Skin rash on both arms");
  await other.getByRole("button", { name: "Book this time" }).click();
  raviVisitId = await payInTestMode(other);
  await expect(other.getByText(formatDateTime(new Date(movedTo), "Asia/Kolkata"))).toBeVisible();

  // The first patient's visit stays closed to the second: page, calendar file and action.
  expect((await other.goto(`/patient/visits/${visitId}`))?.status()).toBe(404);
  expect((await other.request.get(`/api/appointments/${visitId}/calendar`)).status()).toBe(404);
  await other.context().close();
});

test("nobody but the visit's patient and doctor can open it or act on it", async ({ page, browser }) => {
  const statusOf = async (id: string) =>
    (await sql<{ status: string }>("SELECT status FROM appointments WHERE id = $1", [id]))[0]?.status;
  // Refusals reached the service (not a page that merely failed to load): each leaves an audit row.
  const refusals = async () =>
    Number(
      (
        await sql<{ count: string }>(
          "SELECT count(*) FROM audit_log WHERE action = 'authz.denied' AND resource_id = $1",
          [raviVisitId],
        )
      )[0]!.count,
    );

  // Another patient: the page, the calendar file, and the cancel action called directly.
  await signInPatient(page, DEMO_EMAILS.patients[1]);
  expect((await page.goto(`/patient/visits/${visitId}`))?.status()).toBe(404);
  expect((await page.goto(`/patient/visits/${raviVisitId}`))?.status()).toBe(404);
  expect((await page.request.get(`/api/appointments/${raviVisitId}/calendar`)).status()).toBe(404);
  const [jonasVisit] = await sql<{ id: string }>(
    `SELECT a.id FROM appointments a
      WHERE a.patient_id = (SELECT user_id FROM sessions WHERE revoked_at IS NULL ORDER BY created_at DESC LIMIT 1)
      LIMIT 1`,
  );
  const beforeCancel = await refusals();
  const attempt = await postServerAction(page, `/patient/visits/${jonasVisit!.id}`, "cancelVisitAction", {
    appointmentId: raviVisitId,
    reason: "not mine",
  });
  expect(attempt.status).toBeLessThan(500);
  expect(await statusOf(raviVisitId)).toBe("CONFIRMED");
  expect(await refusals()).toBe(beforeCancel + 1);
  await signOut(page);

  // A doctor without the visit: pages, calendar file, and the progress action.
  const lindqvist = await signInDoctor(browser, DEMO_EMAILS.doctors[1]);
  expect((await lindqvist.goto(`/doctor/visits/${raviVisitId}`))?.status()).toBe(404);
  expect((await lindqvist.goto(`/doctor/visits/${raviVisitId}/reschedule`))?.status()).toBe(404);
  expect((await lindqvist.goto(`/patient/visits/${raviVisitId}`))?.status()).toBe(404);
  expect((await lindqvist.request.get(`/api/appointments/${raviVisitId}/calendar`)).status()).toBe(404);
  const [ownVisit] = await sql<{ id: string }>(
    "SELECT id FROM appointments WHERE doctor_id = (SELECT user_id FROM doctor_profiles WHERE display_name = $1) LIMIT 1",
    ["Dr. Erik Lindqvist"],
  );
  const beforeProgress = await refusals();
  for (const step of ["start", "no-show"]) {
    await postServerAction(lindqvist, `/doctor/visits/${ownVisit!.id}`, "progressVisitAction", {
      appointmentId: raviVisitId,
      step,
    });
  }
  expect(await statusOf(raviVisitId)).toBe("CONFIRMED");
  expect(await refusals()).toBe(beforeProgress + 2);
  await lindqvist.context().close();

  // Another role: the admin.
  const admin = await (
    await browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": "10.92.1.1" } })
  ).newPage();
  await resetAdminMfa();
  await enterPassword(admin, DEMO_EMAILS.admin, DEMO_PASSWORD);
  await enrolAuthenticator(admin);
  expect((await admin.goto(`/patient/visits/${raviVisitId}`))?.status()).toBe(404);
  expect((await admin.goto(`/doctor/visits/${raviVisitId}`))?.status()).toBe(404);
  expect((await admin.request.get(`/api/appointments/${raviVisitId}/calendar`)).status()).toBe(404);
  // The admin's bookings list shows times and status, never the reason.
  await admin.goto("/admin/bookings");
  await expect(admin.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(admin.getByText("Skin rash")).toHaveCount(0);
  await expectAccessiblePage(admin);
  await admin.context().close();

  // Anonymous: the API answers 404; pages send to sign-in without saying whether the visit exists.
  const anonymous = await (await browser.newContext()).newPage();
  expect((await anonymous.request.get(`/api/appointments/${raviVisitId}/calendar`)).status()).toBe(404);
  await anonymous.goto(`/patient/visits/${raviVisitId}`);
  expect(new URL(anonymous.url()).pathname).toBe("/sign-in");
  await anonymous.context().close();
});
