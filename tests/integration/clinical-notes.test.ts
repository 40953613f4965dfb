// Consultation notes against a real PostgreSQL: only treating doctors write,
// drafts stay with their author, a signed note never changes (service and
// database), amendments are appended, everything is ciphertext at rest and
// audited, and everyone else gets a 404 that is itself audited.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/client";
import {
  amendNote,
  createNoteDraft,
  noteFor,
  notesOfPatient,
  signNote,
  updateNoteDraft,
} from "@/lib/domain/clinical/notes";
import { appErrorOf, asActor } from "../support/actors";
import { runSql } from "../support/database";
import { type Person, careVisit as visit, denialsOf as denials, person } from "../support/care";

const databaseUrl = process.env.DATABASE_URL!;
afterAll(() => disconnectDb());

describe("consultation notes", () => {
  let doctor: Person;
  let patient: Person;
  let visitId: string;
  beforeAll(async () => {
    doctor = await person("DOCTOR");
    patient = await person("PATIENT");
    visitId = (await visit(doctor.id, patient.id, "COMPLETED", true)).id;
  });

  const SOAP = {
    subjective: "Headache for three days, worse with screens",
    objective: "BP 128/82, no neurological deficit",
    assessment: "Tension-type headache",
    plan: "Ibuprofen 400 mg as needed; review in two weeks",
  };

  it("lets the treating doctor draft, change and sign a note; stored as ciphertext; every step audited", async () => {
    const id = await asActor(doctor.actor, () =>
      createNoteDraft(doctor.actor, patient.id, { appointmentId: visitId, subjective: SOAP.subjective }),
    );
    await asActor(doctor.actor, () =>
      updateNoteDraft(doctor.actor, id, {
        objective: SOAP.objective,
        assessment: SOAP.assessment,
        plan: SOAP.plan,
      }),
    );
    // The patient does not see a draft; the doctor does.
    expect(await asActor(patient.actor, () => notesOfPatient(patient.actor, patient.id))).toEqual([]);
    await asActor(doctor.actor, () => signNote(doctor.actor, id));

    const seen = await asActor(patient.actor, () => noteFor(patient.actor, id));
    expect(seen).toMatchObject({ ...SOAP, status: "SIGNED", appointmentId: visitId });
    expect(seen.signedAt).toBeInstanceOf(Date);

    const [raw] = await runSql<Record<string, string>>(
      databaseUrl,
      "SELECT subjective, objective, assessment, plan FROM clinical_notes WHERE id = $1",
      [id],
    );
    for (const [field, value] of Object.entries(raw!)) {
      expect(value, field).not.toContain(SOAP[field as keyof typeof SOAP].slice(0, 12));
      expect(value, field).toMatch(/^v2:/);
    }
    const actions = await runSql<{ action: string; details: { fields?: string[] } | null }>(
      databaseUrl,
      "SELECT action, details FROM audit_log WHERE resource_type = 'ClinicalNote' AND resource_id = $1 ORDER BY sequence",
      [id],
    );
    const names = actions.map((row) => row.action);
    expect(names).toEqual(
      expect.arrayContaining(["note.created", "note.updated", "note.signed", "phi.read"]),
    );
    const updated = actions.find((row) => row.action === "note.updated");
    expect(updated?.details?.fields).toEqual(["objective", "assessment", "plan"]);
    expect(JSON.stringify(actions)).not.toContain("Ibuprofen");
  });

  it("never changes a signed note: the service refuses, and so does the database; amendments are appended in order", async () => {
    const id = await asActor(doctor.actor, () => createNoteDraft(doctor.actor, patient.id, SOAP));
    await asActor(doctor.actor, () => signNote(doctor.actor, id));

    const refused = await appErrorOf(
      asActor(doctor.actor, () => updateNoteDraft(doctor.actor, id, { plan: "Changed" })),
    );
    expect(refused.code).toBe("CONFLICT");
    expect((await appErrorOf(asActor(doctor.actor, () => signNote(doctor.actor, id)))).code).toBe("CONFLICT");
    // Even a direct UPDATE or DELETE, by the table's owner, is refused by the trigger.
    await expect(
      runSql(databaseUrl, "UPDATE clinical_notes SET plan = 'tampered' WHERE id = $1", [id]),
    ).rejects.toThrow(/signed and cannot be changed/);
    await expect(
      runSql(databaseUrl, "UPDATE clinical_notes SET status = 'DRAFT', signed_at = NULL WHERE id = $1", [id]),
    ).rejects.toThrow(/signed and cannot be changed/);
    await expect(runSql(databaseUrl, "DELETE FROM clinical_notes WHERE id = $1", [id])).rejects.toThrow(
      /signed and cannot be changed/,
    );

    const first = await asActor(doctor.actor, () =>
      amendNote(doctor.actor, id, "Dose corrected: ibuprofen 200 mg"),
    );
    await asActor(doctor.actor, () => amendNote(doctor.actor, id, "Review moved to one week"));
    const note = await asActor(doctor.actor, () => noteFor(doctor.actor, id));
    expect(note.plan).toBe(SOAP.plan);
    expect(note.amendments.map((amendment) => amendment.text)).toEqual([
      "Dose corrected: ibuprofen 200 mg",
      "Review moved to one week",
    ]);
    await expect(
      runSql(databaseUrl, "UPDATE note_amendments SET text = 'x' WHERE id = $1", [first]),
    ).rejects.toThrow(/cannot be changed or deleted/);
    await expect(runSql(databaseUrl, "DELETE FROM note_amendments WHERE id = $1", [first])).rejects.toThrow(
      /cannot be changed or deleted/,
    );
    const [raw] = await runSql<{ text: string }>(
      databaseUrl,
      "SELECT text FROM note_amendments WHERE id = $1",
      [first],
    );
    expect(raw!.text).not.toContain("ibuprofen");
    const amended = await runSql(
      databaseUrl,
      "SELECT 1 FROM audit_log WHERE action = 'note.amended' AND resource_id = $1",
      [id],
    );
    expect(amended).toHaveLength(2);
    // A draft cannot be amended; an empty correction is refused.
    const draft = await asActor(doctor.actor, () => createNoteDraft(doctor.actor, patient.id, {}));
    expect(
      (await appErrorOf(asActor(doctor.actor, () => amendNote(doctor.actor, draft, "Too early")))).code,
    ).toBe("CONFLICT");
    expect((await appErrorOf(asActor(doctor.actor, () => amendNote(doctor.actor, id, "  ")))).code).toBe(
      "VALIDATION_FAILED",
    );
  });

  it("answers 404, audited, to another patient, a doctor without a visit, a hold cancelled before confirmation, an admin", async () => {
    const id = await asActor(doctor.actor, () => createNoteDraft(doctor.actor, patient.id, SOAP));
    await asActor(doctor.actor, () => signNote(doctor.actor, id));
    const otherPatient = await person("PATIENT");
    const stranger = await person("DOCTOR");
    const heldOnly = await person("DOCTOR");
    await visit(heldOnly.id, patient.id, "CANCELLED", false);
    const admin = await person("ADMIN");

    for (const outsider of [otherPatient, stranger, heldOnly, admin]) {
      const before = await denials(id);
      const read = await appErrorOf(asActor(outsider.actor, () => noteFor(outsider.actor, id)));
      expect(read.code, outsider.actor.role).toBe("NOT_FOUND");
      expect(await denials(id)).toBe(before + 1);
      expect(
        (await appErrorOf(asActor(outsider.actor, () => notesOfPatient(outsider.actor, patient.id)))).code,
      ).toBe("NOT_FOUND");
      expect(
        (await appErrorOf(asActor(outsider.actor, () => amendNote(outsider.actor, id, "Not mine")))).code,
      ).toBe("NOT_FOUND");
      expect(
        (await appErrorOf(asActor(outsider.actor, () => createNoteDraft(outsider.actor, patient.id, SOAP))))
          .code,
      ).toBe("NOT_FOUND");
    }
    // A note id that does not exist looks the same.
    const missing = randomUUID();
    expect((await appErrorOf(asActor(doctor.actor, () => noteFor(doctor.actor, missing)))).code).toBe(
      "NOT_FOUND",
    );
    expect(await denials(missing)).toBe(1);
    // The patient cannot write into their own chart's notes.
    expect(
      (await appErrorOf(asActor(patient.actor, () => createNoteDraft(patient.actor, patient.id, SOAP)))).code,
    ).toBe("NOT_FOUND");
  });

  it("keeps the care relationship after a confirmed visit is cancelled, and drafts private to their author", async () => {
    const colleague = await person("DOCTOR");
    await visit(colleague.id, patient.id, "CANCELLED", true);
    const draft = await asActor(doctor.actor, () => createNoteDraft(doctor.actor, patient.id, SOAP));
    const colleagueNotes = await asActor(colleague.actor, () => notesOfPatient(colleague.actor, patient.id));
    expect(colleagueNotes.length).toBeGreaterThan(0);
    expect(colleagueNotes.every((note) => note.status === "SIGNED")).toBe(true);
    expect((await appErrorOf(asActor(colleague.actor, () => noteFor(colleague.actor, draft)))).code).toBe(
      "NOT_FOUND",
    );
    expect(
      (
        await appErrorOf(
          asActor(colleague.actor, () => updateNoteDraft(colleague.actor, draft, { plan: "Mine now" })),
        )
      ).code,
    ).toBe("NOT_FOUND");
  });
});
