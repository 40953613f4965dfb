// Erasure in Chromium: a new patient reads what erasure removes and keeps, is refused with a wrong
// password, asks with the right one; an admin carries it out from the request queue; the patient's
// session ends, signing in fails, the completion email arrives, and the patient's old data key is
// gone from the database. Axe checks every page visited.
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import {
  enterPassword,
  expect,
  expectAccessiblePage,
  newBrowserAt,
  signInAdmin,
  signInPatient,
  signUpConfirmedPatient,
  sql,
  test,
  waitForMail,
} from "./fixtures";

const PASSWORD = "gentle-orchard-violin-63";

test("a patient asks for erasure, an admin carries it out, and the account is gone", async ({ browser }) => {
  test.setTimeout(180_000);
  const patient = await newBrowserAt(browser, "10.95.1.1");
  const email = await signUpConfirmedPatient(patient, "Wren Erasure", PASSWORD);
  await signInPatient(patient, email);

  await patient.goto("/patient/privacy");
  await expectAccessiblePage(patient);
  await patient.getByRole("link", { name: "Erase my account" }).click();
  await patient.waitForURL("**/patient/privacy/erasure");
  await expect(patient.getByText(/Erased: Your profile/)).toBeVisible();
  await expect(patient.getByText(/Kept: Visits, consultation notes/)).toBeVisible();
  await expectAccessiblePage(patient);

  // Bad input: a clear message, and the box stays ticked.
  await patient.getByLabel("Your password").fill("not my password at all");
  await patient.getByLabel(/cannot be undone/).check();
  await patient.getByRole("button", { name: "Ask to erase my account" }).click();
  await expect(
    patient.getByText("That password is not right. Enter the one you sign in with."),
  ).toBeVisible();
  await expect(patient.getByLabel(/cannot be undone/)).toBeChecked();
  await patient.getByLabel("Your password").fill(PASSWORD);
  await patient.getByRole("button", { name: "Ask to erase my account" }).click();
  // The page now shows the request in place of the form.
  await expect(patient.getByText(/The clinic will carry it out by/)).toBeVisible();
  await expect(patient.getByRole("button", { name: "Withdraw my request" })).toBeVisible();
  await expectAccessiblePage(patient);

  const [request] = await sql<{ id: string; patient_id: string }>(
    "SELECT id::text, patient_id::text FROM data_requests WHERE kind = 'ERASURE' AND status = 'RECEIVED' ORDER BY received_at DESC LIMIT 1",
  );
  const [oldKey] = await sql<{ id: string }>("SELECT id::text FROM data_keys WHERE owner_id = $1", [
    request!.patient_id,
  ]);

  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  await admin.goto("/admin/requests");
  await expectAccessiblePage(admin);
  await admin.goto(`/admin/requests/${request!.id}`);
  await expectAccessiblePage(admin);
  await admin.getByText("Carry out erasure…").click();
  await admin.getByRole("button", { name: "Carry out erasure", exact: true }).click();
  // The page now shows the completed request and what was erased and kept.
  await expect(admin.getByRole("heading", { name: "Outcome" })).toBeVisible();
  await expect(admin.getByRole("definition").filter({ hasText: /^Completed$/ })).toBeVisible();
  await expectAccessiblePage(admin);

  // The patient's session ended with the account; signing in again fails like any wrong password.
  await patient.goto("/patient/privacy");
  await patient.waitForURL(/\/sign-in/);
  await enterPassword(patient, email, PASSWORD);
  await expect(patient.getByText("Email or password is incorrect.")).toBeVisible();
  const mail = await waitForMail(email, /account has been erased/);
  expect(mail.text).toContain("Erased: Your profile");
  expect(mail.text).not.toContain("Wren");

  expect(await sql("SELECT 1 FROM data_keys WHERE id = $1", [oldKey!.id])).toHaveLength(0);
  const [user] = await sql<{ status: string }>("SELECT status::text FROM users WHERE id = $1", [
    request!.patient_id,
  ]);
  expect(user!.status).toBe("ERASED");
});
