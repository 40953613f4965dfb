// Corrections, the admins' request queue and legal holds against a real PostgreSQL: a correction
// goes to the author of the record (else the latest treating doctor, else the admins); only the
// assignee reads and answers it (anyone else: an audited 404); the patient reads the answer and may
// add one statement of disagreement; a legal hold pauses erasure requests and its release resumes
// them; the patient's words, the answers and the hold's reasons are ciphertext at rest; the steps
// cannot be changed.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, transaction } from "@/lib/db/client";
import { createNoteDraft, signNote } from "@/lib/domain/clinical/notes";
import {
  addDisagreementStatement,
  answerCorrection,
  assignCorrection,
  correctionForDoctor,
  correctionTargetsOf,
  correctionsOfDoctor,
  requestCorrection,
  requestsOfPatient,
  treatingDoctorsOf,
} from "@/lib/domain/patient-rights/corrections";
import { placeLegalHold, releaseLegalHold } from "@/lib/domain/patient-rights/legal-hold";
import {
  listRequests,
  markErasureInProgress,
  rejectRequest,
  requestForAdmin,
} from "@/lib/domain/patient-rights/queue";
import { openRequest } from "@/lib/domain/patient-rights/requests";
import { requestCorrectionSchema } from "@/lib/domain/patient-rights/schemas";
import { appErrorOf, asActor } from "../support/actors";
import { type Person, careVisit, denialsOf, person } from "../support/care";
import { runSql } from "../support/database";

const databaseUrl = process.env.DATABASE_URL!;
afterAll(() => disconnectDb());

const REQUEST_TEXT = "The plan says ibuprofen twice daily; we agreed on paracetamol only.";
const DECLINE_TEXT = "The note records what was agreed at the visit: ibuprofen, with food.";
const STATEMENT_TEXT = "I still disagree: I told the doctor ibuprofen upsets my stomach.";

const ask = (patient: Person, target: string, details = REQUEST_TEXT) =>
  asActor(patient.actor, () =>
    requestCorrection(patient.actor, requestCorrectionSchema.parse({ target, details })),
  );

const assigneeOf = async (requestId: string) =>
  (
    await runSql<{ assignee_id: string | null }>(
      databaseUrl,
      "SELECT assignee_id::text FROM data_requests WHERE id = $1",
      [requestId],
    )
  )[0]!.assignee_id;

const statusOf = async (requestId: string) =>
  (
    await runSql<{ status: string }>(databaseUrl, "SELECT status::text FROM data_requests WHERE id = $1", [
      requestId,
    ])
  )[0]!.status;

const stepsOf = async (requestId: string) =>
  (
    await runSql<{ step: string; to_status: string }>(
      databaseUrl,
      "SELECT step, to_status::text FROM data_request_events WHERE request_id = $1 ORDER BY at, step",
      [requestId],
    )
  ).map((row) => `${row.step} → ${row.to_status}`);

