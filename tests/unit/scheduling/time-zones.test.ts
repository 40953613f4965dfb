import { describe, expect, it } from "vitest";
import { canonicalTimeZone, timeZoneChoices } from "@/lib/domain/scheduling/time-zones";

describe("time zone names", () => {
  it("stores the current IANA name for names ICU still reports (what Chromium sends from India or Ukraine)", () => {
    expect(canonicalTimeZone("Asia/Calcutta")).toBe("Asia/Kolkata");
    expect(canonicalTimeZone("Europe/Kiev")).toBe("Europe/Kyiv");
    expect(canonicalTimeZone(" Europe/Berlin ")).toBe("Europe/Berlin");
    expect(canonicalTimeZone("America/New_York")).toBe("America/New_York");
  });

  it("refuses what is not a zone", () => {
    expect(canonicalTimeZone("Mars/Olympus_Mons")).toBeNull();
    expect(canonicalTimeZone("")).toBeNull();
    expect(canonicalTimeZone("x".repeat(80))).toBeNull();
  });

  it("lists every zone once, by its current name", () => {
    const values = timeZoneChoices().map((choice) => choice.value);
    expect(values).toContain("Asia/Kolkata");
    expect(values).not.toContain("Asia/Calcutta");
    expect(new Set(values).size).toBe(values.length);
    expect(values.length).toBeGreaterThan(300);
    expect(timeZoneChoices().find((choice) => choice.value === "America/New_York")?.label).toBe(
      "America/New York",
    );
  });
});
