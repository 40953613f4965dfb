// Reading a device export (CSV with a header row, or a JSON array of objects)
// into validated readings. Pure, so every rule is unit-tested. Errors name the
// line as the patient sees it in their editor (the CSV header is line 1), so
// they can find and fix it; a file with any bad row imports nothing.
import Papa from "papaparse";
import { Temporal } from "temporal-polyfill";
import type { ReadingMetric } from "@/lib/db/generated/enums";
import { IMPORT_LIMITS } from "./schemas";

export interface ParsedReading {
  line: number;
  metric: ReadingMetric;
  /** Normalised to the metric's stored unit: "72", "120/80", "5.4"… */
  value: string;
  measuredAt: Date;
}

export type ParseResult = { ok: true; readings: ParsedReading[] } | { ok: false; errors: string[] };

const METRIC_ALIASES: Readonly<Record<string, ReadingMetric>> = {
  heart_rate: "HEART_RATE",
  heartrate: "HEART_RATE",
  hr: "HEART_RATE",
  pulse: "HEART_RATE",
  blood_pressure: "BLOOD_PRESSURE",
  bloodpressure: "BLOOD_PRESSURE",
  bp: "BLOOD_PRESSURE",
  blood_glucose: "BLOOD_GLUCOSE",
  bloodglucose: "BLOOD_GLUCOSE",
  glucose: "BLOOD_GLUCOSE",
  weight: "WEIGHT",
  steps: "STEPS",
};

/** A metric name as exports spell it ("Heart rate", "HR", "blood-pressure"), or null. */
export function metricOf(name: string): ReadingMetric | null {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  return METRIC_ALIASES[key] ?? null;
}

const NUMBER = /^\d+(\.\d+)?$/;
const MMOL_PER_L_TO_MG_PER_DL = 18.016;
const POUND_IN_KG = 0.45359237;

const round = (value: number, decimals: number) => {
  const factor = 10 ** decimals;
  return String(Math.round(value * factor) / factor);
};

/** "120/80" (spaces allowed around the slash), checked against physiological ranges. */
export function parseBloodPressure(
  text: string,
): { ok: true; systolic: number; diastolic: number } | { ok: false; problem: string } {
  const match = /^(\d{2,3})\s*\/\s*(\d{2,3})$/.exec(text.trim());
  if (!match) return { ok: false, problem: `blood pressure "${text.trim()}" is not written like 120/80` };
  const systolic = Number(match[1]);
  const diastolic = Number(match[2]);
  if (systolic < 50 || systolic > 260) {
    return { ok: false, problem: `systolic blood pressure ${systolic} is outside 50–260 mmHg` };
  }
  if (diastolic < 30 || diastolic > 160) {
    return { ok: false, problem: `diastolic blood pressure ${diastolic} is outside 30–160 mmHg` };
  }
  if (diastolic >= systolic) {
    return { ok: false, problem: `blood pressure ${systolic}/${diastolic} has the larger number second` };
  }
  return { ok: true, systolic, diastolic };
}

interface ValueSpec {
  label: string;
  /** Accepted units (lower case, no spaces; "" when none is given) and their factor to the stored unit. */
  units: Record<string, number>;
  range: readonly [number, number];
  unit: string;
  decimals: number;
}

// Glucose in mmol/L is converted (×18.016) rather than refused: many meters outside the US export it.
const VALUE_SPECS: Record<Exclude<ReadingMetric, "BLOOD_PRESSURE">, ValueSpec> = {
  HEART_RATE: { label: "heart rate", units: { "": 1, bpm: 1 }, range: [20, 250], unit: "bpm", decimals: 0 },
  BLOOD_GLUCOSE: {
    label: "blood glucose",
    units: { "": 1, "mg/dl": 1, "mmol/l": MMOL_PER_L_TO_MG_PER_DL },
    range: [20, 600],
    unit: "mg/dL",
    decimals: 0,
  },
  WEIGHT: {
    label: "weight",
    units: { "": 1, kg: 1, lb: POUND_IN_KG, lbs: POUND_IN_KG },
    range: [2, 400],
    unit: "kg",
    decimals: 1,
  },
  STEPS: { label: "steps", units: { "": 1, steps: 1 }, range: [0, 100_000], unit: "steps", decimals: 0 },
};

type ValueCheck = { ok: true; value: string } | { ok: false; problem: string };

