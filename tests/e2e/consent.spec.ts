// Consent in the browser: a patient withdraws secure messaging on Privacy & data, finds the
// conversation saying so before they type and refusing the message with the reason, agrees again
// and sends. Jonas Weber (demo) is used and left as found: messaging agreed to again.
import type { Page } from "@playwright/test";
import { DEMO_EMAILS, DEMO_PASSWORD } from "@/prisma/demo-accounts";
import { enterPassword, expect, expectAccessiblePage, sql, test, watchForPageProblems } from "./fixtures";

const card = (page: Page, name: string) => page.getByRole("region", { name });

test("withdrawing secure messaging stops sending with a clear message; agreeing again lets the message through", async ({
  page,
}) => {
  test.setTimeout(90_000);
  const problems = watchForPageProblems(page);
  await enterPassword(page, DEMO_EMAILS.patients[1], DEMO_PASSWORD);
  await page.waitForURL("**/patient");

  await page.goto("/patient/privacy");
  await expect(page.getByRole("heading", { name: "Your consents", level: 2 })).toBeVisible();
  const messaging = card(page, "Secure messaging (optional)");
  await expect(messaging.getByText("Agreed", { exact: true })).toBeVisible();
  // The seeded history shows an earlier withdrawal.
  await expect(page.getByRole("table").getByText(/^Withdrawn /)).toHaveCount(1);
  // The full text is one click away.
  await messaging.getByText("Read the full text").click();
  await expect(messaging.getByText(/Never use messages for an emergency/)).toBeVisible();
  await expectAccessiblePage(page);

  // Withdrawing telehealth says first what stops working (not confirmed here).
  const telehealth = card(page, "Telehealth consent");
  await telehealth.getByLabel("Withdraw Telehealth consent…").click();
  await expect(telehealth.getByText(/cannot book new visits|not be able to book new visits/)).toBeVisible();
  await expectAccessiblePage(page);

  await messaging.getByRole("button", { name: "Withdraw Secure messaging" }).click();
  await expect(messaging.getByText("You withdrew “Secure messaging”.", { exact: false })).toBeVisible();
  await expect(messaging.getByText("Withdrawn", { exact: true })).toBeVisible();
  await expect(page.getByRole("table").getByText(/^Withdrawn /)).toHaveCount(2);
  await expectAccessiblePage(page);

  // The conversation says so before anything is typed, with the way back.
  await page.goto("/patient/messages");
  await page
    .getByRole("link", { name: /Dr\. Erik Lindqvist/ })
    .first()
    .click();
  await page.waitForURL(/\/patient\/messages\/[0-9a-f-]{36}$/);
  const threadId = new URL(page.url()).pathname.split("/")[3]!;
  await expect(page.getByText("Secure messaging is off")).toBeVisible();
  await expect(
    page.getByRole("link", { name: "Turn secure messaging back on in Privacy & data" }),
  ).toBeVisible();
  await expectAccessiblePage(page);

  // Sent anyway: refused with the reason, the text kept.
  const text = `Is the mole check still on? (${Date.now()})`;
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(
    page.getByRole("alert").filter({ hasText: "You withdrew your consent to secure messaging" }),
  ).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Message" })).toHaveValue(text);
  const [thread] = await sql<{ patient_id: string }>("SELECT patient_id FROM message_threads WHERE id = $1", [
    threadId,
  ]);
  const patientId = thread!.patient_id;
  const denied = await sql<{ n: string }>(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'consent.required' AND outcome = 'DENIED' AND subject_id = $1",
    [patientId],
  );
  expect(Number(denied[0]!.n)).toBeGreaterThan(0);

  // Agree again, from the link in the conversation.
  await page.getByRole("link", { name: "Turn secure messaging back on in Privacy & data" }).click();
  await page.waitForURL("**/patient/privacy");
  await card(page, "Secure messaging (optional)")
    .getByRole("button", { name: /^Agree to Secure messaging, version / })
    .click();
  await expect(page.getByText(/Thank you: you agreed to “Secure messaging”/)).toBeVisible();
  await expect(card(page, "Secure messaging (optional)").getByText("Agreed", { exact: true })).toBeVisible();
  await expectAccessiblePage(page);

  await page.goto(`/patient/messages/${threadId}`);
  await expect(page.getByText("Secure messaging is off")).toHaveCount(0);
  await page.getByRole("textbox", { name: "Message" }).fill(text);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByRole("region", { name: "Messages" }).getByText(text)).toBeVisible();
  await expect(page.getByText("Not sent.")).toHaveCount(0);
  await expectAccessiblePage(page);

  const rows = await sql<{ withdrawn: boolean; document_hash: string | null }>(
    "SELECT withdrawn_at IS NOT NULL AS withdrawn, document_hash FROM consents WHERE user_id = $1 AND kind = 'MESSAGING' ORDER BY accepted_at",
    [patientId],
  );
  expect(rows.map((row) => row.withdrawn)).toEqual([true, true, false]);
  expect(rows.every((row) => row.document_hash?.length === 64)).toBe(true);
  problems();
});
