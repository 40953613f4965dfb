// Devices, readings and the emergency button as people use them: Maya Patel
// registers a watch, imports a CSV with one bad line (told which line, nothing
// imported), fixes it, imports it and sees the chart and its table; her doctor
// sees them in her chart. Then she presses the emergency button: the numbers
// and an honest message; her doctor's dashboard shows the alert until
// acknowledged. Axe checks every page visited.
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import {
  expect,
  expectAccessiblePage,
  signInDoctor,
  signInPatient,
  sql,
  test,
  watchForPageProblems,
} from "./fixtures";

test.describe.configure({ mode: "serial" });

const MODEL = `Pulse ${Math.random().toString(36).slice(2, 8)}`;
const day = (daysAgo: number, hour: number) => {
  const at = new Date(Date.now() - daysAgo * 86_400_000);
  at.setUTCHours(hour, 15, 0, 0);
  return at.toISOString();
};
const csv = (heartRateOnLine3: string) =>
  [
    "metric,value,unit,measured_at",
    `heart_rate,49,bpm,${day(3, 6)}`,
    `hr,${heartRateOnLine3},bpm,${day(2, 6)}`,
    `blood_pressure,142/91,mmHg,${day(2, 6)}`,
  ].join("\n");

// Counted by the new device's id (the select's value), not by a time window:
// demo devices seeded minutes earlier must not drift in or out of the count.
const readingsOfDevice = async (deviceId: string) =>
  Number(
    (await sql<{ n: string }>("SELECT count(*) AS n FROM readings WHERE device_id = $1", [deviceId]))[0]!.n,
  );

test("a patient registers a device, fixes a rejected file by its line, and sees her readings as a chart and a table", async ({
  page,
}) => {
  test.setTimeout(60_000);
  const assertNoProblems = watchForPageProblems(page);
  await signInPatient(page, DEMO_EMAILS.patients[0]);
  await page.goto("/patient/devices");
  await expect(page.getByRole("heading", { level: 1, name: "Devices and readings" })).toBeVisible();
  await expectAccessiblePage(page);

  // A device without a model is refused next to the field; then added.
  await page.getByLabel("Kind of device").selectOption("SMARTWATCH");
  await page.getByLabel("Maker").fill("Zephyr");
  await page.getByRole("button", { name: "Add the device" }).click();
  await expect(page.getByText("Enter the model.")).toBeVisible();
  await expectAccessiblePage(page);
  await page.getByLabel("Model", { exact: true }).fill(MODEL);
  await page.getByRole("button", { name: "Add the device" }).click();
  await expect(page.getByRole("status")).toContainText("Device added.");

  // The example file is offered for download.
  const example = await page.request.get("/examples/readings-example.csv");
  expect(example.status()).toBe(200);
  expect(await example.text()).toMatch(/^metric,value,unit,measured_at\n/);

  // One bad line: nothing is imported, and the line is named next to the file field.
  const device = page.getByLabel("Device the readings come from");
  await device.selectOption({ label: `Zephyr ${MODEL} (smartwatch)` });
  const deviceId = await device.inputValue();
  expect(deviceId).toMatch(/^[0-9a-f-]{36}$/);
  const file = page.getByLabel("Export file (CSV or JSON)");
  await file.setInputFiles({ name: "watch.csv", mimeType: "text/csv", buffer: Buffer.from(csv("400")) });
  await page.getByRole("button", { name: "Import readings" }).click();
  await expect(page.getByText("Line 3: heart rate 400 is outside 20–250 bpm.")).toBeVisible();
  await expect(page.getByText(/Nothing was imported/)).toBeVisible();
  await expect(file).toHaveAttribute("aria-invalid", "true");
  const describedBy = (await file.getAttribute("aria-describedby"))!.split(" ");
  const errorBox = page.locator(`[id="${describedBy.at(-1)}"]`);
  await expect(errorBox).toContainText("Line 3");
  await expect(device).toHaveValue(/[0-9a-f-]{36}/);
  expect(await readingsOfDevice(deviceId)).toBe(0);
  await expectAccessiblePage(page);

  // Fixed: imported, and shown.
  await device.selectOption({ label: `Zephyr ${MODEL} (smartwatch)` });
  await file.setInputFiles({ name: "watch.csv", mimeType: "text/csv", buffer: Buffer.from(csv("58")) });
  await page.getByRole("button", { name: "Import readings" }).click();
  await expect(page.getByText("Imported 3 readings.")).toBeVisible();
  expect(await readingsOfDevice(deviceId)).toBe(3);
  const [raw] = await sql<{ value: string }>(
    "SELECT value FROM readings WHERE measured_at = $1 AND metric = 'BLOOD_PRESSURE'",
    [day(2, 6)],
  );
  expect(raw?.value).not.toContain("142");

  // The same file again: everything is a duplicate.
  await device.selectOption({ label: `Zephyr ${MODEL} (smartwatch)` });
  await file.setInputFiles({ name: "watch.csv", mimeType: "text/csv", buffer: Buffer.from(csv("58")) });
  await page.getByRole("button", { name: "Import readings" }).click();
  await expect(page.getByText("Imported 0 readings. 3 already imported were skipped.")).toBeVisible();

  await expect(page.getByTestId("chart-HEART_RATE").locator("svg.recharts-surface")).toBeVisible();
  await expect(page.getByTestId("chart-BLOOD_PRESSURE").locator(".recharts-line")).toHaveCount(2);
  await page.getByText("Show heart rate as a table").click();
  const table = page.getByRole("table", { name: "Heart rate readings, oldest first" });
  await expect(table.getByRole("cell", { name: "49", exact: true })).toBeVisible();
  await page.getByText("Show blood pressure as a table").click();
  const pressure = page.getByRole("table", { name: "Blood pressure readings, oldest first" });
  await expect(pressure.getByRole("row").filter({ hasText: "142" })).toContainText("91");
  await expectAccessiblePage(page);
  assertNoProblems();
});

