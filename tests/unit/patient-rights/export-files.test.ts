import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  NOT_INCLUDED_PENDING_SCAN,
  documentPath,
  documentsJson,
  exportZipName,
  isExportable,
  jsonFile,
  messagesJson,
  prescriptionPdfPath,
  recordAccessJson,
  visitsJson,
  type VisitFacts,
} from "@/lib/domain/patient-rights/export-files";
import { exportReadme, wrap } from "@/lib/domain/patient-rights/export-readme";
import { EXPORT_DOWNLOADED_ACTION, zipStream } from "@/lib/domain/patient-rights/export";
import { isExportAction } from "@/lib/domain/security/rules";
import type { DocumentView } from "@/lib/domain/documents/schemas";

const ID = "3f2a9c1e-0000-4000-8000-000000000001";
const PATIENT = "22222222-2222-4222-8222-222222222222";
const DOCTOR = "11111111-1111-4111-8111-111111111111";
const names = new Map([[DOCTOR, "Dr. Amara Okafor"]]);
const pdf = (fileName: string) => documentPath({ id: ID, fileName, contentType: "application/pdf" });

describe("file names inside the zip", () => {
  it("keeps a plain upload name behind the document's short id", () => {
    expect(pdf("blood test.pdf")).toBe("documents/3f2a9c1e-blood test.pdf");
    expect(documentPath({ id: ID, fileName: "scan.JPEG", contentType: "image/jpeg" })).toBe(
      "documents/3f2a9c1e-scan.JPEG",
    );
  });

  it("never lets an uploaded name leave the documents folder", () => {
    for (const hostile of [
      "../../etc/passwd",
      "..\\..\\windows\\win.ini",
      "/etc/shadow",
      "C:\\Users\\x\\evil.pdf",
      "....//....//x.pdf",
      "..",
      ".",
      "a/../../b.pdf",
    ]) {
      const path = pdf(hostile);
      expect(path).toMatch(/^documents\/3f2a9c1e-[^/\\]+$/);
      expect(path.split("/")).not.toContain("..");
      expect(path).not.toMatch(/\.\.[/\\]/);
    }
    expect(pdf("../../etc/passwd")).toBe("documents/3f2a9c1e-passwd.pdf");
  });

  it("drops control, bidirectional and reserved characters, and trailing dots and spaces", () => {
    expect(pdf("report\u202Efdp.exe")).toBe("documents/3f2a9c1e-reportfdp.exe.pdf");
    expect(pdf("a\u0000b\nc.pdf")).toBe("documents/3f2a9c1e-abc.pdf");
    expect(pdf('what?*<>|:".pdf')).toBe("documents/3f2a9c1e-what_______.pdf");
    expect(pdf("notes. . .")).toBe("documents/3f2a9c1e-notes.pdf");
    expect(pdf("CON")).toBe("documents/3f2a9c1e-CON.pdf");
    expect(pdf("")).toBe("documents/3f2a9c1e-document.pdf");
  });

  it("adds the extension of the type detected at upload when the name lacks it", () => {
    expect(documentPath({ id: ID, fileName: "photo", contentType: "image/png" })).toBe(
      "documents/3f2a9c1e-photo.png",
    );
    expect(documentPath({ id: ID, fileName: "x.pdf", contentType: "image/jpeg" })).toBe(
      "documents/3f2a9c1e-x.pdf.jpg",
    );
  });

  it("keeps names in any script and bounds their length", () => {
    expect(pdf("रक्त जाँच.pdf")).toBe("documents/3f2a9c1e-रक्त जाँच.pdf");
    const long = pdf(`${"x".repeat(500)}.pdf`);
    expect(long.length).toBeLessThanOrEqual("documents/3f2a9c1e-".length + 120);
    expect(long.endsWith(".pdf")).toBe(true);
  });

  it("names prescriptions by the patient's local signing date and the zip by today's", () => {
    const signedAt = new Date("2026-11-24T23:30:00Z");
    expect(prescriptionPdfPath({ id: ID, signedAt }, "Asia/Kolkata")).toBe(
      "prescriptions/2026-11-25-3f2a9c1e.pdf",
    );
    expect(prescriptionPdfPath({ id: ID, signedAt }, "UTC")).toBe("prescriptions/2026-11-24-3f2a9c1e.pdf");
    expect(exportZipName(new Date("2026-12-02T23:30:00Z"), "Europe/Berlin")).toBe(
      "haven-export-2026-12-03.zip",
    );
  });
});