describe("corrections", () => {
  let author: Person;
  let latestDoctor: Person;
  let patient: Person;
  let otherPatient: Person;
  let admin: Person;
  let noteId: string;
  let noteRequestId: string;

  beforeAll(async () => {
    author = await person("DOCTOR");
    latestDoctor = await person("DOCTOR");
    patient = await person("PATIENT");
    otherPatient = await person("PATIENT");
    admin = await person("ADMIN");
    // Visits that took place: the second doctor saw the patient last.
    const seen = async (doctorId: string, daysAgo: number) => {
      const { id } = await careVisit(doctorId, patient.id, "COMPLETED");
      await runSql(
        databaseUrl,
        `UPDATE appointments SET starts_at = now() - make_interval(days => $2), ends_at = now() - make_interval(days => $2) + interval '30 minutes' WHERE id = $1`,
        [id, daysAgo],
      );
    };
    await seen(author.id, 20);
    await seen(latestDoctor.id, 2);
    noteId = await asActor(author.actor, () =>
      createNoteDraft(author.actor, patient.id, { plan: "Ibuprofen 400 mg twice daily with food." }),
    );
    await asActor(author.actor, () => signNote(author.actor, noteId));
  });

  it("lists the patient's own signed notes to choose from, and routes a note's correction to its author", async () => {
    const targets = await asActor(patient.actor, () => correctionTargetsOf(patient.actor));
    expect(targets.map((target) => target.id)).toContain(noteId);
    expect(await asActor(otherPatient.actor, () => correctionTargetsOf(otherPatient.actor))).toEqual([]);

    const receipt = await ask(patient, `note:${noteId}`);
    noteRequestId = receipt.id;
    // The author, although another doctor saw the patient more recently.
    expect(await assigneeOf(receipt.id)).toBe(author.id);
    expect(receipt.dueAt.getTime() - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(await stepsOf(receipt.id)).toEqual(["received → RECEIVED"]);
  });

  it("routes a correction of the profile to the doctor of the most recent visit", async () => {
    const receipt = await ask(patient, "profile", "My allergies should list latex: it gives me hives.");
    expect(await assigneeOf(receipt.id)).toBe(latestDoctor.id);
  });

  it("refuses another patient's note as the target (field error, audited refusal), creating nothing", async () => {
    const before = await denialsOf(noteId);
    const error = await appErrorOf(ask(otherPatient, `note:${noteId}`));
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.details.fields?.[0]?.field).toBe("target");
    expect(await denialsOf(noteId)).toBe(before + 1);
    const [count] = await runSql<{ n: string }>(
      databaseUrl,
      "SELECT count(*) AS n FROM data_requests WHERE patient_id = $1",
      [otherPatient.id],
    );
    expect(Number(count!.n)).toBe(0);
  });

  it("shows the correction to its assignee only: another doctor, a patient or an admin get an audited 404", async () => {
    const inbox = await asActor(author.actor, () => correctionsOfDoctor(author.actor));
    expect(inbox.open.map((row) => row.id)).toContain(noteRequestId);
    const seen = await asActor(author.actor, () => correctionForDoctor(author.actor, noteRequestId));
    expect(seen).toMatchObject({
      request: REQUEST_TEXT,
      targetType: "note",
      targetId: noteId,
      patientName: "Noor Test",
    });
    expect(
      (await asActor(latestDoctor.actor, () => correctionsOfDoctor(latestDoctor.actor))).open.map(
        (r) => r.id,
      ),
    ).not.toContain(noteRequestId);

    const before = await denialsOf(noteRequestId);
    for (const intruder of [latestDoctor, patient, otherPatient, admin]) {
      const error = await appErrorOf(
        asActor(intruder.actor, () => correctionForDoctor(intruder.actor, noteRequestId)),
      );
      expect(error.code, intruder.actor.role).toBe("NOT_FOUND");
    }
    expect(await denialsOf(noteRequestId)).toBe(before + 4);
    // A request id that does not exist looks the same.
    expect(
      (await appErrorOf(asActor(author.actor, () => correctionForDoctor(author.actor, randomUUID())))).code,
    ).toBe("NOT_FOUND");
  });

  it("lets only the assignee answer; the patient reads the refusal and adds one statement of disagreement", async () => {
    const answer = { requestId: noteRequestId, answer: "DECLINED" as const, resolution: DECLINE_TEXT };
    for (const intruder of [latestDoctor, patient, admin]) {
      const error = await appErrorOf(asActor(intruder.actor, () => answerCorrection(intruder.actor, answer)));
      expect(error.code).toBe("NOT_FOUND");
    }
    expect(await statusOf(noteRequestId)).toBe("RECEIVED");

    await asActor(author.actor, () => answerCorrection(author.actor, answer));
    expect(await statusOf(noteRequestId)).toBe("REJECTED");
    expect((await appErrorOf(asActor(author.actor, () => answerCorrection(author.actor, answer)))).code).toBe(
      "CONFLICT",
    );

    const mine = await asActor(patient.actor, () => requestsOfPatient(patient.actor));
    const declined = mine.find((request) => request.id === noteRequestId)!;
    expect(declined).toMatchObject({ status: "REJECTED", resolution: DECLINE_TEXT, canAddStatement: true });
    expect(await asActor(otherPatient.actor, () => requestsOfPatient(otherPatient.actor))).toEqual([]);

    const statement = { requestId: noteRequestId, statement: STATEMENT_TEXT };
    expect(
      (
        await appErrorOf(
          asActor(otherPatient.actor, () => addDisagreementStatement(otherPatient.actor, statement)),
        )
      ).code,
    ).toBe("NOT_FOUND");
    await asActor(patient.actor, () => addDisagreementStatement(patient.actor, statement));
    expect(
      (await appErrorOf(asActor(patient.actor, () => addDisagreementStatement(patient.actor, statement))))
        .code,
    ).toBe("CONFLICT");

    const after = (await asActor(patient.actor, () => requestsOfPatient(patient.actor))).find(
      (r) => r.id === noteRequestId,
    )!;
    expect(after).toMatchObject({ request: REQUEST_TEXT, statement: STATEMENT_TEXT, canAddStatement: false });
    const doctorView = await asActor(author.actor, () => correctionForDoctor(author.actor, noteRequestId));
    expect(doctorView).toMatchObject({
      request: REQUEST_TEXT,
      statement: STATEMENT_TEXT,
      resolution: DECLINE_TEXT,
    });
    expect(await stepsOf(noteRequestId)).toEqual([
      "received → RECEIVED",
      "declined by the doctor → REJECTED",
      "statement of disagreement added → REJECTED",
    ]);
  });

  it("keeps the patient's words and the answer as ciphertext, and audits ids only", async () => {
    const [raw] = await runSql<{ details: string; resolution: string }>(
      databaseUrl,
      "SELECT details, resolution FROM data_requests WHERE id = $1",
      [noteRequestId],
    );
    for (const value of [raw!.details, raw!.resolution]) {
      expect(value).toMatch(/^v2:/);
      for (const text of [REQUEST_TEXT, DECLINE_TEXT, STATEMENT_TEXT])
        expect(value).not.toContain(text.slice(0, 20));
    }
    const audit = await runSql<{ action: string; subject_id: string | null; details: unknown }>(
      databaseUrl,
      "SELECT action, subject_id::text, details FROM audit_log WHERE resource_type = 'DataRequest' AND resource_id = $1 ORDER BY sequence",
      [noteRequestId],
    );
    expect(audit.map((row) => row.action)).toEqual(
      expect.arrayContaining([
        "rights.request.received",
        "rights.correction.viewed",
        "rights.request.rejected",
        "rights.request.statement-added",
      ]),
    );
    expect(
      audit.filter((row) => row.action.startsWith("rights.")).every((row) => row.subject_id === patient.id),
    ).toBe(true);
    expect(JSON.stringify(audit)).not.toMatch(/ibuprofen|paracetamol/i);
  });

  it("refuses any change to a request's steps, even by SQL", async () => {
    await expect(
      runSql(databaseUrl, "UPDATE data_request_events SET step = 'rewritten' WHERE request_id = $1", [
        noteRequestId,
      ]),
    ).rejects.toThrow(/append-only/);
    await expect(
      runSql(databaseUrl, "DELETE FROM data_request_events WHERE request_id = $1", [noteRequestId]),
    ).rejects.toThrow(/append-only/);
  });

  it("leaves a correction with no treating doctor to the admins, who assign a doctor who treats the patient", async () => {
    const newcomer = await person("PATIENT");
    const receipt = await ask(
      newcomer,
      "other",
      "My name is misspelt on the visit invoice: it is Noor, not Nour.",
    );
    expect(receipt.assigneeName).toBeNull();
    expect(await assigneeOf(receipt.id)).toBeNull();
    const queue = await asActor(admin.actor, () =>
      listRequests(admin.actor, { status: null, kind: "CORRECTION" }),
    );
    expect(queue.find((entry) => entry.id === receipt.id)).toMatchObject({
      unassigned: true,
      status: "RECEIVED",
    });

    // A doctor who does not treat the patient cannot be assigned; one who does can.
    const assign = { requestId: receipt.id, doctorId: author.id };
    expect((await appErrorOf(asActor(admin.actor, () => assignCorrection(admin.actor, assign)))).code).toBe(
      "VALIDATION_FAILED",
    );
    await careVisit(author.id, newcomer.id, "CONFIRMED");
    expect(await treatingDoctorsOf(newcomer.id)).toEqual([{ id: author.id, name: "Doctor" }]);
    expect((await appErrorOf(asActor(author.actor, () => assignCorrection(author.actor, assign)))).code).toBe(
      "NOT_FOUND",
    );
    await asActor(admin.actor, () => assignCorrection(admin.actor, assign));
    expect(await assigneeOf(receipt.id)).toBe(author.id);
    expect(await stepsOf(receipt.id)).toEqual([
      "received → RECEIVED",
      "assigned to a treating doctor → RECEIVED",
    ]);

    const detail = await asActor(admin.actor, () => requestForAdmin(admin.actor, receipt.id));
    expect(detail).toMatchObject({
      patientId: newcomer.id,
      patientEmail: newcomer.email,
      assigneeId: author.id,
    });
    expect(detail.steps.map((step) => step.step)).toEqual(["received", "assigned to a treating doctor"]);
    expect(detail).not.toHaveProperty("details");
    for (const intruder of [author, newcomer]) {
      expect(
        (await appErrorOf(asActor(intruder.actor, () => requestForAdmin(intruder.actor, receipt.id)))).code,
      ).toBe("NOT_FOUND");
    }

    await asActor(admin.actor, () =>
      rejectRequest(admin.actor, { requestId: receipt.id, reason: "A duplicate of your request by letter." }),
    );
    expect(await statusOf(receipt.id)).toBe("REJECTED");
  });
});

