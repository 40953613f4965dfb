import { describe, expect, it } from "vitest";
import { type CareVisit, canSeeNote, chartAccess, establishesCare, isAuthor } from "@/lib/authz/care";

const patient = { userId: "p1", role: "PATIENT" as const };
const doctor = { userId: "d1", role: "DOCTOR" as const };
const visit = (status: CareVisit["status"], confirmedAt: Date | null = new Date()): CareVisit => ({
  doctorId: "d1",
  patientId: "p1",
  status,
  confirmedAt,
});

describe("the care relationship", () => {
  it("starts with a confirmed visit, past, current or upcoming, and survives a later cancellation", () => {
    for (const status of ["CONFIRMED", "IN_PROGRESS", "COMPLETED", "NO_SHOW"] as const) {
      expect(establishesCare(visit(status)), status).toBe(true);
    }
    expect(establishesCare(visit("CANCELLED", new Date()))).toBe(true);
  });

  it("does not start with a hold, an expired hold, or a visit cancelled before it was confirmed", () => {
    expect(establishesCare(visit("HELD", null))).toBe(false);
    expect(establishesCare(visit("EXPIRED", null))).toBe(false);
    expect(establishesCare(visit("CANCELLED", null))).toBe(false);
  });

  it("gives a patient their own record only, a doctor only their patients', an admin none", () => {
    expect(chartAccess(patient, "p1", [])).toBe("own");
    expect(chartAccess(patient, "p2", [visit("COMPLETED")])).toBeNull();
    expect(chartAccess(doctor, "p1", [visit("COMPLETED")])).toBe("treating");
    expect(chartAccess(doctor, "p1", [])).toBeNull();
    expect(chartAccess(doctor, "p1", [visit("CANCELLED", null)])).toBeNull();
    expect(chartAccess(doctor, "p1", [{ ...visit("COMPLETED"), doctorId: "d2" }])).toBeNull();
    expect(chartAccess(doctor, "p2", [visit("COMPLETED")])).toBeNull();
    expect(chartAccess({ userId: "a1", role: "ADMIN" }, "p1", [visit("COMPLETED")])).toBeNull();
  });

  it("keeps a draft to its author; a signed note is the patient's and every treating doctor's", () => {
    const draft = { authorId: "d1", status: "DRAFT" as const };
    const signed = { authorId: "d1", status: "SIGNED" as const };
    const colleague = { userId: "d2", role: "DOCTOR" as const };
    expect(canSeeNote(doctor, "treating", draft)).toBe(true);
    expect(canSeeNote(colleague, "treating", draft)).toBe(false);
    expect(canSeeNote(patient, "own", draft)).toBe(false);
    expect(canSeeNote(patient, "own", signed)).toBe(true);
    expect(canSeeNote(colleague, "treating", signed)).toBe(true);
    expect(canSeeNote(colleague, null, signed)).toBe(false);
    expect(isAuthor(doctor, signed)).toBe(true);
    expect(isAuthor(colleague, signed)).toBe(false);
    expect(isAuthor({ userId: "d1", role: "ADMIN" }, signed)).toBe(false);
  });
});
