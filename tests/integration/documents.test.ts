// Documents against a real PostgreSQL and a real clamd: a patient uploads, a
// treating doctor downloads the same bytes; what is stored is ciphertext (file
// and row); rejected uploads (wrong content, too large, malware) leave nothing;
// an unreachable scanner keeps the file pending (never downloadable) until the
// scan job runs; everyone else gets an audited 404.
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/client";
import { documentForDownload, documentsOfPatient } from "@/lib/domain/documents/queries";
import { scanPendingDocument } from "@/lib/domain/documents/scan-document";
import { uploadDocument } from "@/lib/domain/documents/upload-document";
import { resetEnvCache } from "@/lib/env";
import { stopQueue } from "@/lib/jobs/queue";
import { demoPdf } from "@/prisma/demo-pdf";
import { type ClamdServer, startClamd } from "@/scripts/lib/clamd-server";
import { findFreePort } from "@/scripts/lib/free-port";
import { appErrorOf, asActor } from "../support/actors";
import { type Person, careVisit as visit, denialsOf as denials, person } from "../support/care";
import { runSql } from "../support/database";

const databaseUrl = process.env.DATABASE_URL!;
const documentsDir = mkdtempSync(path.join(tmpdir(), "haven-documents-"));
// Built at run time so that no file in the repository is itself the EICAR test file.
const EICAR = ["X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-ANTIVIRUS", "-TEST-FILE!$H+H*"].join("");
// A PDF a second clamd treats as malware, for the delayed scan.
const LATE_MALWARE = demoPdf(["pretend this PDF is malicious"]);
const md5 = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

let ownClamd: ClamdServer | undefined;
let strictClamd: ClamdServer | undefined;
let clamd = { host: process.env.CLAMAV_HOST ?? "", port: process.env.CLAMAV_PORT ?? "" };

function useScanner(scanner: { host: string; port: string | number } | null) {
  if (scanner) {
    process.env.CLAMAV_HOST = scanner.host;
    process.env.CLAMAV_PORT = String(scanner.port);
  } else {
    delete process.env.CLAMAV_HOST;
    delete process.env.CLAMAV_PORT;
  }
  resetEnvCache();
}

beforeAll(async () => {
  process.env.DOCUMENTS_DIR = documentsDir;
  // scripts/test.ts provides a clamd; a bare `vitest run` starts its own.
  if (!clamd.host) {
    ownClamd = await startClamd();
    clamd = { host: ownClamd.host, port: String(ownClamd.port) };
  }
  strictClamd = await startClamd([`${md5(LATE_MALWARE)}:${LATE_MALWARE.length}:Haven-Test-Late`]);
}, 60_000);
beforeEach(() => useScanner(clamd));
afterAll(async () => {
  await stopQueue();
  await disconnectDb();
  ownClamd?.stop();
  strictClamd?.stop();
});

const count = async (sql: string, params: unknown[]) =>
  Number((await runSql<{ n: string }>(databaseUrl, sql, params))[0]!.n);
const documentRows = (patientId: string) =>
  count("SELECT count(*) AS n FROM documents WHERE patient_id = $1", [patientId]);
const storedFiles = () => readdirSync(documentsDir).length;

const SECRET_NAME = "Maya Patel HIV test result.pdf";
const PDF = demoPdf(["Confidential laboratory report", "Result: negative"]);

