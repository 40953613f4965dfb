// The security rules, as pure functions of the sealed audit stream: which rows
// match a rule outright (a break-glass grant, staff reading a record after
// hours) and which only make a windowed count worth asking for (failed
// sign-ins, chart reads, exports). The monitor (monitor.ts) asks the database
// for those counts and raises or updates one alert per rule, user and window.

export const RULES = [
  "failed-sign-ins",
  "chart-read-burst",
  "after-hours-access",
  "bulk-export",
  "break-glass",
] as const;
export type Rule = (typeof RULES)[number];
export type Severity = "LOW" | "MEDIUM" | "HIGH";

export const RULE_LABEL: Record<Rule, string> = {
  "failed-sign-ins": "Repeated failed sign-ins",
  "chart-read-burst": "One user reading many patients' records",
  "after-hours-access": "Records read outside working hours",
  "bulk-export": "Bulk or repeated exports",
  "break-glass": "Emergency (break-glass) access",
};

export const RULE_SEVERITY: Record<Rule, Severity> = {
  "failed-sign-ins": "MEDIUM",
  "chart-read-burst": "HIGH",
  "after-hours-access": "LOW",
  "bulk-export": "MEDIUM",
  "break-glass": "HIGH",
};

/** One sealed audit row as the monitor reads it (no PHI: audit rows hold ids and metadata). */
export interface StreamRow {
  sealSequence: bigint;
  sequence: bigint;
  occurredAt: Date;
  actorId: string | null;
  actorRole: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
  ip: string | null;
  subjectId: string | null;
  details: Record<string, unknown> | null;
}

export interface RuleSettings {
  failedSignIns: { threshold: number; windowMinutes: number };
  chartReadBurst: { threshold: number; windowMinutes: number };
  bulkExport: { rows: number; perHour: number };
  /** Minutes after local midnight, [start, end), in timeZone. */
  workHours: { start: number; end: number; timeZone: string };
}

/** A count the monitor asks the database for: rows in the window ending at `at`. */
export type WindowCheck =
  | { rule: "failed-sign-ins"; scope: "account" | "address"; key: string; at: Date }
  | { rule: "chart-read-burst"; key: string; at: Date }
  | { rule: "bulk-export"; key: string; at: Date };

/** An alert to raise or update. */
export interface Match {
  rule: Rule;
  dedupeKey: string;
  actorId: string | null;
  at: Date;
  details: Record<string, string | number | boolean | readonly string[]>;
}

export const SIGN_IN_ACTION = "auth.sign-in";
export const CHART_VIEWED_ACTION = "chart.viewed";
export const PHI_READ_ACTION = "phi.read";
/**
 * Reading a patient's record means opening their chart or reading its clinical content. Lists that
 * show names (a doctor's patients, a schedule, an inbox, the admins' user list) read PHI too, but
 * they are ordinary work, not reading records: counting them would raise alerts every day.
 */
export const CLINICAL_RESOURCE_TYPES = [
  "ClinicalNote",
  "NoteAmendment",
  "PrescriptionItem",
  "Medication",
  "Document",
  "Device",
  "Reading",
] as const;
const CLINICAL = new Set<string>(CLINICAL_RESOURCE_TYPES);
export const isRecordRead = (row: Pick<StreamRow, "action" | "resourceType">) =>
  row.action === CHART_VIEWED_ACTION || (row.action === PHI_READ_ACTION && CLINICAL.has(row.resourceType));
/** Windowed rules are checked at least once a minute of the stream, so a long batch cannot hide a burst. */
const CHECK_SPACING_MS = 60_000;
export const BREAK_GLASS_ACTION = "break-glass.granted";
const STAFF_ROLES = new Set(["DOCTOR", "ADMIN"]);

/** `audit.export`, `access-review.exported`, `revenue.exported`… */
export const isExportAction = (action: string) => /\.export(ed)?$/.test(action);

/** "07:00-20:00" → minutes after midnight. */
export function parseWorkHours(text: string): { start: number; end: number } {
  const [start, end] = text.split("-").map((part) => {
    const [hours, minutes] = part.split(":").map(Number);
    return (hours ?? 0) * 60 + (minutes ?? 0);
  });
  return { start: start ?? 0, end: end ?? 24 * 60 };
}

