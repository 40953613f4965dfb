// Documents as people use them: Maya uploads a PDF on her documents page (the
// real clamd scans it clean), Dr. Okafor, her treating doctor, downloads the
// same bytes with safe headers; nobody else, signed in or not, can fetch it;
// an 11 MB file and a renamed executable are refused with a clear message.
import { readFileSync } from "node:fs";
import { demoPdf } from "@/prisma/demo-pdf";
import { DEMO_EMAILS } from "@/prisma/demo-accounts";
import {
  expect,
  expectAccessiblePage,
  refusalsOf,
  signInDoctor,
  signInPatient,
  sql,
  test,
  watchForPageProblems,
} from "./fixtures";

test.describe.configure({ mode: "serial" });

const PDF = demoPdf(["Haven e2e: upload and download", `run ${Date.now()}`]);
let documentId = "";

test("a patient uploads a PDF through the page; it is scanned and listed", async ({ page }) => {
  const pageProblems = watchForPageProblems(page);
  await signInPatient(page, DEMO_EMAILS.patients[0]);
  await page.goto("/patient/documents");
  await expect(page.getByRole("heading", { level: 1, name: "Documents" })).toBeVisible();
  await expectAccessiblePage(page);

  await page.getByLabel("Upload a document").setInputFiles({
    name: "Lab report (e2e).pdf",
    mimeType: "application/pdf",
    buffer: PDF,
  });
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.getByText("Uploaded. The malware scan found nothing.")).toBeVisible();
  const item = page.getByRole("listitem").filter({ hasText: "Lab report (e2e).pdf" });
  await expect(item.getByText("Scanned: clean")).toBeVisible();
  const href = await item.getByRole("link", { name: /Download/ }).getAttribute("href");
  documentId = /\/api\/documents\/([0-9a-f-]{36})$/.exec(href ?? "")?.[1] ?? "";
  expect(documentId).not.toBe("");
  await expectAccessiblePage(page);

  // The patient's own download is the same file.
  const own = await page.request.get(`/api/documents/${documentId}`);
  expect(own.status()).toBe(200);
  expect(Buffer.from(await own.body()).equals(PDF)).toBe(true);

  const [row] = await sql<{ scan_status: string; file_name: string }>(
    "SELECT scan_status, file_name FROM documents WHERE id = $1",
    [documentId],
  );
  expect(row?.scan_status).toBe("CLEAN");
  expect(row?.file_name).not.toContain("Lab report");
  pageProblems();
});

test("an 11 MB file and a renamed executable are refused with a clear message, and nothing is kept", async ({
  page,
}) => {
  await signInPatient(page, DEMO_EMAILS.patients[0]);
  await page.goto("/patient/documents");
  const [{ n: before }] = (await sql<{ n: string }>("SELECT count(*) AS n FROM documents")) as [
    { n: string },
  ];
  const huge = Buffer.concat([PDF, Buffer.alloc(11 * 1024 * 1024 - PDF.length, 0x20)]);

  await page
    .getByLabel("Upload a document")
    .setInputFiles({ name: "scan.pdf", mimeType: "application/pdf", buffer: huge });
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "larger" })).toHaveText(
    "The file is larger than 10 MB. This one is 11.0 MB.",
  );
  await expect(page.getByLabel("Upload a document")).toHaveAttribute("aria-invalid", "true");

  await page.getByLabel("Upload a document").setInputFiles({
    name: "invoice.pdf",
    mimeType: "application/pdf",
    buffer: Buffer.concat([Buffer.from("MZ"), Buffer.alloc(1024, 0x90)]),
  });
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.getByRole("alert").filter({ hasText: "not a PDF" })).toHaveText(
    "This file is not a PDF, JPEG or PNG image.",
  );
  await expectAccessiblePage(page);

  // The server refuses by itself too, before reading the body.
  const [{ id: mayaId }] = (await sql<{ id: string }>(
    "SELECT patient_id AS id FROM documents WHERE id = $1",
    [documentId],
  )) as [{ id: string }];
  const direct = await page.request.post("/api/documents", {
    multipart: { patientId: mayaId, file: { name: "scan.pdf", mimeType: "application/pdf", buffer: huge } },
  });
  expect(direct.status()).toBe(413);
  expect(((await direct.json()) as { error: { message: string } }).error.message).toBe(
    "The file is larger than 10 MB.",
  );

  const [{ n: after }] = (await sql<{ n: string }>("SELECT count(*) AS n FROM documents")) as [{ n: string }];
  expect(after).toBe(before);
});

test("the treating doctor downloads the same bytes from the chart, with safe headers", async ({
  browser,
}) => {
  const doctor = await signInDoctor(browser, DEMO_EMAILS.doctors[0]);
  const [maya] = await sql<{ patient_id: string }>("SELECT patient_id FROM documents WHERE id = $1", [
    documentId,
  ]);
  await doctor.goto(`/doctor/patients/${maya!.patient_id}#documents`);
  await expect(doctor.getByRole("heading", { name: "Documents" })).toBeVisible();
  await expectAccessiblePage(doctor);
  const downloading = doctor.waitForEvent("download");
  await doctor.locator(`a[href="/api/documents/${documentId}"]`).click();
  const downloaded = await downloading;
  expect(readFileSync(await downloaded.path()).equals(PDF)).toBe(true);
  const response = await doctor.request.get(`/api/documents/${documentId}`);
  expect(response.status()).toBe(200);
  expect(Buffer.from(await response.body()).equals(PDF)).toBe(true);
  const headers = response.headers();
  expect(headers["content-type"]).toBe("application/pdf");
  expect(headers["content-disposition"]).toMatch(/^attachment; filename="document-[0-9a-f]{8}\.pdf"/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["cache-control"]).toBe("no-store");
  expect(headers["content-security-policy"]).toMatch(/sandbox/);
  const audited = await sql<{ n: string }>(
    "SELECT count(*) AS n FROM audit_log WHERE action = 'document.downloaded' AND resource_id = $1",
    [documentId],
  );
  expect(Number(audited[0]?.n)).toBeGreaterThanOrEqual(2);
  await doctor.context().close();
});

test("anonymous visitors and another patient get 404, and the refusal is audited", async ({
  page,
  playwright,
}) => {
  const anonymous = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL! });
  const beforeAnonymous = await refusalsOf(documentId);
  expect((await anonymous.get(`/api/documents/${documentId}`)).status()).toBe(404);
  expect(await refusalsOf(documentId)).toBe(beforeAnonymous + 1);
  await anonymous.dispose();

  await signInPatient(page, DEMO_EMAILS.patients[1]);
  const beforeOther = await refusalsOf(documentId);
  const response = await page.request.get(`/api/documents/${documentId}`);
  expect(response.status()).toBe(404);
  expect(((await response.json()) as { error: { message: string } }).error.message).toBe("Not found.");
  expect(await refusalsOf(documentId)).toBe(beforeOther + 1);

  // Jonas's own page lists none of Maya's files.
  await page.goto("/patient/documents");
  await expect(page.getByText("Lab report (e2e).pdf")).toHaveCount(0);
  await expectAccessiblePage(page);
});
