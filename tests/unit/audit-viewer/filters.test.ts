// The audit viewer's filters and cursors: what a URL and the filter form may
// carry, each mistake with its own message, local times read in the admin's
// zone, keyset boundaries that survive a round trip, chart ranges, and the CSV
// export's cells (no formula a spreadsheet would run).
import { randomUUID } from "node:crypto";
import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { AUDIT_CSV_FIELDS, auditRowsToCsv, spreadsheetSafe } from "@/lib/domain/audit-viewer/export";
import {
  AUDIT_EXPORT_CAP,
  EMPTY_FILTER,
  MESSAGES,
  actionFilterText,
  auditListHref,
  bucketLabel,
  chartRange,
  cursorParams,
  filtersUsed,
  parseActionFilter,
  parseAuditQuery,
  parseCursor,
  parseFilterForm,
  parseLocalTime,
} from "@/lib/domain/audit-viewer/schemas";

const BERLIN = "Europe/Berlin";

describe("the filter in the URL", () => {
  it("reads ids, codes and local times in the admin's zone", () => {
    const subject = randomUUID();
    const actor = randomUUID().toUpperCase();
    const parsed = parseAuditQuery(
      {
        subject,
        actor,
        action: "phi.",
        type: "PatientProfile",
        resource: subject,
        outcome: "denied",
        from: "2026-12-01T08:00",
        to: "2026-12-01",
      },
      BERLIN,
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.filter).toEqual({
      actorId: actor.toLowerCase(),
      subjectId: subject,
      action: { kind: "prefix", value: "phi." },
      resourceType: "PatientProfile",
      resourceId: subject,
      outcome: "DENIED",
      // 08:00 in Berlin (CET, UTC+1) and the whole of 1 December there.
      from: new Date("2026-12-01T07:00:00Z"),
      to: new Date("2026-12-01T23:00:00Z"),
    });
    expect(parsed.cursor).toBeNull();
  });

  it("names every wrong part with its own message", () => {
    const parsed = parseAuditQuery(
      {
        subject: "maya.patel@demo.haven.local",
        actor: "nobody",
        action: "phi read;",
        type: "1x",
        outcome: "MAYBE",
        from: "yesterday",
        to: "2026-02-30",
      },
      BERLIN,
    );
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual({
      subject: MESSAGES.subjectId,
      actor: MESSAGES.actorId,
      action: MESSAGES.action,
      type: MESSAGES.type,
      outcome: MESSAGES.outcome,
      from: MESSAGES.from,
      to: MESSAGES.to,
    });
  });

  it("refuses a range whose start is after its end, and a resource id without its type", () => {
    const range = parseAuditQuery({ from: "2026-12-02T10:00", to: "2026-12-01T10:00" }, BERLIN);
    expect(range).toMatchObject({ ok: false, errors: { range: MESSAGES.range } });
    const resource = parseAuditQuery({ resource: "abc" }, BERLIN);
    expect(resource).toMatchObject({ ok: false, errors: { resource: MESSAGES.resourceNeedsType } });
  });

  it("ends a range inclusively: the whole minute or the whole day typed", () => {
    expect(parseLocalTime("2026-12-01T10:15", "UTC", true)).toEqual(new Date("2026-12-01T10:16:00Z"));
    expect(parseLocalTime("2026-12-01 10:15", "UTC", false)).toEqual(new Date("2026-12-01T10:15:00Z"));
    expect(parseLocalTime("2026-03-29", BERLIN, true)).toEqual(new Date("2026-03-29T22:00:00Z"));
    expect(parseLocalTime("2026-13-01", BERLIN, false)).toBeNull();
  });

  it("tells an exact action from a prefix", () => {
    expect(parseActionFilter("phi.read")).toEqual({ kind: "exact", value: "phi.read" });
    expect(parseActionFilter("auth.")).toEqual({ kind: "prefix", value: "auth." });
    expect(parseActionFilter("auth*")).toEqual({ kind: "prefix", value: "auth" });
    expect(parseActionFilter("*")).toBeNull();
    expect(parseActionFilter("x'; DROP TABLE audit_log")).toBeNull();
    expect(actionFilterText({ kind: "prefix", value: "auth" })).toBe("auth*");
    expect(actionFilterText({ kind: "prefix", value: "auth." })).toBe("auth.");
  });

  it("lists the filters in use by name (what an export's audit row records)", () => {
    expect(filtersUsed(EMPTY_FILTER)).toEqual([]);
    expect(
      filtersUsed({
        ...EMPTY_FILTER,
        subjectId: randomUUID(),
        action: { kind: "prefix", value: "phi." },
        from: new Date(),
      }),
    ).toEqual(["subject", "actionPrefix", "from"]);
  });
});