describe("documents", () => {
  let patient: Awaited<ReturnType<typeof person>>;
  let doctor: Awaited<ReturnType<typeof person>>;
  beforeAll(async () => {
    patient = await person("PATIENT");
    doctor = await person("DOCTOR");
    await visit(doctor.id, patient.id);
  });

  const upload = (who: Person, bytes: Buffer, fileName = SECRET_NAME) =>
    asActor(who.actor, () => uploadDocument(who.actor, { patientId: patient.id, fileName, bytes }));

  it("stores a patient's PDF encrypted, scanned clean; the treating doctor downloads the same bytes; audited", async () => {
    const { id, scanStatus } = await upload(patient, PDF);
    expect(scanStatus).toBe("CLEAN");

    const [row] = await runSql<{
      file_name: string;
      file_key: string;
      storage_key: string;
      content_type: string;
    }>(databaseUrl, "SELECT file_name, file_key, storage_key, content_type FROM documents WHERE id = $1", [
      id,
    ]);
    expect(row!.content_type).toBe("application/pdf");
    expect(row!.file_name).toMatch(/^v2:/);
    expect(row!.file_name).not.toContain("Patel");
    expect(row!.file_key).toMatch(/^v2:/);
    expect(row!.storage_key).not.toContain(id);
    const stored = readFileSync(path.join(documentsDir, row!.storage_key));
    expect(stored.equals(PDF)).toBe(false);
    expect(stored.includes(Buffer.from("%PDF"))).toBe(false);
    expect(stored.includes(Buffer.from("Confidential"))).toBe(false);

    const download = await asActor(doctor.actor, () => documentForDownload(doctor.actor, id));
    expect(download.bytes.equals(PDF)).toBe(true);
    expect(download).toMatchObject({ contentType: "application/pdf", fileName: SECRET_NAME });

    const listed = await asActor(doctor.actor, () => documentsOfPatient(doctor.actor, patient.id));
    expect(listed.find((document) => document.id === id)).toMatchObject({
      fileName: SECRET_NAME,
      scanStatus: "CLEAN",
      uploadedByPatient: true,
      sizeBytes: PDF.length,
    });

    const audit = await runSql<{ action: string; details: unknown }>(
      databaseUrl,
      "SELECT action, details FROM audit_log WHERE resource_type = 'Document' AND resource_id = $1 ORDER BY sequence",
      [id],
    );
    expect(audit.map((entry) => entry.action)).toEqual(
      expect.arrayContaining(["document.uploaded", "document.downloaded", "phi.read"]),
    );
    expect(audit.find((entry) => entry.action === "document.uploaded")?.details).toMatchObject({
      contentType: "application/pdf",
      sizeBytes: PDF.length,
      scanStatus: "CLEAN",
    });
    expect(JSON.stringify(audit)).not.toContain("Patel");
  });

  it("lets the treating doctor upload into the chart", async () => {
    const { id } = await upload(doctor, PDF, "referral.pdf");
    const mine = await asActor(patient.actor, () => documentsOfPatient(patient.actor, patient.id));
    expect(mine.find((document) => document.id === id)?.uploadedByPatient).toBe(false);
    expect(
      (await asActor(patient.actor, () => documentForDownload(patient.actor, id))).bytes.equals(PDF),
    ).toBe(true);
  });

  it("rejects an executable renamed .pdf, an 11 MB file and the EICAR file, keeping nothing", async () => {
    const rowsBefore = await documentRows(patient.id);
    const filesBefore = storedFiles();

    const executable = Buffer.concat([Buffer.from("MZ"), Buffer.alloc(510, 0x90)]);
    const wrongType = await appErrorOf(upload(patient, executable, "invoice.pdf"));
    expect([wrongType.status, wrongType.message]).toEqual([
      400,
      "This file is not a PDF, JPEG or PNG image.",
    ]);

    const huge = Buffer.concat([PDF, Buffer.alloc(11 * 1024 * 1024 - PDF.length, 0x20)]);
    const tooLarge = await appErrorOf(upload(patient, huge));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.message).toBe("The file is larger than 10 MB. This one is 11.0 MB.");

    const infected = await appErrorOf(upload(patient, Buffer.from(EICAR), "harmless.pdf"));
    expect([infected.status, infected.message]).toEqual([422, "The malware scanner rejected this file."]);

    expect(await documentRows(patient.id)).toBe(rowsBefore);
    expect(storedFiles()).toBe(filesBefore);
    const rejections = await runSql<{ details: { reason: string; signature?: string } }>(
      databaseUrl,
      "SELECT details FROM audit_log WHERE action = 'document.rejected' AND resource_id = $1 ORDER BY sequence",
      [patient.id],
    );
    expect(rejections.map((entry) => entry.details.reason)).toEqual(["type", "too-large", "malware"]);
    expect(rejections[2]!.details.signature).toMatch(/Eicar-Test-Signature/);
  });

  it("labels files honestly as not scanned when no clamd is configured", async () => {
    useScanner(null);
    const { id, scanStatus } = await upload(patient, PDF);
    expect(scanStatus).toBe("NOT_SCANNED");
    expect(
      (await asActor(patient.actor, () => documentForDownload(patient.actor, id))).bytes.equals(PDF),
    ).toBe(true);
  });

  it("keeps a file pending while the scanner is unreachable, never offers it, and the scan job settles it", async () => {
    useScanner({ host: "127.0.0.1", port: await findFreePort() });
    const clean = await upload(patient, PDF);
    const late = await upload(patient, LATE_MALWARE);
    expect([clean.scanStatus, late.scanStatus]).toEqual(["PENDING", "PENDING"]);
    const waiting = await appErrorOf(
      asActor(patient.actor, () => documentForDownload(patient.actor, clean.id)),
    );
    expect([waiting.status, waiting.message]).toEqual([
      409,
      "This file is waiting for the malware scan. Try again in a few minutes.",
    ]);
    expect(
      await count(
        "SELECT count(*) AS n FROM pgboss.job WHERE name = 'document.scan' AND data->>'documentId' = $1",
        [clean.id],
      ),
    ).toBe(1);

    // Still unreachable: tried again later, still pending.
    await scanPendingDocument({ documentId: clean.id, attempt: 1 });
    expect(
      await count(
        "SELECT count(*) AS n FROM pgboss.job WHERE name = 'document.scan' AND data->>'documentId' = $1 AND (data->>'attempt')::int = 2",
        [clean.id],
      ),
    ).toBe(1);

    useScanner({ host: strictClamd!.host, port: strictClamd!.port });
    const [{ storage_key: lateKey }] = (await runSql<{ storage_key: string }>(
      databaseUrl,
      "SELECT storage_key FROM documents WHERE id = $1",
      [late.id],
    )) as [{ storage_key: string }];
    await scanPendingDocument({ documentId: clean.id, attempt: 2 });
    await scanPendingDocument({ documentId: late.id, attempt: 1 });

    const [row] = await runSql<{ scan_status: string }>(
      databaseUrl,
      "SELECT scan_status FROM documents WHERE id = $1",
      [clean.id],
    );
    expect(row!.scan_status).toBe("CLEAN");
    expect(await count("SELECT count(*) AS n FROM documents WHERE id = $1", [late.id])).toBe(0);
    expect(readdirSync(documentsDir)).not.toContain(lateKey);
    expect(
      await count(
        "SELECT count(*) AS n FROM audit_log WHERE action = 'document.rejected' AND resource_id = $1",
        [late.id],
      ),
    ).toBe(1);
  });

  it("answers 404 to another patient, a doctor without a visit, an admin and for an unknown id, each refusal audited", async () => {
    const { id } = await upload(patient, PDF);
    const strangers = [await person("PATIENT"), await person("DOCTOR"), await person("ADMIN")];
    const before = await denials(id);
    for (const stranger of strangers) {
      const refused = await appErrorOf(
        asActor(stranger.actor, () => documentForDownload(stranger.actor, id)),
      );
      expect([refused.status, refused.message]).toEqual([404, "Not found."]);
    }
    expect(await denials(id)).toBe(before + 3);

    const chartDenials = await denials(patient.id);
    for (const stranger of strangers) {
      expect(
        (await appErrorOf(asActor(stranger.actor, () => documentsOfPatient(stranger.actor, patient.id))))
          .status,
      ).toBe(404);
      expect((await appErrorOf(asActor(stranger.actor, () => upload(stranger, PDF)))).status).toBe(404);
    }
    expect(await denials(patient.id)).toBe(chartDenials + 6);

    const unknown = randomUUID();
    expect(
      (await appErrorOf(asActor(patient.actor, () => documentForDownload(patient.actor, unknown)))).status,
    ).toBe(404);
    expect(await denials(unknown)).toBe(1);
  });
});