function inRange(
  label: string,
  raw: string,
  value: number,
  [low, high]: readonly [number, number],
  unit: string,
): string | null {
  return value < low || value > high
    ? `${label} ${raw} is outside ${low}–${high}${unit === "steps" ? "" : ` ${unit}`}`
    : null;
}

/** One value in its metric's stored unit; glucose in mmol/L and weight in lb are converted. */
export function checkValue(metric: ReadingMetric, rawValue: string, rawUnit: string): ValueCheck {
  const value = rawValue.trim();
  const unit = rawUnit.trim().toLowerCase().replace(/\s+/g, "");
  if (!value) return { ok: false, problem: "the value is empty" };
  if (metric === "BLOOD_PRESSURE") {
    if (unit && unit !== "mmhg")
      return { ok: false, problem: `blood pressure is in mmHg, not "${rawUnit.trim()}"` };
    const pressure = parseBloodPressure(value);
    return pressure.ok ? { ok: true, value: `${pressure.systolic}/${pressure.diastolic}` } : pressure;
  }
  const spec = VALUE_SPECS[metric];
  const factor = spec.units[unit];
  if (factor === undefined) {
    const accepted = Object.keys(spec.units).filter(Boolean).join(" or ");
    return { ok: false, problem: `${spec.label} cannot be in "${rawUnit.trim()}" (use ${accepted})` };
  }
  if (!NUMBER.test(value)) return { ok: false, problem: `${spec.label} "${value}" is not a number` };
  if (metric === "STEPS" && !/^\d+$/.test(value)) {
    return { ok: false, problem: `steps "${value}" is not a whole number` };
  }
  const converted = Number(value) * factor;
  const shown =
    factor === 1 ? value : `${value} ${rawUnit.trim()} (${round(converted, spec.decimals)} ${spec.unit})`;
  const outside = inRange(spec.label, shown, converted, spec.range, spec.unit);
  if (outside) return { ok: false, problem: outside };
  return { ok: true, value: round(converted, spec.decimals) };
}

/** An ISO 8601 time with its offset (Z or ±hh:mm), not in the future. */
export function checkTime(raw: string, now: Date): { ok: true; at: Date } | { ok: false; problem: string } {
  const text = raw.trim();
  if (!text) return { ok: false, problem: "the time (measured_at) is empty" };
  let at: Date;
  try {
    // Temporal refuses impossible dates (30 February) and a time without an offset.
    at = new Date(Temporal.Instant.from(text).epochMilliseconds);
  } catch {
    return {
      ok: false,
      problem: `time "${text}" is not an ISO 8601 time with its offset, like 2026-11-03T08:30:00+01:00 or 2026-11-03T07:30:00Z`,
    };
  }
  // A minute of slack for a device clock slightly ahead.
  if (at.getTime() > now.getTime() + 60_000) return { ok: false, problem: `time ${text} is in the future` };
  if (at.getUTCFullYear() < 1990) return { ok: false, problem: `time ${text} is before 1990` };
  return { ok: true, at };
}

interface RawRow {
  line: number;
  fields: Record<string, unknown>;
}

const normaliseKey = (key: string) =>
  key
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

const TIME_KEYS = ["measured_at", "measuredat", "time", "timestamp"];

function field(row: Record<string, unknown>, keys: readonly string[]): string {
  for (const key of keys) {
    const value = row[key];
    if (typeof value === "string") return value;
    if (typeof value === "number" && Number.isFinite(value)) return String(value);
  }
  return "";
}

function csvRows(text: string): { rows: RawRow[] } | { error: string } {
  const normalised = text.replace(/\r\n?/g, "\n");
  let header: string[] | null = null;
  let start = 0;
  let line = 1;
  const rows: RawRow[] = [];
  Papa.parse<string[]>(normalised, {
    step: (result) => {
      const rowStart = start;
      start = result.meta.cursor;
      const row = result.data;
      const rowLine = line;
      // A quoted field may span lines: count every line the row took.
      line += (normalised.slice(rowStart, start).match(/\n/g) ?? []).length;
      if (row.every((cell) => cell.trim() === "")) return;
      if (!header) {
        header = row.map(normaliseKey);
        return;
      }
      rows.push({
        line: rowLine,
        fields: Object.fromEntries(header.map((key, index) => [key, row[index] ?? ""])),
      });
    },
  });
  if (!header) return { error: "The file is empty." };
  const columns: string[] = header;
  const missing = [
    columns.includes("metric") ? null : "metric",
    columns.includes("value") ? null : "value",
    TIME_KEYS.some((key) => columns.includes(key)) ? null : "measured_at",
  ].filter(Boolean);
  if (missing.length) {
    return {
      error: `Line 1: the header row needs the columns metric, value and measured_at (unit is optional); ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} missing.`,
    };
  }
  return { rows };
}