describe("the keyset cursor", () => {
  it("round-trips through the URL", () => {
    for (const cursor of [
      { direction: "older", sequence: 12_345n },
      { direction: "newer", sequence: 999_999_999_999n },
    ] as const) {
      const params = cursorParams(cursor);
      expect(parseCursor(params.before, params.after)).toEqual(cursor);
    }
    expect(parseCursor(undefined, undefined)).toBeNull();
    expect(cursorParams(null)).toEqual({});
  });

  it("refuses anything but one positive sequence number", () => {
    for (const [before, after] of [
      ["0", undefined],
      ["-4", undefined],
      ["12a", undefined],
      ["1e5", undefined],
      ["1234567890123456789", undefined],
      ["5", "6"],
      [undefined, ""],
    ] as const) {
      expect(parseCursor(before, after), `${before}/${after}`).toBeUndefined();
    }
    expect(parseAuditQuery({ before: "x" }, "UTC")).toMatchObject({
      ok: false,
      errors: { cursor: MESSAGES.cursor },
    });
  });

  it("builds the list's links with the filter first, in a stable order, and the boundary", () => {
    const subject = randomUUID();
    expect(auditListHref({ outcome: "FAILURE", subject }, { direction: "older", sequence: 42n })).toBe(
      `/admin/audit?subject=${subject}&outcome=FAILURE&before=42`,
    );
    expect(auditListHref({})).toBe("/admin/audit");
  });
});

describe("the filter form", () => {
  it("keeps an email for the server to resolve and takes an account id as is", () => {
    const id = randomUUID();
    const parsed = parseFilterForm(
      { user: " Maya.Patel@demo.haven.local ", patient: id, action: "" },
      BERLIN,
    );
    expect(parsed).toEqual({
      ok: true,
      form: {
        user: { kind: "email", email: "Maya.Patel@demo.haven.local" },
        patient: { kind: "id", id },
        rest: {},
      },
    });
  });

  it("puts each mistake beside its field, the range's beside the end", () => {
    const parsed = parseFilterForm(
      { user: "not an email", patient: "", from: "2026-12-02T10:00", to: "2026-12-01T10:00", outcome: "x" },
      BERLIN,
    );
    expect(parsed).toEqual({
      ok: false,
      fieldErrors: { user: MESSAGES.actor, to: MESSAGES.range, outcome: MESSAGES.outcome },
    });
  });
});

describe("the charts' range", () => {
  const now = new Date("2026-12-02T09:00:00Z");
  it("defaults to the last 14 days by day, and goes by hour up to two days", () => {
    expect(chartRange(EMPTY_FILTER, now)).toEqual({
      from: new Date("2026-11-18T09:00:00Z"),
      to: now,
      bucket: "day",
    });
    const from = new Date("2026-12-01T00:00:00Z");
    expect(chartRange({ from, to: new Date("2026-12-03T00:00:00Z") }, now).bucket).toBe("hour");
    expect(chartRange({ from, to: new Date("2026-12-03T00:01:00Z") }, now).bucket).toBe("day");
    expect(chartRange({ from: new Date("2024-01-01T00:00:00Z"), to: null }, now).bucket).toBe("month");
  });

  it("labels buckets for people", () => {
    expect(bucketLabel("2026-12-01T14:00", "hour")).toBe("1 Dec 14:00");
    expect(bucketLabel("2026-12-01T00:00", "day")).toBe("1 Dec");
    expect(bucketLabel("2026-12-01T00:00", "month")).toBe("Dec 2026");
  });
});

describe("the CSV export", () => {
  it("writes every column, guards cells a spreadsheet would run, and says when it is capped", () => {
    const row = {
      sequence: 7n,
      event_id: randomUUID(),
      occurred_at: new Date("2026-12-01T10:00:00Z"),
      actor_id: randomUUID(),
      actor_role: "DOCTOR",
      action: "phi.read",
      resource_type: "PatientProfile",
      resource_id: '=HYPERLINK("http://evil")',
      outcome: "SUCCESS",
      subject_id: randomUUID(),
      request_id: "req-1",
      ip: "203.0.113.9",
      user_agent: "@evil",
      details: { fields: ["allergies"] },
    };
    const csv = auditRowsToCsv([row], false);
    expect(csv.startsWith("\uFEFFsequence,")).toBe(true);
    const parsed = Papa.parse<Record<string, string>>(csv.slice(1).trim(), { header: true });
    expect(parsed.meta.fields).toEqual([...AUDIT_CSV_FIELDS]);
    expect(parsed.data[0]).toMatchObject({
      sequence: "7",
      action: "phi.read",
      resource_id: '\'=HYPERLINK("http://evil")',
      user_agent: "'@evil",
      details: '{"fields":["allergies"]}',
      occurred_at: "2026-12-01T10:00:00.000Z",
    });
    const capped = auditRowsToCsv([row], true);
    expect(capped).toContain(`# Capped at ${AUDIT_EXPORT_CAP} rows`);
    expect(Papa.parse(capped.slice(1).trim(), { header: true, comments: "#" }).data).toHaveLength(1);
    expect(spreadsheetSafe("phi.read")).toBe("phi.read");
  });
});
