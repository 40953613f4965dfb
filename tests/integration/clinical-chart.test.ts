// The chart's own reads against a real PostgreSQL: the treating doctor sees who
// the patient is and every visit; another patient, a doctor without a visit (or
// with only a hold cancelled before confirmation) and an admin get a 404 that is
// audited; a doctor's patient list holds exactly their patients.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb } from "@/lib/db/client";
import { chartHeaderOf, patientsOfDoctor } from "@/lib/domain/clinical/chart";
import { appErrorOf, asActor } from "../support/actors";
import { type Person, careVisit, denialsOf, person } from "../support/care";

afterAll(() => disconnectDb());

describe("the chart", () => {
  let doctor: Person;
  let patient: Person;
  let visitId: string;
  beforeAll(async () => {
    doctor = await person("DOCTOR");
    patient = await person("PATIENT", "Ananya Sharma");
    visitId = (await careVisit(doctor.id, patient.id, "COMPLETED")).id;
  });

  it("shows the treating doctor the patient and their visits, with reasons", async () => {
    const chart = await asActor(doctor.actor, () => chartHeaderOf(doctor.actor, patient.id));
    expect(chart.fullName).toBe("Ananya Sharma");
    expect(chart.visits.map((v) => [v.id, v.reason, v.status])).toEqual([
      [visitId, "Follow-up", "COMPLETED"],
    ]);
  });

  it("answers 404, audited, to another patient, a doctor without a visit, a cancelled hold, an admin", async () => {
    const heldOnly = await person("DOCTOR");
    await careVisit(heldOnly.id, patient.id, "CANCELLED", false);
    for (const outsider of [
      await person("PATIENT"),
      await person("DOCTOR"),
      heldOnly,
      await person("ADMIN"),
    ]) {
      const before = await denialsOf(patient.id);
      const error = await appErrorOf(
        asActor(outsider.actor, () => chartHeaderOf(outsider.actor, patient.id)),
      );
      expect(error.code).toBe("NOT_FOUND");
      expect(await denialsOf(patient.id)).toBe(before + 1);
    }
  });

  it("lists a doctor's patients only: a hold cancelled before confirmation is not a patient", async () => {
    const other = await person("PATIENT", "Not Theirs");
    await careVisit(doctor.id, other.id, "CANCELLED", false);
    const patients = await asActor(doctor.actor, () => patientsOfDoctor(doctor.actor));
    expect(patients.map((p) => [p.patientId, p.fullName])).toEqual([[patient.id, "Ananya Sharma"]]);
    expect(patients[0]?.lastVisit).toBeNull(); // the visit is in 2031
    expect(patients[0]?.nextVisit).toBeInstanceOf(Date);
  });
});
