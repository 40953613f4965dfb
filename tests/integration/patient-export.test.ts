// "Download all my data" against a real PostgreSQL and a real clamd: a patient with visits, a signed
// and amended note, a prescription, messages (one retracted), a clean document and readings by their
// doctor downloads the zip through the route; every file is there, decrypted and readable, the
// document is byte for byte what was uploaded, the PDF is a PDF, the doctor's reads are listed, and
// nothing encrypted, no file or storage key and nothing of another patient is in it. The export is a
// completed data request, audited; a doctor, an admin and a visitor get a 404; the limit answers 429.
import { createHash, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as downloadExport } from "@/app/api/me/export/route";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { disconnectDb, getDb } from "@/lib/db/client";
import { chartHeaderOf } from "@/lib/domain/clinical/chart";
import { amendNote, createNoteDraft, notesOfPatient, signNote } from "@/lib/domain/clinical/notes";
import { documentsOfPatient } from "@/lib/domain/documents/queries";
import { uploadDocument } from "@/lib/domain/documents/upload-document";
import { openThread } from "@/lib/domain/messaging/open-thread";
import { retractMessage } from "@/lib/domain/messaging/retract-message";
import { sendMessage } from "@/lib/domain/messaging/send-message";
import { EXPORTS_PER_HOUR, exportPatientData } from "@/lib/domain/patient-rights/export";
import { issuePrescription } from "@/lib/domain/prescriptions/issue-prescription";
import { type StreamRow, evaluateRows } from "@/lib/domain/security/rules";
import { resetEnvCache } from "@/lib/env";
import { stopQueue } from "@/lib/jobs/queue";
import { runAsSystem } from "@/lib/request-context";
import { demoPdf } from "@/prisma/demo-pdf";
import { type ClamdServer, startClamd } from "@/scripts/lib/clamd-server";
import { appErrorOf, asActor } from "../support/actors";
import { browserHeaders } from "../support/browser";
import { careVisit, person } from "../support/care";
import { runSql } from "../support/database";

// Refusals for want of a permission are audited through runAs, which reads the request's headers.
vi.mock("next/headers", () => ({ headers: () => Promise.resolve(new Headers()) }));

const databaseUrl = process.env.DATABASE_URL!;
const NETWORK = 93;
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

let ownClamd: ClamdServer | undefined;
beforeAll(async () => {
  process.env.DOCUMENTS_DIR = mkdtempSync(path.join(tmpdir(), "haven-export-documents-"));
  // scripts/test.ts provides a clamd; a bare `vitest run` starts its own.
  if (!process.env.CLAMAV_HOST) {
    ownClamd = await startClamd();
    process.env.CLAMAV_HOST = ownClamd.host;
    process.env.CLAMAV_PORT = String(ownClamd.port);
  }
  resetEnvCache();
}, 60_000);
afterAll(async () => {
  await stopQueue();
  await disconnectDb();
  ownClamd?.stop();
});

type Person = Awaited<ReturnType<typeof person>>;

async function doctor(displayName: string): Promise<Person> {
  const account = await person("DOCTOR");
  await runAsSystem("test", () =>
    getDb().doctorProfile.create({
      data: { userId: account.id, displayName, specialty: "General Practice", licenseNumber: "LIC-204" },
    }),
  );
  return account;
}

async function callRoute(actor?: AuthenticatedActor) {
  const headers = await browserHeaders(NETWORK, actor);
  return downloadExport(new Request("http://localhost/api/me/export", { headers }), {
    params: Promise.resolve({}),
  });
}

const ITEM = {
  medicine: "Amoxicillin",
  strength: "500 mg",
  form: "capsule",
  dose: "one capsule",
  route: "orally",
  frequency: "three times a day",
  duration: "seven days",
  quantity: "21 capsules",
  refills: 0,
  instructions: "Take with food",
};