describe("legal holds", () => {
  let admin: Person;
  let patient: Person;
  let erasureId: string;
  const REASON = "Litigation hold: malpractice claim filed by the patient's family, case 2026-114.";

  beforeAll(async () => {
    admin = await person("ADMIN");
    patient = await person("PATIENT");
    erasureId = (
      await asActor(patient.actor, () =>
        transaction(() => openRequest({ patientId: patient.id, kind: "ERASURE", actorId: patient.id })),
      )
    ).id;
  });

  it("moves the patient's open erasure requests ON_HOLD while a hold is active, and back when it is released", async () => {
    const doctor = await person("DOCTOR");
    expect(
      (await appErrorOf(asActor(doctor.actor, () => placeLegalHold(doctor.actor, patient.id, REASON)))).code,
    ).toBe("NOT_FOUND");
    // Only patients are held.
    expect(
      (await appErrorOf(asActor(admin.actor, () => placeLegalHold(admin.actor, doctor.id, REASON)))).code,
    ).toBe("NOT_FOUND");

    const hold = await asActor(admin.actor, () => placeLegalHold(admin.actor, patient.id, REASON));
    expect(hold.heldRequests).toBe(1);
    expect(await statusOf(erasureId)).toBe("ON_HOLD");
    expect(
      (await appErrorOf(asActor(admin.actor, () => placeLegalHold(admin.actor, patient.id, REASON)))).code,
    ).toBe("CONFLICT");
    expect(
      (await appErrorOf(asActor(admin.actor, () => markErasureInProgress(admin.actor, erasureId)))).code,
    ).toBe("CONFLICT");
    const detail = await asActor(admin.actor, () => requestForAdmin(admin.actor, erasureId));
    expect(detail.legalHold?.id).toBe(hold.id);

    const [raw] = await runSql<{ reason: string }>(
      databaseUrl,
      "SELECT reason FROM legal_holds WHERE id = $1",
      [hold.id],
    );
    expect(raw!.reason).toMatch(/^v2:/);
    expect(raw!.reason).not.toContain("malpractice");

    expect(
      (
        await appErrorOf(
          asActor(doctor.actor, () => releaseLegalHold(doctor.actor, hold.id, "Claim withdrawn in court.")),
        )
      ).code,
    ).toBe("NOT_FOUND");
    const released = await asActor(admin.actor, () =>
      releaseLegalHold(admin.actor, hold.id, "Claim withdrawn in court."),
    );
    expect(released.resumedRequests).toBe(1);
    expect(await statusOf(erasureId)).toBe("RECEIVED");
    expect(
      (
        await appErrorOf(
          asActor(admin.actor, () => releaseLegalHold(admin.actor, hold.id, "Claim withdrawn in court.")),
        )
      ).code,
    ).toBe("CONFLICT");
    expect(await stepsOf(erasureId)).toEqual([
      "received → RECEIVED",
      "legal hold placed → ON_HOLD",
      "legal hold released → RECEIVED",
    ]);

    const audit = await runSql<{ action: string; subject_id: string; details: unknown }>(
      databaseUrl,
      "SELECT action, subject_id::text, details FROM audit_log WHERE resource_type = 'LegalHold' AND resource_id = $1 AND action LIKE 'legal-hold.%' ORDER BY sequence",
      [hold.id],
    );
    expect(audit.map((row) => [row.action, row.subject_id])).toEqual([
      ["legal-hold.placed", patient.id],
      ["legal-hold.released", patient.id],
    ]);
    expect(JSON.stringify(audit)).not.toMatch(/malpractice|withdrawn/);

    // Released: the erasure may start again.
    await asActor(admin.actor, () => markErasureInProgress(admin.actor, erasureId));
    expect(await statusOf(erasureId)).toBe("IN_PROGRESS");
  });
});