/** The line each top-level element of a JSON array starts on (the text is valid JSON). */
function elementLines(text: string): number[] {
  const lines: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectingElement = false;
  for (const char of text) {
    if (char === "\n") line += 1;
    if (inString) {
      if (escaped) escaped = false;
      else if (char === "\\") escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (/\s/.test(char)) continue;
    if (depth === 1 && expectingElement && char !== "]") {
      lines.push(line);
      expectingElement = false;
    }
    if (char === '"') inString = true;
    else if (char === "[" || char === "{") {
      depth += 1;
      if (depth === 1) expectingElement = true;
    } else if (char === "]" || char === "}") depth -= 1;
    else if (char === "," && depth === 1) expectingElement = true;
  }
  return lines;
}

function jsonRows(text: string): { rows: RawRow[] } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(String(error))?.[1];
    const line = position ? text.slice(0, Number(position)).split("\n").length : null;
    return { error: `${line ? `Line ${line}: ` : ""}the file is not valid JSON.` };
  }
  if (!Array.isArray(parsed)) {
    return { error: "Line 1: a JSON export must be a list of readings: [ {…}, {…} ]." };
  }
  const lines = elementLines(text);
  return {
    rows: (parsed as unknown[]).map((element, index) => ({
      line: lines[index] ?? 1,
      fields:
        typeof element === "object" && element !== null && !Array.isArray(element)
          ? Object.fromEntries(
              Object.entries(element as Record<string, unknown>).map(([key, value]) => [
                normaliseKey(key),
                value,
              ]),
            )
          : { __notObject: true },
    })),
  };
}

/** Validates every row; any problem rejects the whole file, with every problem listed by line. */
export function parseReadings(text: string, now: Date = new Date()): ParseResult {
  const body = text.replace(/^\uFEFF/, "");
  if (!body.trim()) return { ok: false, errors: ["The file is empty."] };
  const isJson = /^\s*[[{]/.test(body);
  const source = isJson ? jsonRows(body) : csvRows(body);
  if ("error" in source) return { ok: false, errors: [source.error] };
  if (source.rows.length === 0) return { ok: false, errors: ["The file has no readings after its header."] };
  if (source.rows.length > IMPORT_LIMITS.rows) {
    return {
      ok: false,
      errors: [
        `The file has ${source.rows.length.toLocaleString("en")} readings; import at most ${IMPORT_LIMITS.rows.toLocaleString("en")} at a time (split the file).`,
      ],
    };
  }
  const errors: string[] = [];
  const readings: ParsedReading[] = [];
  for (const { line, fields } of source.rows) {
    const problem = (() => {
      if (fields.__notObject) return "each reading must be an object with metric, value and measured_at";
      const metricName = field(fields, ["metric"]);
      const metric = metricOf(metricName);
      if (!metric) {
        return metricName.trim()
          ? `unknown metric "${metricName.trim()}" (use heart_rate, blood_pressure, blood_glucose, weight or steps)`
          : "the metric is empty";
      }
      const value = checkValue(metric, field(fields, ["value"]), field(fields, ["unit"]));
      if (!value.ok) return value.problem;
      const time = checkTime(field(fields, TIME_KEYS), now);
      if (!time.ok) return time.problem;
      readings.push({ line, metric, value: value.value, measuredAt: time.at });
      return null;
    })();
    if (problem) errors.push(`Line ${line}: ${problem}.`);
  }
  return errors.length ? { ok: false, errors } : { ok: true, readings };
}

/** The errors as listed to the patient: at most `cap`, then how many more there are. */
export function listedErrors(errors: readonly string[], cap: number = IMPORT_LIMITS.listedErrors): string[] {
  if (errors.length <= cap) return [...errors];
  return [...errors.slice(0, cap), `…and ${errors.length - cap} more.`];
}