function localClock(at: Date, timeZone: string): { minutes: number; date: string } {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return {
    minutes: Number(part("hour")) * 60 + Number(part("minute")),
    date: `${part("year")}-${part("month")}-${part("day")}`,
  };
}

export function outsideWorkHours(at: Date, hours: RuleSettings["workHours"]): boolean {
  const { minutes } = localClock(at, hours.timeZone);
  return hours.start <= hours.end
    ? minutes < hours.start || minutes >= hours.end
    : minutes < hours.start && minutes >= hours.end; // a night shift: 20:00-06:00
}

/** The start of the hour `at` falls in: alerts of windowed rules are one per user per hour. */
export const hourBucket = (at: Date) =>
  new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000).toISOString();

const exportedRows = (details: StreamRow["details"]): number => {
  const value = details?.rows ?? details?.rowCount ?? details?.count;
  return typeof value === "number" ? value : 0;
};

/** What a batch of sealed rows asks of the rules: immediate matches and window counts to check. */
export function evaluateRows(
  rows: readonly StreamRow[],
  settings: RuleSettings,
): { matches: Match[]; checks: WindowCheck[] } {
  const matches: Match[] = [];
  // Per window key, a check at the latest row of each minute of the batch: each window ending there
  // covers the rows before it, and a batch spanning hours (after an outage) is checked all along.
  const checks = new Map<string, WindowCheck[]>();
  const check = (key: string, value: WindowCheck) => {
    const list = checks.get(key);
    if (!list) return void checks.set(key, [value]);
    const last = list.at(-1)!;
    if (value.at.getTime() - last.at.getTime() >= CHECK_SPACING_MS) list.push(value);
    else if (value.at > last.at) list[list.length - 1] = value;
  };

  for (const row of rows) {
    if (row.action === SIGN_IN_ACTION && row.outcome === "FAILURE") {
      if (row.resourceId) {
        check(`account:${row.resourceId}`, {
          rule: "failed-sign-ins",
          scope: "account",
          key: row.resourceId,
          at: row.occurredAt,
        });
      }
      if (row.ip) {
        check(`address:${row.ip}`, {
          rule: "failed-sign-ins",
          scope: "address",
          key: row.ip,
          at: row.occurredAt,
        });
      }
    }
    const staff = row.actorId !== null && STAFF_ROLES.has(row.actorRole);
    if (isRecordRead(row) && staff && row.subjectId && row.subjectId !== row.actorId) {
      check(`reads:${row.actorId}`, { rule: "chart-read-burst", key: row.actorId!, at: row.occurredAt });
      if (outsideWorkHours(row.occurredAt, settings.workHours)) {
        const { date } = localClock(row.occurredAt, settings.workHours.timeZone);
        matches.push({
          rule: "after-hours-access",
          dedupeKey: `after-hours-access:${row.actorId}:${date}`,
          actorId: row.actorId,
          at: row.occurredAt,
          details: {
            firstSequence: row.sequence.toString(),
            localDate: date,
            timeZone: settings.workHours.timeZone,
          },
        });
      }
    }
    if (isExportAction(row.action) && row.outcome === "SUCCESS" && row.actorId) {
      const exported = exportedRows(row.details);
      if (exported >= settings.bulkExport.rows) {
        matches.push({
          rule: "bulk-export",
          dedupeKey: `bulk-export:${row.actorId}:${row.sequence}`,
          actorId: row.actorId,
          at: row.occurredAt,
          details: { exportAction: row.action, rows: exported, sequence: row.sequence.toString() },
        });
      }
      check(`exports:${row.actorId}`, { rule: "bulk-export", key: row.actorId, at: row.occurredAt });
    }
    if (row.action === BREAK_GLASS_ACTION && row.outcome === "SUCCESS" && row.resourceId) {
      matches.push({
        rule: "break-glass",
        dedupeKey: `break-glass:${row.resourceId}`,
        actorId: row.actorId,
        at: row.occurredAt,
        details: {
          grantId: row.resourceId,
          ...(row.subjectId ? { patientId: row.subjectId } : {}),
          sequence: row.sequence.toString(),
        },
      });
    }
  }
  return { matches, checks: [...checks.values()].flat() };
}
