// The document store's disk fills up: a 512 KB tmpfs is mounted as DOCUMENTS_DIR and filled, then a
// patient uploads through the route. They get a 507 that says nothing was saved; no row and no
// temporary file remain; documents stored earlier still read back byte for byte; once space is
// freed the same upload succeeds. Mounting needs root (as in CI); elsewhere the file is skipped
// and says why.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as uploadRoute } from "@/app/api/documents/route";
import { disconnectDb } from "@/lib/db/client";
import { documentForDownload } from "@/lib/domain/documents/queries";
import { uploadDocument } from "@/lib/domain/documents/upload-document";
import { resetEnvCache } from "@/lib/env";
import { stopQueue } from "@/lib/jobs/queue";
import { demoPdf } from "@/prisma/demo-pdf";
import { asActor } from "../support/actors";
import { browserHeaders } from "../support/browser";
import { type Person, person } from "../support/care";
import { runSql } from "../support/database";

const inFlight = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock("next/headers", () => ({ headers: () => Promise.resolve(inFlight.headers) }));

const isRoot = process.getuid?.() === 0;
if (!isRoot) {
  console.warn(
    "[faults] faults-disk.test.ts skipped: mounting a small tmpfs needs root (CI runs as root); run as root to check the full-disk behaviour",
  );
}

const databaseUrl = process.env.DATABASE_URL!;
const savedEnv = { ...process.env };
const mountPoint = mkdtempSync(path.join(tmpdir(), "haven-full-disk-"));
let mounted = false;

beforeAll(() => {
  if (!isRoot) return;
  execFileSync("mount", ["-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", mountPoint]);
  mounted = true;
  process.env.DOCUMENTS_DIR = mountPoint;
  // No scanner: these uploads are labelled not scanned; the scanner's own behaviour is tested elsewhere.
  delete process.env.CLAMAV_HOST;
  delete process.env.CLAMAV_PORT;
  resetEnvCache();
});

afterAll(async () => {
  await stopQueue();
  await disconnectDb();
  process.env = savedEnv;
  resetEnvCache();
  if (mounted) execFileSync("umount", [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** A PDF of about this many kilobytes (trailing whitespace after %%EOF is still a PDF). */
const pdfOf = (label: string, kilobytes: number) => {
  const pdf = demoPdf([label]);
  return Buffer.concat([pdf, Buffer.alloc(Math.max(0, kilobytes * 1024 - pdf.length), 0x20)]);
};

async function postUpload(who: Person, patientId: string, bytes: Buffer, fileName: string) {
  const form = new FormData();
  form.set("patientId", patientId);
  form.set("file", new File([new Uint8Array(bytes)], fileName, { type: "application/pdf" }));
  const requestId = randomUUID();
  const request = new Request("http://localhost/api/documents", {
    method: "POST",
    headers: { ...(await browserHeaders(95, who.actor)), "x-request-id": requestId },
    body: form,
  });
  inFlight.headers = request.headers;
  const response = await uploadRoute(request, { params: Promise.resolve({}) });
  const text = await response.text();
  return {
    status: response.status,
    requestId,
    headerRequestId: response.headers.get("x-request-id"),
    text,
    body: JSON.parse(text) as { id?: string; error?: { code: string; message: string; requestId: string } },
  };
}

const documentCount = async (patientId: string) =>
  Number(
    (
      await runSql<{ n: string }>(databaseUrl, "SELECT count(*) AS n FROM documents WHERE patient_id = $1", [
        patientId,
      ])
    )[0]!.n,
  );

describe.skipIf(!isRoot)("a full document store", () => {
  it("refuses an upload with a 507 that says nothing was saved, keeps nothing of it, loses nothing, and accepts it once space is freed", async () => {
    const patient = await person("PATIENT", "Tomasz Wierzbicki");
    const earlier = pdfOf("Earlier discharge letter", 40);
    const stored = await asActor(patient.actor, () =>
      uploadDocument(patient.actor, { patientId: patient.id, fileName: "discharge.pdf", bytes: earlier }),
    );

    // Fill the disk: the filler is written until the device refuses more.
    const filler = path.join(mountPoint, "filler");
    try {
      writeFileSync(filler, Buffer.alloc(1024 * 1024, 0x41));
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe("ENOSPC");
    }
    const filesBefore = readdirSync(mountPoint).sort();
    const rowsBefore = await documentCount(patient.id);

    const report = pdfOf("MRI report: lumbar disc herniation", 64);
    const started = performance.now();
    const full = await postUpload(patient, patient.id, report, "mri-report.pdf");
    const refusedInMs = performance.now() - started;
    expect(full.status, full.text).toBe(507);
    expect(full.body.error).toEqual({
      code: "INSUFFICIENT_STORAGE",
      message: "The document store is full; nothing was saved. Try again later or tell the clinic.",
      requestId: full.requestId,
    });
    expect(full.headerRequestId).toBe(full.requestId);
    expect(full.text).not.toContain("mri-report");
    expect(full.text).not.toContain("ENOSPC");

    expect(await documentCount(patient.id)).toBe(rowsBefore);
    expect(readdirSync(mountPoint).sort()).toEqual(filesBefore);
    expect(filesBefore.some((name) => name.startsWith(".tmp-"))).toBe(false);
    const [rejection] = await runSql<{ details: { reason: string } }>(
      databaseUrl,
      "SELECT details FROM audit_log WHERE action = 'document.rejected' AND resource_id = $1 ORDER BY sequence DESC LIMIT 1",
      [patient.id],
    );
    expect(rejection?.details.reason).toBe("store-full");

    // What was stored before the disk filled reads back byte for byte.
    const before = await asActor(patient.actor, () => documentForDownload(patient.actor, stored.id));
    expect(before.bytes.equals(earlier)).toBe(true);

    // Space freed: the same upload goes through and reads back whole.
    rmSync(filler);
    const retried = await postUpload(patient, patient.id, report, "mri-report.pdf");
    expect(retried.status, retried.text).toBe(201);
    const after = await asActor(patient.actor, () => documentForDownload(patient.actor, retried.body.id!));
    expect(after.bytes.equals(report)).toBe(true);
    expect(readdirSync(mountPoint).some((name) => name.startsWith(".tmp-"))).toBe(false);
    console.info(`[faults] full document store: 507 in ${Math.round(refusedInMs)} ms`);
  });
});
