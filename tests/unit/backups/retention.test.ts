import { describe, expect, it } from "vitest";
import { isoWeekOf, selectBackupsToPrune } from "@/lib/domain/backups/retention";

const at = (iso: string) => ({ id: iso, createdAt: new Date(iso) });

describe("backup retention", () => {
  it("names ISO weeks (Monday first, year boundary)", () => {
    expect(isoWeekOf(new Date("2026-12-02T10:00:00Z"))).toBe("2026-W49");
    expect(isoWeekOf(new Date("2027-01-01T10:00:00Z"))).toBe("2026-W53");
    expect(isoWeekOf(new Date("2026-11-30T00:00:00Z"))).toBe("2026-W49");
    expect(isoWeekOf(new Date("2026-11-29T23:59:59Z"))).toBe("2026-W48");
  });

  it("keeps the newest of each of the last N days, weeks and months", () => {
    // One backup a day for 120 days, plus a second one on the newest day.
    const backups = Array.from({ length: 120 }, (_, i) =>
      at(new Date(Date.UTC(2026, 11, 2, 2, 30) - i * 86_400_000).toISOString()),
    );
    backups.push(at("2026-12-02T14:00:00.000Z"));
    const { keep, prune } = selectBackupsToPrune(backups, { daily: 7, weekly: 4, monthly: 3 });
    expect(keep.length + prune.length).toBe(121);
    // Daily: Dec 2 (14:00, the newest that day) back to Nov 26.
    expect(keep.slice(0, 7)).toEqual([
      "2026-12-02T14:00:00.000Z",
      "2026-12-01T02:30:00.000Z",
      "2026-11-30T02:30:00.000Z",
      "2026-11-29T02:30:00.000Z",
      "2026-11-28T02:30:00.000Z",
      "2026-11-27T02:30:00.000Z",
      "2026-11-26T02:30:00.000Z",
    ]);
    expect(prune).toContain("2026-12-02T02:30:00.000Z");
    // Weekly: newest of W49 (Dec 2), W48 (Nov 29), W47 (Nov 22), W46 (Nov 15).
    expect(keep).toContain("2026-11-22T02:30:00.000Z");
    expect(keep).toContain("2026-11-15T02:30:00.000Z");
    expect(prune).toContain("2026-11-14T02:30:00.000Z");
    // Monthly: December, November, October (its newest: Oct 31).
    expect(keep).toContain("2026-10-31T02:30:00.000Z");
    expect(prune).toContain("2026-10-30T02:30:00.000Z");
    expect(prune).toContain("2026-09-30T02:30:00.000Z");
    expect(keep).toHaveLength(7 + 2 + 1);
  });

  it("always keeps the newest backup, and prunes nothing it cannot place", () => {
    expect(selectBackupsToPrune([], { daily: 1, weekly: 0, monthly: 0 })).toEqual({ keep: [], prune: [] });
    const only = [at("2026-01-01T00:00:00.000Z")];
    expect(selectBackupsToPrune(only, { daily: 1, weekly: 0, monthly: 0 }).keep).toEqual([only[0]!.id]);
  });
});