test("the emergency button shows the numbers, tells the doctors honestly, and the doctor acknowledges", async ({
  page,
  browser,
}) => {
  test.setTimeout(60_000);
  const assertNoProblems = watchForPageProblems(page);
  await signInPatient(page, DEMO_EMAILS.patients[0]);
  await page.goto("/patient/emergency");
  await expect(page.getByRole("heading", { level: 1, name: "Emergency" })).toBeVisible();
  await expectAccessiblePage(page);

  // India: 112, and 108 for an ambulance, as tel: links.
  await page.getByLabel("Where are you now?").selectOption("IN");
  await expect(page.getByRole("link", { name: /Ambulance \(medical emergency\)\s*112/ })).toHaveAttribute(
    "href",
    "tel:112",
  );
  await expect(page.getByRole("link", { name: /^Ambulance\s*108/ })).toHaveAttribute("href", "tel:108");
  await page.getByLabel("Where are you now?").selectOption("GB");
  const call = page.getByRole("link", { name: /Emergency \(ambulance, police, fire\)\s*999/ });
  await expect(call).toHaveAttribute("href", "tel:999");
  await expect(page.getByText("Unlock the door")).toBeVisible();

  await page.getByRole("button", { name: "Tell my doctors" }).click();
  await expect(
    page.getByText(
      "Your doctors have been told. Haven does not call emergency services — if you are in danger, call 999 now.",
    ),
  ).toBeVisible();
  await expect(call).toBeVisible();
  await expectAccessiblePage(page);
  const [event] = await sql<{ id: string; country: string }>(
    "SELECT id, country FROM emergency_events ORDER BY created_at DESC LIMIT 1",
  );
  expect(event?.country).toBe("GB");
  assertNoProblems();

  const doctor = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  const doctorProblems = watchForPageProblems(doctor);
  const alerts = doctor.getByRole("region", { name: "Emergency button pressed" });
  await expect(alerts.getByRole("link", { name: "Maya Patel" })).toHaveAttribute(
    "href",
    /\/doctor\/patients\/[0-9a-f-]{36}$/,
  );
  await expectAccessiblePage(doctor);
  await alerts.getByRole("button", { name: "Acknowledge Maya Patel's emergency" }).click();
  await expect(doctor.getByRole("region", { name: "Emergency button pressed" })).toHaveCount(0);
  const [seen] = await sql<{ acknowledged_at: Date | null }>(
    "SELECT acknowledged_at FROM emergency_events WHERE id = $1",
    [event!.id],
  );
  expect(seen?.acknowledged_at).not.toBeNull();
  await expectAccessiblePage(doctor);
  doctorProblems();
  await doctor.context().close();
});

// The chart renders the same charts and tables, read-only.
test("the treating doctor sees the readings in the patient's chart", async ({ browser }) => {
  const page = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  const assertNoProblems = watchForPageProblems(page);
  await page.goto("/doctor/patients");
  await page.getByRole("link", { name: "Maya Patel" }).click();
  await page.waitForURL(/\/doctor\/patients\/[0-9a-f-]{36}$/);
  const section = page.getByRole("region", { name: "Device readings" });
  await expect(section).toBeVisible();
  await expect(section.getByTestId("chart-HEART_RATE").locator("svg.recharts-surface")).toBeVisible();
  await section.getByText("Show heart rate as a table").click();
  await expect(section.getByRole("cell", { name: "49", exact: true })).toBeVisible();
  await expectAccessiblePage(page);
  assertNoProblems();
  await page.context().close();
});
