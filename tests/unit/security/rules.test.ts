import { describe, expect, it } from "vitest";
import {
  type RuleSettings,
  type StreamRow,
  evaluateRows,
  hourBucket,
  outsideWorkHours,
  parseWorkHours,
} from "@/lib/domain/security/rules";

const DOCTOR = "11111111-1111-4111-8111-111111111111";
const PATIENT = "22222222-2222-4222-8222-222222222222";
const settings: RuleSettings = {
  failedSignIns: { threshold: 10, windowMinutes: 15 },
  chartReadBurst: { threshold: 20, windowMinutes: 10 },
  bulkExport: { rows: 1_000, perHour: 5 },
  workHours: { start: 7 * 60, end: 20 * 60, timeZone: "Europe/Berlin" },
};
let sequence = 0n;
const row = (overrides: Partial<StreamRow>): StreamRow => ({
  sealSequence: (sequence += 1n),
  sequence,
  occurredAt: new Date("2026-12-02T10:00:00Z"), // 11:00 in Berlin
  actorId: DOCTOR,
  actorRole: "DOCTOR",
  action: "chart.viewed",
  resourceType: "Chart",
  resourceId: "r",
  outcome: "SUCCESS",
  ip: "203.0.113.7",
  subjectId: PATIENT,
  details: null,
  ...overrides,
});

describe("working hours", () => {
  it("reads the hours in the clinic's zone, the end excluded", () => {
    const berlin = { ...parseWorkHours("07:00-20:00"), timeZone: "Europe/Berlin" };
    expect(parseWorkHours("07:00-20:00")).toEqual({ start: 420, end: 1200 });
    expect(outsideWorkHours(new Date("2026-12-02T05:59:00Z"), berlin)).toBe(true); // 06:59
    expect(outsideWorkHours(new Date("2026-12-02T06:00:00Z"), berlin)).toBe(false); // 07:00
    expect(outsideWorkHours(new Date("2026-12-02T18:59:00Z"), berlin)).toBe(false); // 19:59
    expect(outsideWorkHours(new Date("2026-12-02T19:00:00Z"), berlin)).toBe(true); // 20:00
    // Summer time moves the clock, not the rule: 06:30 UTC is 08:30 in Berlin in July.
    expect(outsideWorkHours(new Date("2026-07-01T06:30:00Z"), berlin)).toBe(false);
  });

  it("handles a night shift that wraps midnight", () => {
    const night = { ...parseWorkHours("20:00-06:00"), timeZone: "UTC" };
    expect(outsideWorkHours(new Date("2026-12-02T12:00:00Z"), night)).toBe(true);
    expect(outsideWorkHours(new Date("2026-12-02T23:00:00Z"), night)).toBe(false);
    expect(outsideWorkHours(new Date("2026-12-02T05:00:00Z"), night)).toBe(false);
  });
});

describe("evaluating a batch of sealed rows", () => {
  it("asks for one chart-read count per doctor, at the latest read, and none for a patient's own reads", () => {
    const reads = [
      row({ occurredAt: new Date("2026-12-02T10:00:00Z") }),
      row({
        occurredAt: new Date("2026-12-02T10:00:30Z"),
        subjectId: "33333333-3333-4333-8333-333333333333",
      }),
      row({ actorId: PATIENT, actorRole: "PATIENT", subjectId: PATIENT }),
      row({ actorId: null, actorRole: "SYSTEM" }),
    ];
    const { matches, checks } = evaluateRows(reads, settings);
    expect(matches).toEqual([]);
    expect(checks).toEqual([{ rule: "chart-read-burst", key: DOCTOR, at: new Date("2026-12-02T10:00:30Z") }]);
  });

  it("counts opening charts and reading clinical content as reading records, not lists of names", () => {
    expect(
      evaluateRows([row({ action: "phi.read", resourceType: "ClinicalNote" })], settings).checks,
    ).toHaveLength(1);
    // The doctor's patient list, a schedule or the admins' user list read names, not records.
    expect(
      evaluateRows([row({ action: "phi.read", resourceType: "PatientProfile" })], settings).checks,
    ).toEqual([]);
    expect(evaluateRows([row({ action: "phi.read", resourceType: "User" })], settings).checks).toEqual([]);
  });

  it("checks a window at least once a minute along a long batch, so an early burst is not hidden", () => {
    const at = (minute: number, second = 0) => new Date(Date.UTC(2026, 11, 2, 10, minute, second));
    const reads = [
      row({ occurredAt: at(0) }),
      row({ occurredAt: at(0, 30) }),
      row({ occurredAt: at(45) }),
      row({ occurredAt: at(45, 10) }),
    ];
    expect(evaluateRows(reads, settings).checks.map((c) => c.at)).toEqual([at(0, 30), at(45, 10)]);
  });

  it("matches staff reads outside working hours once per user and local day", () => {
    const late = row({ occurredAt: new Date("2026-12-02T22:30:00Z") }); // 23:30 in Berlin
    const { matches } = evaluateRows([late], settings);
    expect(matches).toEqual([
      expect.objectContaining({
        rule: "after-hours-access",
        dedupeKey: `after-hours-access:${DOCTOR}:2026-12-02`,
        actorId: DOCTOR,
      }),
    ]);
    // A doctor reading their own account's data, or a patient at night, is not staff access to a patient.
    expect(evaluateRows([row({ ...late, subjectId: DOCTOR })], settings).matches).toEqual([]);
    expect(evaluateRows([row({ ...late, actorRole: "PATIENT" })], settings).matches).toEqual([]);
  });

  it("counts failed sign-ins per account and per address, never successes", () => {
    const failure = row({
      action: "auth.sign-in",
      outcome: "FAILURE",
      resourceType: "User",
      resourceId: PATIENT,
    });
    const { checks } = evaluateRows([failure, row({ ...failure, outcome: "SUCCESS" })], settings);
    expect(checks.map((c) => c.rule === "failed-sign-ins" && [c.scope, c.key])).toEqual([
      ["account", PATIENT],
      ["address", "203.0.113.7"],
    ]);
    const unknownAccount = row({ ...failure, resourceId: null });
    expect(evaluateRows([unknownAccount], settings).checks).toHaveLength(1);
  });

  it("matches one large export at once and counts exports per hour", () => {
    const big = row({ action: "access-review.exported", details: { rows: 5_000 } });
    const small = row({ action: "audit.export", details: { rows: 10 } });
    const { matches, checks } = evaluateRows([big, small], settings);
    expect(matches.map((match) => [match.rule, match.details.rows])).toEqual([["bulk-export", 5_000]]);
    expect(checks).toEqual([expect.objectContaining({ rule: "bulk-export", key: DOCTOR })]);
  });

  it("matches every break-glass grant, keyed by the grant", () => {
    const grant = row({ action: "break-glass.granted", resourceType: "BreakGlassGrant", resourceId: "g-1" });
    const refused = row({ ...grant, outcome: "FAILURE", resourceId: null });
    expect(evaluateRows([grant, refused], settings).matches).toEqual([
      expect.objectContaining({ rule: "break-glass", dedupeKey: "break-glass:g-1", actorId: DOCTOR }),
    ]);
  });

  it("buckets windowed alerts by the hour", () => {
    expect(hourBucket(new Date("2026-12-02T10:59:59.999Z"))).toBe("2026-12-02T10:00:00.000Z");
  });
});
