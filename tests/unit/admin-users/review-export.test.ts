// The access review's exports: CSV with a BOM, the fixed header, ISO UTC times,
// empty cells for undecided accounts, and free text (names, emails) that a
// spreadsheet will not run as a formula; JSON with the same facts.
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import type { AccessReviewDetail } from "@/lib/domain/access-reviews/schemas";
import {
  ACCESS_REVIEW_CSV_FIELDS,
  accessReviewToCsv,
  accessReviewToJson,
} from "@/lib/domain/access-reviews/service";

const review: AccessReviewDetail = {
  id: "5b0c3c2e-7a51-4e0b-9d6b-0d1f1d3c9a10",
  period: "2026-Q4",
  periodStart: new Date("2026-10-01T00:00:00Z"),
  periodEnd: new Date("2027-01-01T00:00:00Z"),
  startedAt: new Date("2026-12-02T08:00:00Z"),
  startedByName: "admin@example.test",
  completedAt: null,
  completedByName: null,
  entries: 2,
  decided: 1,
  rows: [
    {
      id: "e1",
      userId: "11111111-1111-4111-8111-111111111111",
      name: '=HYPERLINK("http://evil.example","Dr. Click")',
      email: "+doctor@example.test",
      role: "DOCTOR",
      status: "ACTIVE",
      currentStatus: "DEACTIVATED",
      lastActivityAt: new Date("2026-11-30T17:45:12.345Z"),
      patientsAccessed: 7,
      decision: "REVOKE",
      decidedById: "22222222-2222-4222-8222-222222222222",
      decidedByName: "admin@example.test",
      decidedAt: new Date("2026-12-02T08:05:00Z"),
    },
    {
      id: "e2",
      userId: "33333333-3333-4333-8333-333333333333",
      name: "Dr. Zoë Ångström, MD",
      email: "zoe@example.test",
      role: "ADMIN",
      status: "INVITED",
      currentStatus: "INVITED",
      lastActivityAt: null,
      patientsAccessed: 0,
      decision: null,
      decidedById: null,
      decidedByName: null,
      decidedAt: null,
    },
  ],
};

describe("accessReviewToCsv", () => {
  const csv = accessReviewToCsv(review);
  const parsed = Papa.parse<Record<string, string>>(csv.slice(1).trim(), { header: true });

  it("starts with a byte-order mark and the fixed header", () => {
    expect(csv.startsWith("\uFEFFperiod,user_id,name,email,role,status_at_start,")).toBe(true);
    expect(parsed.meta.fields).toEqual([...ACCESS_REVIEW_CSV_FIELDS]);
  });

  it("writes one row per account with ISO UTC times and empty cells for what is not decided", () => {
    expect(parsed.data).toHaveLength(2);
    expect(parsed.data[0]).toMatchObject({
      period: "2026-Q4",
      status_at_start: "ACTIVE",
      status_now: "DEACTIVATED",
      last_activity_at: "2026-11-30T17:45:12.345Z",
      patients_accessed: "7",
      decision: "REVOKE",
      decided_at: "2026-12-02T08:05:00.000Z",
    });
    expect(parsed.data[1]).toMatchObject({
      name: "Dr. Zoë Ångström, MD",
      last_activity_at: "",
      decision: "",
      decided_by_id: "",
      decided_at: "",
    });
  });

  it("keeps a spreadsheet from running names or emails as formulas", () => {
    expect(parsed.data[0]!.name).toBe(`'=HYPERLINK("http://evil.example","Dr. Click")`);
    expect(parsed.data[0]!.email).toBe("'+doctor@example.test");
  });
});

describe("accessReviewToJson", () => {
  it("holds the same facts, times as ISO strings, undecided as null", () => {
    const document = JSON.parse(accessReviewToJson(review)) as {
      period: string;
      periodEnd: string;
      completedAt: string | null;
      entries: Record<string, unknown>[];
    };
    expect(document.period).toBe("2026-Q4");
    expect(document.periodEnd).toBe("2027-01-01T00:00:00.000Z");
    expect(document.completedAt).toBeNull();
    expect(document.entries[0]).toMatchObject({
      patientsAccessed: 7,
      decision: "REVOKE",
      statusNow: "DEACTIVATED",
    });
    expect(document.entries[1]).toMatchObject({ decision: null, lastActivityAt: null });
    // JSON needs no formula guard: the name is kept as it is.
    expect(document.entries[0]!.name).toBe('=HYPERLINK("http://evil.example","Dr. Click")');
  });
});