/** A patient's record with something in every area, and what was put there. */
async function recordOf(patient: Person, treating: Person, secret: string) {
  const visit = await careVisit(treating.id, patient.id, "COMPLETED");
  const noteId = await asActor(treating.actor, () =>
    createNoteDraft(treating.actor, patient.id, {
      appointmentId: visit.id,
      subjective: `${secret} reports a cough`,
      assessment: "Bronchitis",
      plan: "Rest",
    }),
  );
  await asActor(treating.actor, () => signNote(treating.actor, noteId));
  await asActor(treating.actor, () => amendNote(treating.actor, noteId, `${secret} amended: no fever`));
  const draftId = await asActor(treating.actor, () =>
    createNoteDraft(treating.actor, patient.id, { subjective: `${secret} draft never signed` }),
  );
  const prescriptionId = await asActor(treating.actor, () =>
    issuePrescription(treating.actor, { patientId: patient.id, appointmentId: visit.id, items: [ITEM] }),
  );
  const threadId = await asActor(patient.actor, () => openThread(patient.actor, treating.id));
  await asActor(patient.actor, () =>
    sendMessage(patient.actor, threadId, { id: randomUUID(), body: `${secret} hello doctor` }),
  );
  const reply = randomUUID();
  await asActor(treating.actor, () =>
    sendMessage(treating.actor, threadId, { id: reply, body: `${secret} retracted words` }),
  );
  await asActor(treating.actor, () => retractMessage(treating.actor, reply));
  await asActor(treating.actor, () =>
    sendMessage(treating.actor, threadId, { id: randomUUID(), body: `${secret} get well` }),
  );
  const bytes = demoPdf([`${secret} laboratory report`, "Result: negative"]);
  const document = await asActor(patient.actor, () =>
    uploadDocument(patient.actor, { patientId: patient.id, fileName: `../${secret} lab.pdf`, bytes }),
  );
  return { visit, noteId, draftId, prescriptionId, threadId, document, bytes };
}

