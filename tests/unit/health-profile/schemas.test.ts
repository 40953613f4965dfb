import { describe, expect, it } from "vitest";
import {
  COUNTRY_CODES,
  countryChoices,
  countryName,
  isCountryCode,
} from "@/lib/domain/health-profile/countries";
import {
  STOP_BEFORE_START,
  addMedicationSchema,
  healthProfileSchema,
  stopMedicationSchema,
  updateMedicationSchema,
} from "@/lib/domain/health-profile/schemas";
import { latestDateOnEarth } from "@/lib/domain/health-profile/dates";

/** The first message per field, as the form shows them. */
function errorsOf(result: {
  success: boolean;
  error?: { issues: { path: PropertyKey[]; message: string }[] };
}) {
  const errors: Record<string, string> = {};
  for (const issue of result.error?.issues ?? []) errors[String(issue.path[0])] ??= issue.message;
  return errors;
}

const PROFILE = {
  fullName: "Maya Patel",
  dateOfBirth: "1988-04-12",
  phone: "+1 555 010 0101",
  address: "221 Orchard Street",
  medicalHistory: "Hypothyroidism (2015)",
  allergies: "Penicillin",
  emergencyContact: "Raj Patel, +1 555 010 0150",
  country: "us",
};

describe("health profile input", () => {
  it("accepts a full profile, trims text and upper-cases the country", () => {
    const parsed = healthProfileSchema.parse({
      ...PROFILE,
      fullName: "  Maya Patel ",
      allergies: " Penicillin\n",
    });
    expect(parsed).toMatchObject({ fullName: "Maya Patel", allergies: "Penicillin", country: "US" });
  });

  it("turns empty optional fields into null (cleared) and leaves absent ones undefined (unchanged)", () => {
    const parsed = healthProfileSchema.parse({
      fullName: "Maya Patel",
      allergies: "  ",
      phone: "",
      country: "",
    });
    expect(parsed.allergies).toBeNull();
    expect(parsed.phone).toBeNull();
    expect(parsed.country).toBeNull();
    expect(parsed.address).toBeUndefined();
  });

  it.each([
    ["2090-01-01", "Enter a date of birth in the past."],
    ["1988-02-30", "That date of birth does not exist."],
    ["12/04/1988", "Enter the date of birth as YYYY-MM-DD."],
    ["1850-01-01", "Enter a date of birth after 1900."],
  ])("refuses the date of birth %s with a readable message", (dateOfBirth, message) => {
    expect(errorsOf(healthProfileSchema.safeParse({ ...PROFILE, dateOfBirth }))).toEqual({
      dateOfBirth: message,
    });
  });

  it("accepts a date of birth of today anywhere on earth, not tomorrow", () => {
    const today = latestDateOnEarth();
    expect(healthProfileSchema.safeParse({ ...PROFILE, dateOfBirth: today }).success).toBe(true);
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    expect(errorsOf(healthProfileSchema.safeParse({ ...PROFILE, dateOfBirth: tomorrow })).dateOfBirth).toBe(
      "Enter a date of birth in the past.",
    );
  });

  it.each(["+49 (30) 555-01234", "0044 20 7946 0958", "+91 98765 43210"])("accepts the phone %s", (phone) => {
    expect(healthProfileSchema.safeParse({ ...PROFILE, phone }).success).toBe(true);
  });

  it.each(["12345", "call me maybe", "+1 555 010 0101 0101 0101", "555-0101 ext. 4"])(
    "refuses the phone %s",
    (phone) => {
      expect(errorsOf(healthProfileSchema.safeParse({ ...PROFILE, phone })).phone).toMatch(/7 to 15 digits/);
    },
  );

  it("refuses a missing name, an unknown country and text that is too long, each next to its field", () => {
    const errors = errorsOf(
      healthProfileSchema.safeParse({
        ...PROFILE,
        fullName: " ",
        country: "XX",
        allergies: "a".repeat(2_001),
        medicalHistory: "b".repeat(5_001),
      }),
    );
    expect(errors).toEqual({
      fullName: "Enter your full name.",
      country: "Choose a country from the list.",
      allergies: "Keep the allergies under 2,000 characters.",
      medicalHistory: "Keep your medical history under 5,000 characters.",
    });
  });
});

describe("medication input", () => {
  const MEDICATION = {
    name: "Levothyroxine 50 mcg",
    dosage: "1 tablet daily",
    startedOn: "2015-06-01",
    stoppedOn: "",
  };

  it("accepts a current medication (no stop date) and an undated one", () => {
    expect(addMedicationSchema.parse(MEDICATION)).toEqual({ ...MEDICATION, stoppedOn: null });
    expect(addMedicationSchema.parse({ name: "Vitamin D", dosage: "1000 IU daily" })).toEqual({
      name: "Vitamin D",
      dosage: "1000 IU daily",
    });
  });

  it("refuses a stop date before the start date, next to the stop date", () => {
    const result = addMedicationSchema.safeParse({ ...MEDICATION, stoppedOn: "2015-05-31" });
    expect(errorsOf(result)).toEqual({ stoppedOn: STOP_BEFORE_START });
    expect(addMedicationSchema.safeParse({ ...MEDICATION, stoppedOn: "2015-06-01" }).success).toBe(true);
    const update = updateMedicationSchema.safeParse({
      medicationId: crypto.randomUUID(),
      dosage: "2 tablets",
      startedOn: "2020-01-10",
      stoppedOn: "2020-01-09",
    });
    expect(errorsOf(update)).toEqual({ stoppedOn: STOP_BEFORE_START });
  });

  it("refuses missing names and dosages, impossible and future dates", () => {
    expect(
      errorsOf(
        addMedicationSchema.safeParse({
          name: "",
          dosage: " ",
          startedOn: "2025-13-01",
          stoppedOn: "2999-01-01",
        }),
      ),
    ).toEqual({
      name: "Enter the medicine's name, like Levothyroxine 50 mcg.",
      dosage: "Say how much you take and how often, like 1 tablet once daily.",
      startedOn: "That start date does not exist.",
      stoppedOn: "The stop date cannot be in the future: leave it empty while you still take it.",
    });
  });

  it("stops today when no date is given, and needs a medication id", () => {
    const id = crypto.randomUUID();
    expect(stopMedicationSchema.parse({ medicationId: id, stoppedOn: "" })).toEqual({
      medicationId: id,
      stoppedOn: null,
    });
    expect(stopMedicationSchema.parse({ medicationId: id })).toEqual({ medicationId: id });
    expect(stopMedicationSchema.safeParse({ medicationId: "../1" }).success).toBe(false);
  });
});

describe("countries", () => {
  it("lists the 249 ISO 3166-1 codes once each, every one with an English name", () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    for (const code of COUNTRY_CODES) expect(countryName(code), code).not.toBe(code);
    expect(countryName("DE")).toBe("Germany");
    expect(countryName("IN")).toBe("India");
    expect(isCountryCode("XX")).toBe(false);
    expect(isCountryCode("__proto__")).toBe(false);
  });

  it("offers the choices sorted by name", () => {
    const labels = countryChoices().map((choice) => choice.label);
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b, "en")));
    expect(countryChoices()).toContainEqual({ value: "US", label: "United States" });
  });
});