describe("the JSON files", () => {
  it("are indented UTF-8 with ISO times", () => {
    const text = new TextDecoder().decode(jsonFile({ at: new Date("2026-12-02T10:00:00Z"), name: "Zoë" }));
    expect(text).toBe('{\n  "at": "2026-12-02T10:00:00.000Z",\n  "name": "Zoë"\n}\n');
  });

  const visit = (overrides: Partial<VisitFacts>): VisitFacts => ({
    id: ID,
    doctorId: DOCTOR,
    startsAt: new Date("2026-11-24T13:30:00Z"),
    endsAt: new Date("2026-11-24T14:00:00Z"),
    status: "CANCELLED",
    reason: "Back pain",
    cancelReason: "Feeling better",
    cancelledById: PATIENT,
    confirmedAt: null,
    feeMinor: 4500,
    currency: "EUR",
    createdAt: new Date("2026-11-20T09:00:00Z"),
    ...overrides,
  });

  it("say who cancelled a visit and show its fee in the currency's units", () => {
    const [byPatient, byDoctor, automatic, kept] = visitsJson(
      PATIENT,
      [
        visit({}),
        visit({ cancelledById: DOCTOR }),
        visit({ cancelledById: null }),
        visit({ status: "COMPLETED" }),
      ],
      names,
    );
    expect(byPatient).toMatchObject({
      doctor: "Dr. Amara Okafor",
      status: "Cancelled",
      reason: "Back pain",
      fee: { amount: "45.00", currency: "EUR" },
      cancellation: { cancelledBy: "you", reason: "Feeling better" },
    });
    expect(byDoctor!.cancellation!.cancelledBy).toBe("Dr. Amara Okafor");
    expect(automatic!.cancellation!.cancelledBy).toBe("Haven (automatically)");
    expect(kept!.cancellation).toBeNull();
  });

  it("mark a retracted message and keep no text for it", () => {
    const [thread] = messagesJson(
      PATIENT,
      [
        {
          id: ID,
          doctorId: DOCTOR,
          createdAt: new Date("2026-11-20T09:00:00Z"),
          messages: [
            {
              id: "m1",
              senderId: PATIENT,
              body: "Hello",
              createdAt: "2026-11-20T09:00:00.000Z",
              readAt: null,
              retractedAt: null,
              attachment: null,
            },
            {
              id: "m2",
              senderId: DOCTOR,
              body: "should not show",
              createdAt: "2026-11-20T09:01:00.000Z",
              readAt: null,
              retractedAt: "2026-11-20T09:02:00.000Z",
              attachment: null,
            },
          ],
        },
      ],
      names,
    );
    expect(thread!.doctor).toBe("Dr. Amara Okafor");
    expect(thread!.messages[0]).toMatchObject({ from: "you", text: "Hello", retracted: false });
    expect(thread!.messages[1]).toMatchObject({ from: "Dr. Amara Okafor", text: null, retracted: true });
  });

  it("name doctors who read the record, never another patient", () => {
    const rows = recordAccessJson(
      [
        {
          occurredAt: new Date("2026-11-20T09:00:00Z"),
          actorId: DOCTOR,
          actorRole: "DOCTOR",
          action: "phi.read",
          resourceType: "ClinicalNote",
          resourceId: "n1",
          outcome: "SUCCESS",
        },
        {
          occurredAt: new Date("2026-11-20T09:05:00Z"),
          actorId: "33333333-3333-4333-8333-333333333333",
          actorRole: "PATIENT",
          action: "chart.viewed",
          resourceType: "Chart",
          resourceId: null,
          outcome: "SUCCESS",
        },
      ],
      names,
    );
    expect(rows[0]).toMatchObject({
      at: new Date("2026-11-20T09:00:00Z"),
      who: "Dr. Amara Okafor",
      role: "Doctor",
      action: "Read part of your record",
      what: "consultation note",
      outcome: "allowed",
    });
    expect(JSON.stringify(rows[1])).not.toContain("33333333");
    expect(rows[1]!.who).toBe("Another account");
  });

  it("list a document waiting for its scan without its bytes, and say why", () => {
    const document: DocumentView = {
      id: ID,
      fileName: "x.pdf",
      contentType: "application/pdf",
      sizeBytes: 10,
      scanStatus: "PENDING",
      scannedAt: null,
      createdAt: new Date("2026-11-20T09:00:00Z"),
      uploadedByPatient: true,
    };
    expect(isExportable(document)).toBe(false);
    expect(isExportable({ ...document, scanStatus: "CLEAN" })).toBe(true);
    const [entry] = documentsJson([{ document, path: null, notIncluded: NOT_INCLUDED_PENDING_SCAN }]);
    expect(entry).toMatchObject({ file: null, notIncluded: NOT_INCLUDED_PENDING_SCAN, uploadedBy: "you" });
  });
});

