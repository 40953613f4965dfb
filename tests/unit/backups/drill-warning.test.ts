import { describe, expect, it } from "vitest";
import { drillWarning } from "@/lib/domain/backups/queries";

const now = new Date("2026-12-02T12:00:00Z");
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

describe("the backups page's warning", () => {
  it("warns when no drill ran, the last one failed, or it is older than 8 days", () => {
    expect(drillWarning(null, now)).toMatch(/No restore drill has run yet/);
    expect(drillWarning({ outcome: "FAILED", startedAt: daysAgo(1) }, now)).toMatch(/FAILED/);
    expect(drillWarning({ outcome: "PASSED", startedAt: daysAgo(8.5) }, now)).toMatch(/8 days old/);
  });

  it("is quiet after a recent passed drill", () => {
    expect(drillWarning({ outcome: "PASSED", startedAt: daysAgo(7.9) }, now)).toBeNull();
  });
});