describe("the patient's data export", () => {
  let patient: Person;
  let other: Person;
  let treating: Person;
  let record: Awaited<ReturnType<typeof recordOf>>;
  let files: Record<string, Uint8Array>;
  let response: Response;
  const text = (name: string) => strFromU8(files[name]!);
  const json = <T = unknown>(name: string) => JSON.parse(text(name)) as T;

  beforeAll(async () => {
    patient = await person("PATIENT", "Maya Exportova");
    other = await person("PATIENT", "Otto Otherpatient");
    treating = await doctor("Dr. Export Reader");
    record = await recordOf(patient, treating, "Maya");
    await recordOf(other, treating, "Otto");
    // The doctor reads Maya's record: the chart, the notes and the documents.
    await asActor(treating.actor, () => chartHeaderOf(treating.actor, patient.id));
    await asActor(treating.actor, () => notesOfPatient(treating.actor, patient.id));
    await asActor(treating.actor, () => documentsOfPatient(treating.actor, patient.id));

    response = await callRoute(patient.actor);
    files = unzipSync(new Uint8Array(await response.arrayBuffer()));
  }, 120_000);

  it("answers with a zip to save, never cached", () => {
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="haven-export-\d{4}-\d{2}-\d{2}\.zip"$/,
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  it("holds every file: README, the JSON files, the prescription PDF and the document", () => {
    const names = Object.keys(files);
    for (const name of [
      "README.txt",
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
    ]) {
      expect(names).toContain(name);
    }
    expect(names.filter((name) => name.startsWith("prescriptions/"))).toHaveLength(1);
    expect(names.filter((name) => name.startsWith("documents/"))).toHaveLength(1);
    expect(text("README.txt")).toContain("Maya Exportova");
  });

  it("has the profile, visits, the signed note with its amendment (not the draft) and the messages", () => {
    expect(json<{ profile: { fullName: string } }>("profile.json").profile.fullName).toBe("Maya Exportova");
    const visits = json<{ id: string; doctor: string; reason: string; status: string }[]>("visits.json");
    expect(visits).toEqual([
      expect.objectContaining({
        id: record.visit.id,
        doctor: "Dr. Export Reader",
        reason: "Follow-up",
        status: "Completed",
      }),
    ]);
    const notes = json<{ id: string; subjective: string; amendments: { text: string }[] }[]>("notes.json");
    expect(notes.map((note) => note.id)).toEqual([record.noteId]);
    expect(notes[0]!.subjective).toBe("Maya reports a cough");
    expect(notes[0]!.amendments.map((amendment) => amendment.text)).toEqual(["Maya amended: no fever"]);
    expect(text("notes.json")).not.toContain("draft never signed");

    const [thread] =
      json<{ doctor: string; messages: { from: string; text: string | null; retracted: boolean }[] }[]>(
        "messages.json",
      );
    expect(thread!.doctor).toBe("Dr. Export Reader");
    expect(thread!.messages.map((message) => [message.from, message.text, message.retracted])).toEqual([
      ["you", "Maya hello doctor", false],
      ["Dr. Export Reader", null, true],
      ["Dr. Export Reader", "Maya get well", false],
    ]);
    expect(text("messages.json")).not.toContain("retracted words");
  });

  it("has the prescription as JSON and as the PDF the patient downloads", () => {
    const [prescription] =
      json<{ id: string; pdf: string; items: { medicine: string }[] }[]>("prescriptions.json");
    expect(prescription!.id).toBe(record.prescriptionId);
    expect(prescription!.items[0]!.medicine).toBe("Amoxicillin");
    const pdf = files[prescription!.pdf]!;
    expect(strFromU8(pdf.subarray(0, 5))).toBe("%PDF-");
  });

  it("has the document byte for byte as uploaded, under a name that stays in its folder", () => {
    const [document] = json<{ id: string; file: string; fileName: string }[]>("documents.json");
    expect(document!.id).toBe(record.document.id);
    expect(document!.fileName).toBe("Maya lab.pdf"); // as the upload kept it (no folders)
    expect(document!.file).toBe(`documents/${record.document.id.slice(0, 8)}-Maya lab.pdf`);
    expect(sha256(files[document!.file]!)).toBe(sha256(record.bytes));
  });

  it("lists the doctor's reads of the record by name, not the patient's own", () => {
    const reads = json<{ who: string; role: string; action: string; what: string }[]>("record-access.json");
    expect(reads.length).toBeGreaterThanOrEqual(3);
    expect(new Set(reads.map((read) => read.who))).toEqual(new Set(["Dr. Export Reader"]));
    expect(reads.map((read) => read.action)).toContain("Opened your chart");
    expect(reads.map((read) => read.what)).toEqual(expect.arrayContaining(["consultation note", "document"]));
  });

  it("holds no ciphertext, file key, storage key, nor anything of another patient", async () => {
    const [stored] = await runSql<{ storage_key: string; file_name: string }>(
      databaseUrl,
      "SELECT storage_key, file_name FROM documents WHERE id = $1",
      [record.document.id],
    );
    const { fileKey } = await asActor(patient.actor, () =>
      getDb().document.findUniqueOrThrow({ where: { id: record.document.id }, select: { fileKey: true } }),
    );
    const everything = Object.values(files)
      .map((bytes) => Buffer.from(bytes).toString("latin1"))
      .join("\n");
    const readable = Object.entries(files)
      .filter(([name]) => !name.endsWith(".pdf"))
      .map(([, bytes]) => strFromU8(bytes))
      .join("\n");
    expect(readable).not.toMatch(/"v\d+:[A-Za-z0-9+/=_-]{16,}/); // an envelope
    expect(readable).not.toContain(stored!.file_name);
    expect(everything).not.toContain(stored!.storage_key);
    expect(everything).not.toContain(fileKey);
    for (const word of ["Otto", other.id, other.email]) expect(everything).not.toContain(word);
    expect(readable).not.toMatch(/passwordHash|password_hash|mfaSecret|fileKey|storageKey/);
  });

  it("is recorded as a completed export request with its counts, and audited with ids and counts", async () => {
    const requests = await runSql<{ id: string; status: string; outcome: Record<string, number> }>(
      databaseUrl,
      "SELECT id, status::text AS status, outcome FROM data_requests WHERE patient_id = $1 AND kind = 'EXPORT'",
      [patient.id],
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ status: "COMPLETED" });
    expect(requests[0]!.outcome).toMatchObject({
      "visits.json": 1,
      "notes.json": 1,
      "prescriptions/": 1,
      "documents/": 1,
      "messages.json": 3,
    });
    const steps = await runSql<{ to_status: string }>(
      databaseUrl,
      "SELECT to_status::text FROM data_request_events WHERE request_id = $1 ORDER BY at, to_status",
      [requests[0]!.id],
    );
    expect(steps.map((step) => step.to_status).sort()).toEqual(["COMPLETED", "RECEIVED"]);

    const audit = await runSql<{
      action: string;
      actor_id: string;
      actor_role: string;
      resource_id: string;
      subject_id: string;
      details: Record<string, unknown>;
      outcome: string;
      sequence: string;
      occurred_at: Date;
      resource_type: string;
    }>(
      databaseUrl,
      `SELECT action, actor_id::text, actor_role, resource_id, resource_type, subject_id::text, details,
              outcome::text, sequence::text, occurred_at
         FROM audit_log WHERE action = 'rights.export.downloaded' AND actor_id = $1`,
      [patient.id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      resource_id: requests[0]!.id,
      subject_id: patient.id,
      outcome: "SUCCESS",
    });
    expect(Object.values(audit[0]!.details).every((value) => typeof value === "number")).toBe(true);

    // The security monitor's rules raise nothing for a patient downloading their own data.
    const rows: StreamRow[] = audit.map((row) => ({
      sealSequence: BigInt(row.sequence),
      sequence: BigInt(row.sequence),
      occurredAt: row.occurred_at,
      actorId: row.actor_id,
      actorRole: row.actor_role,
      action: row.action,
      resourceType: row.resource_type,
      resourceId: row.resource_id,
      outcome: row.outcome,
      ip: null,
      subjectId: row.subject_id,
      details: row.details,
    }));
    const evaluated = evaluateRows(rows, {
      failedSignIns: { threshold: 10, windowMinutes: 15 },
      chartReadBurst: { threshold: 20, windowMinutes: 10 },
      bulkExport: { rows: 1, perHour: 1 },
      workHours: { start: 0, end: 24 * 60, timeZone: "UTC" },
    });
    expect(evaluated).toEqual({ matches: [], checks: [] });
  });

  it("gives a doctor, an admin and a visitor the same 404, audited", async () => {
    const admin = await person("ADMIN");
    for (const actor of [treating.actor, admin.actor, undefined]) {
      const refused = await callRoute(actor);
      expect(refused.status).toBe(404);
      expect(refused.headers.get("content-type")).toContain("application/json");
    }
    const [denials] = await runSql<{ n: string }>(
      databaseUrl,
      `SELECT count(*) AS n FROM audit_log
        WHERE action = 'authz.denied' AND resource_type = 'DataRequest' AND actor_id = ANY($1::uuid[])`,
      [[treating.id, admin.id]],
    );
    expect(Number(denials!.n)).toBe(2);
  });

  it(`allows ${EXPORTS_PER_HOUR} exports an hour, then answers 429 with when to try again`, async () => {
    const busy = await person("PATIENT", "Bea Busy");
    for (let attempt = 0; attempt < EXPORTS_PER_HOUR; attempt += 1) {
      const file = await asActor(busy.actor, () => exportPatientData(busy.actor));
      await file.stream.cancel();
    }
    const error = await appErrorOf(asActor(busy.actor, () => exportPatientData(busy.actor)));
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.message).toMatch(
      /You can download your data \d+ times an hour\. Try again in \d+ minutes?\./,
    );
    const refused = await callRoute(busy.actor);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    const [requests] = await runSql<{ n: string }>(
      databaseUrl,
      "SELECT count(*) AS n FROM data_requests WHERE patient_id = $1",
      [busy.id],
    );
    expect(Number(requests!.n)).toBe(EXPORTS_PER_HOUR);
  }, 120_000);
});
