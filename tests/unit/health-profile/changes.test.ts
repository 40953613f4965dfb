import { describe, expect, it } from "vitest";
import { changedFields, pickChanges } from "@/lib/domain/health-profile/changes";
import {
  ageOn,
  formatIsoDate,
  isRealDate,
  latestDateOnEarth,
  todayIn,
} from "@/lib/domain/health-profile/dates";
import { splitMedications } from "@/lib/domain/health-profile/medication-lists";
import { canEditHealthRecord } from "@/lib/domain/health-profile/policy";
import { PROFILE_FIELDS } from "@/lib/domain/health-profile/schemas";

describe("change detection", () => {
  const stored = {
    fullName: "Maya Patel",
    dateOfBirth: "1988-04-12",
    phone: null,
    address: "221 Orchard Street",
    medicalHistory: null,
    allergies: "Penicillin",
    emergencyContact: null,
    country: "US",
  };

  it("names only the fields whose value changed", () => {
    expect(
      changedFields(PROFILE_FIELDS, stored, {
        ...stored,
        allergies: "Penicillin, latex",
        phone: "+1 555 010 0101",
        address: null,
      }),
    ).toEqual(["phone", "address", "allergies"]);
  });

  it("finds nothing when the same values are saved again, and treats empty as no value", () => {
    expect(changedFields(PROFILE_FIELDS, stored, { ...stored })).toEqual([]);
    expect(changedFields(PROFILE_FIELDS, stored, { medicalHistory: "", phone: null })).toEqual([]);
  });

  it("leaves fields that were not submitted alone", () => {
    expect(changedFields(PROFILE_FIELDS, stored, { country: "DE" })).toEqual(["country"]);
  });

  it("treats every submitted value as a change when nothing is stored yet", () => {
    expect(changedFields(PROFILE_FIELDS, null, { fullName: "Noor", allergies: null, country: "IN" })).toEqual(
      ["fullName", "country"],
    );
  });

  it("picks the new values of the changed fields, cleared ones as null", () => {
    expect(pickChanges(["allergies", "address"], { allergies: "Latex", address: undefined })).toEqual({
      allergies: "Latex",
      address: null,
    });
  });
});

describe("medication lists", () => {
  const at = (day: string) => new Date(`${day}T12:00:00Z`);
  const medication = (
    id: string,
    startedOn: string | null,
    stoppedOn: string | null,
    created = "2026-01-01",
  ) => ({
    id,
    startedOn,
    stoppedOn,
    createdAt: at(created),
  });

  it("splits current from past and sorts each by date, newest first, undated last", () => {
    const { current, past } = splitMedications([
      medication("old", "2015-06-01", null),
      medication("undated", null, null),
      medication("new", "2024-03-01", null),
      medication("course-2023", "2023-10-02", "2023-10-16"),
      medication("course-2025", "2025-02-01", "2025-02-08"),
    ]);
    expect(current.map((m) => m.id)).toEqual(["new", "old", "undated"]);
    expect(past.map((m) => m.id)).toEqual(["course-2025", "course-2023"]);
  });

  it("orders equal dates by when they were entered, newest first", () => {
    const { current } = splitMedications([
      medication("first", "2024-01-01", null, "2026-01-01"),
      medication("second", "2024-01-01", null, "2026-02-01"),
    ]);
    expect(current.map((m) => m.id)).toEqual(["second", "first"]);
  });
});

describe("dates", () => {
  it("knows real dates", () => {
    expect(isRealDate("2024-02-29")).toBe(true);
    expect(isRealDate("2025-02-29")).toBe(false);
    expect(isRealDate("2025-2-1")).toBe(false);
  });

  it("computes age in full years, birthdays included", () => {
    expect(ageOn("1988-04-12", "2026-04-11")).toBe(37);
    expect(ageOn("1988-04-12", "2026-04-12")).toBe(38);
    expect(ageOn("2000-02-29", "2026-02-28")).toBe(25);
    expect(ageOn("2030-01-01", "2026-12-01")).toBeNull();
  });

  it("tells today in a zone and the latest date on earth", () => {
    const now = new Date("2026-12-01T20:00:00Z");
    expect(todayIn("America/New_York", now)).toBe("2026-12-01");
    expect(todayIn("Asia/Kolkata", now)).toBe("2026-12-02");
    expect(latestDateOnEarth(now)).toBe("2026-12-02");
    expect(formatIsoDate("2015-06-01")).toBe("1 June 2015");
  });
});

describe("who edits a health record", () => {
  const patientId = crypto.randomUUID();
  it("is the patient alone: not another patient, not their doctor, not an admin", () => {
    expect(canEditHealthRecord({ userId: patientId, role: "PATIENT" }, patientId)).toBe(true);
    expect(canEditHealthRecord({ userId: crypto.randomUUID(), role: "PATIENT" }, patientId)).toBe(false);
    expect(canEditHealthRecord({ userId: patientId, role: "DOCTOR" }, patientId)).toBe(false);
    expect(canEditHealthRecord({ userId: crypto.randomUUID(), role: "DOCTOR" }, patientId)).toBe(false);
    expect(canEditHealthRecord({ userId: crypto.randomUUID(), role: "ADMIN" }, patientId)).toBe(false);
  });
});
