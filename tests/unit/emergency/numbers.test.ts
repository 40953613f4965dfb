import { describe, expect, it } from "vitest";
import {
  EMERGENCY_COUNTRIES,
  countryFromTimeZone,
  defaultEmergencyCountry,
  emergencyNumbersFor,
} from "@/lib/domain/emergency/numbers";

describe("emergency numbers", () => {
  it("lists every required country with police, ambulance, fire and a note", () => {
    const required = "US CA GB IE DE FR ES IT NL IN AU NZ ZA BR MX JP SG AE EU".split(" ");
    for (const country of required) {
      const numbers = emergencyNumbersFor(country);
      expect(numbers.country, country).toBe(country);
      for (const field of ["call", "police", "ambulance", "fire"] as const) {
        expect(numbers[field], `${country} ${field}`).toMatch(/^\d{2,6}$/);
      }
      expect(numbers.note.length).toBeGreaterThan(10);
    }
    expect(new Set(EMERGENCY_COUNTRIES.map((entry) => entry.value)).size).toBe(EMERGENCY_COUNTRIES.length);
  });

  it("knows the numbers that differ from 112", () => {
    expect(emergencyNumbersFor("in")).toMatchObject({ call: "112", ambulance: "108", police: "100" });
    expect(emergencyNumbersFor("US")).toMatchObject({ call: "911" });
    expect(emergencyNumbersFor("GB")).toMatchObject({ call: "999" });
    expect(emergencyNumbersFor("AU")).toMatchObject({ call: "000" });
    expect(emergencyNumbersFor("NZ")).toMatchObject({ call: "111" });
    expect(emergencyNumbersFor("JP")).toMatchObject({ police: "110", ambulance: "119" });
    expect(emergencyNumbersFor("FR")).toMatchObject({ ambulance: "15", police: "17", fire: "18" });
  });

  it("falls back to 112 for other EU members and to the generic entry for anything else", () => {
    expect(emergencyNumbersFor("PT")).toMatchObject({ country: "EU", call: "112" });
    expect(emergencyNumbersFor("KE")).toMatchObject({ country: "ZZ", call: "112" });
    expect(emergencyNumbersFor(null).country).toBe("ZZ");
    expect(emergencyNumbersFor("")).toMatchObject({ country: "ZZ" });
  });

  it("guesses a country from a time zone when the profile has none", () => {
    expect(countryFromTimeZone("Asia/Kolkata")).toBe("IN");
    expect(countryFromTimeZone("Asia/Calcutta")).toBe("IN");
    expect(countryFromTimeZone("America/New_York")).toBe("US");
    expect(countryFromTimeZone("America/Indiana/Indianapolis")).toBe("US");
    expect(countryFromTimeZone("Australia/Perth")).toBe("AU");
    expect(countryFromTimeZone("Europe/Lisbon")).toBe("EU");
    expect(countryFromTimeZone("Africa/Nairobi")).toBeNull();
    expect(defaultEmergencyCountry(null, "Europe/Berlin")).toBe("DE");
    expect(defaultEmergencyCountry("gb", "Europe/Berlin")).toBe("GB");
    expect(defaultEmergencyCountry("PT", null)).toBe("EU");
    expect(defaultEmergencyCountry(null, "Africa/Nairobi")).toBe("ZZ");
  });
});
