// "Download all my data" as Maya Patel meets it. Dr. Okafor opens her chart and signs a note; Maya
// opens Privacy and your data, downloads the zip from the card, and the test unzips it: the README,
// her profile, visits, the signed note, the prescription PDF, her messages, her documents (the same
// bytes as downloaded from her documents page) and Dr. Okafor's reads of her record are all there,
// and nothing encrypted. Other roles and visitors get a 404 from the export route. Every page
// visited is checked with axe.
import { readFileSync } from "node:fs";
import { strFromU8, unzipSync } from "fflate";
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import {
  expect,
  expectAccessiblePage,
  signInAdmin,
  signInDoctor,
  signInPatient,
  sql,
  test,
  watchForPageProblems,
} from "./fixtures";

test.describe.configure({ mode: "serial" });

const NOTE_PLAN = `Export check ${Date.now()}: review thyroid levels in six weeks.`;

test("the treating doctor reads Maya's chart and signs a note", async ({ browser }) => {
  const page = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  const problems = watchForPageProblems(page);
  await page.getByRole("link", { name: "Patients", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Your patients" })).toBeVisible();
  await expectAccessiblePage(page);
  await page.getByRole("link", { name: "Maya Patel" }).click();
  await page.waitForURL(/\/doctor\/patients\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: "Maya Patel" })).toBeVisible();
  await expectAccessiblePage(page);
  await page.getByRole("button", { name: "Start a note" }).click();
  await page.waitForURL(/\/doctor\/notes\/[0-9a-f-]{36}$/);
  await page.getByLabel("Subjective").fill("Feels well.");
  await page.getByLabel("Assessment").fill("Stable hypothyroidism.");
  await page.getByLabel("Plan").fill(NOTE_PLAN);
  await page.getByRole("button", { name: "Save the draft" }).click();
  await expect(page.getByText(/Draft saved at/)).toBeVisible();
  await page.getByLabel("I have reviewed this note and sign it").check();
  await page.getByRole("button", { name: "Sign the note" }).click();
  await page.waitForURL(/\?signed=1$/);
  await expect(page.getByText("The note is signed.")).toBeVisible();
  problems();
  await page.context().close();
});

test("Maya downloads all her data from her privacy page; the zip holds her whole record", async ({
  page,
}) => {
  const problems = watchForPageProblems(page);
  await signInPatient(page, DEMO_EMAILS.patients[0]);

  // The document as her documents page offers it.
  await page.goto("/patient/documents");
  await expectAccessiblePage(page);
  const demoDocument = page.getByRole("listitem").filter({ hasText: "Blood test results (demo).pdf" });
  const href = await demoDocument.getByRole("link", { name: /Download/ }).getAttribute("href");
  const documentId = /\/api\/documents\/([0-9a-f-]{36})$/.exec(href ?? "")?.[1] ?? "";
  expect(documentId).not.toBe("");
  const downloaded = Buffer.from(await (await page.request.get(`/api/documents/${documentId}`)).body());
  expect(downloaded.subarray(0, 5).toString()).toBe("%PDF-");

  await page.goto("/patient/privacy");
  await expect(page.getByRole("heading", { level: 2, name: "Download all my data" })).toBeVisible();
  await expectAccessiblePage(page);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Download my data (.zip)" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^haven-export-\d{4}-\d{2}-\d{2}\.zip$/);
  const files = unzipSync(new Uint8Array(readFileSync(await download.path())));
  const text = (name: string) => {
    expect(Object.keys(files), name).toContain(name);
    return strFromU8(files[name]!);
  };
  const json = <T>(name: string) => JSON.parse(text(name)) as T;

  expect(text("README.txt")).toContain("Maya Patel");
  expect(text("README.txt")).toContain("What is not included, and why");

  const profile = json<{ account: { email: string }; profile: { fullName: string } }>("profile.json");
  expect(profile.account.email).toBe(DEMO_EMAILS.patients[0]);
  expect(profile.profile.fullName).toBe("Maya Patel");

  const visits = json<{ doctor: string; reason: string }[]>("visits.json");
  expect(visits.some((visit) => visit.doctor === "Dr. Amara Okafor" && visit.reason.length > 0)).toBe(true);

  const notes = json<{ doctor: string; plan: string }[]>("notes.json");
  expect(notes).toContainEqual(expect.objectContaining({ doctor: "Dr. Amara Okafor", plan: NOTE_PLAN }));

  const prescriptions = json<{ doctor: string; pdf: string }[]>("prescriptions.json");
  expect(prescriptions.length).toBeGreaterThan(0);
  for (const prescription of prescriptions) {
    expect(strFromU8(files[prescription.pdf]!.subarray(0, 5))).toBe("%PDF-");
  }

  const threads =
    json<{ doctor: string; messages: { from: string; text: string | null }[] }[]>("messages.json");
  const okafor = threads.find((thread) => thread.doctor === "Dr. Amara Okafor");
  expect(okafor?.messages.some((message) => message.from === "you" && message.text)).toBe(true);

  const documents = json<{ id: string; fileName: string; file: string | null }[]>("documents.json");
  const exported = documents.find((document) => document.id === documentId);
  expect(exported?.fileName).toBe("Blood test results (demo).pdf");
  expect(exported?.file).toMatch(/^documents\/[0-9a-f]{8}-Blood test results \(demo\)\.pdf$/);
  expect(Buffer.from(files[exported!.file!]!).equals(downloaded)).toBe(true);

  const reads = json<{ who: string; action: string }[]>("record-access.json");
  expect(reads).toContainEqual(
    expect.objectContaining({ who: "Dr. Amara Okafor", action: "Opened your chart" }),
  );

  for (const name of ["medications.json", "devices-and-readings.json", "payments.json", "consents.json"]) {
    expect(() => JSON.parse(text(name)) as unknown).not.toThrow();
  }
  const readable = Object.entries(files)
    .filter(([name]) => !name.endsWith(".pdf"))
    .map(([, bytes]) => strFromU8(bytes))
    .join("\n");
  expect(readable).not.toMatch(/"v\d+:[A-Za-z0-9+/=_-]{16,}/);

  // Recorded as a completed export request, which her requests list shows too.
  const [request] = await sql<{ status: string }>(
    `SELECT status::text AS status FROM data_requests
      WHERE kind = 'EXPORT' AND patient_id = (SELECT patient_id FROM documents WHERE id = $1)
      ORDER BY received_at DESC LIMIT 1`,
    [documentId],
  );
  expect(request?.status).toBe("COMPLETED");
  problems();
});

test("the export route is a 404 for a doctor, an admin and a visitor", async ({ browser, page }) => {
  const doctor = await signInDoctor(browser, DEMO_EMAILS.doctors[1]);
  expect((await doctor.request.get("/api/me/export")).status()).toBe(404);
  await doctor.context().close();
  const admin = await signInAdmin(browser, DEMO_EMAILS.admin);
  expect((await admin.request.get("/api/me/export")).status()).toBe(404);
  await admin.context().close();
  expect((await page.request.get("/api/me/export")).status()).toBe(404);
});