describe("README.txt", () => {
  const readme = exportReadme({
    clinicName: "Haven Clinic",
    appUrl: "https://haven.example",
    patientName: "Maya Patel",
    madeAt: new Date("2026-12-02T10:00:00Z"),
    timeZone: "Europe/Berlin",
    requestId: ID,
    counts: { "visits.json": 3, "notes.json": 1, "prescriptions/": 2, "documents/": 1 },
    documentsLeftOut: 1,
    deadlineDays: 30,
  });

  it("describes every file, when and for whom it was made, and what is left out", () => {
    for (const file of [
      "profile.json",
      "medications.json",
      "devices-and-readings.json",
      "visits.json",
      "notes.json",
      "prescriptions.json",
      "messages.json",
      "documents.json",
      "payments.json",
      "consents.json",
      "requests.json",
      "record-access.json",
      "prescriptions/",
      "documents/",
    ]) {
      expect(readme).toContain(file);
    }
    expect(readme).toContain("Maya Patel");
    expect(readme).toContain("2026-12-02T10:00:00.000Z");
    expect(readme).toContain(ID);
    expect(readme).toContain("visits.json (3 records)");
    expect(readme).toContain("notes.json (1 record)");
    expect(readme).toMatch(/1\s+document is\s+not included/);
    expect(readme).toMatch(/What is not included, and why/);
    expect(readme).toMatch(/Security secrets/);
    expect(readme).toMatch(/Other people's personal data/);
    expect(readme).toContain("https://haven.example/patient/privacy");
    expect(readme).toMatch(/erased/);
    expect(readme).toContain("within 30 days");
  });

  it("wraps lines for any viewer", () => {
    for (const line of readme.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
    expect(wrap("- one two three", 8)).toEqual(["- one", "  two", "  three"]);
  });
});

describe("the zip stream", () => {
  const entry = (path: string, text: string, compress = true) => ({
    path,
    modifiedAt: new Date("2026-12-02T10:00:00Z"),
    compress,
    bytes: () => Promise.resolve(new TextEncoder().encode(text)),
  });

  it("produces each file only when the reader asks for more, and a zip that unzips", async () => {
    const produced: string[] = [];
    function* entries() {
      for (const item of [
        entry("README.txt", "hello"),
        entry("a.json", "{}"),
        entry("documents/x.pdf", "%PDF-1.7", false),
      ]) {
        produced.push(item.path);
        yield item;
      }
    }
    const stream = zipStream(entries(), (step) => step(), "request");
    const reader = stream.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(produced.length).toBeLessThan(3);
    const chunks = [first.value!];
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
    const zip = unzipSync(Buffer.concat(chunks));
    expect(Object.keys(zip)).toEqual(["README.txt", "a.json", "documents/x.pdf"]);
    expect(strFromU8(zip["documents/x.pdf"]!)).toBe("%PDF-1.7");
  });

  it("stops producing files when the browser gives up", async () => {
    const produced: string[] = [];
    let closed = false;
    function* entries() {
      try {
        for (const name of ["a.json", "b.json", "c.json", "d.json"]) {
          produced.push(name);
          yield entry(name, "{}");
        }
      } finally {
        closed = true;
      }
    }
    const stream = zipStream(entries(), (step) => step(), "request");
    const reader = stream.getReader();
    await reader.read();
    await reader.cancel();
    expect(closed).toBe(true);
    expect(produced.length).toBeLessThan(4);
  });

  it("fails the download (not a truncated zip that looks whole) when a file cannot be produced", async () => {
    function* entries() {
      yield entry("README.txt", "hello");
      throw new Error("storage unavailable");
    }
    const stream = zipStream(entries(), (step) => step(), "request");
    await expect(new Response(stream).arrayBuffer()).rejects.toThrow();
  });
});

describe("the security monitor", () => {
  it("does not count a patient downloading their own data as a bulk export", () => {
    expect(isExportAction(EXPORT_DOWNLOADED_ACTION)).toBe(false);
    expect(isExportAction("rights.request.completed")).toBe(false);
  });
});
