import { describe, expect, it } from "vitest";
import {
  checkTime,
  checkValue,
  listedErrors,
  metricOf,
  parseBloodPressure,
  parseReadings,
} from "@/lib/domain/readings/parse-readings";
import { chartSeries } from "@/lib/domain/readings/series";

const problemOf = (check: { ok: true } | { ok: false; problem: string }) =>
  check.ok ? "(accepted)" : check.problem;
const errorsOf = (result: ReturnType<typeof parseReadings>) => (result.ok ? [] : result.errors);

const NOW = new Date("2026-12-01T12:00:00Z");
const HEADER = "metric,value,unit,measured_at";

describe("metric names", () => {
  it("accepts names and aliases in any case and spelling of the separator", () => {
    expect(metricOf("heart_rate")).toBe("HEART_RATE");
    expect(metricOf(" HR ")).toBe("HEART_RATE");
    expect(metricOf("Heart rate")).toBe("HEART_RATE");
    expect(metricOf("blood-pressure")).toBe("BLOOD_PRESSURE");
    expect(metricOf("BP")).toBe("BLOOD_PRESSURE");
    expect(metricOf("Glucose")).toBe("BLOOD_GLUCOSE");
    expect(metricOf("weight")).toBe("WEIGHT");
    expect(metricOf("Steps")).toBe("STEPS");
    expect(metricOf("temperature")).toBeNull();
  });
});

describe("blood pressure", () => {
  it("reads systolic/diastolic with optional spaces", () => {
    expect(parseBloodPressure("120/80")).toEqual({ ok: true, systolic: 120, diastolic: 80 });
    expect(parseBloodPressure(" 135 / 88 ")).toEqual({ ok: true, systolic: 135, diastolic: 88 });
  });
  it("refuses other shapes, out-of-range numbers and swapped numbers", () => {
    expect(problemOf(parseBloodPressure("120-80"))).toContain("like 120/80");
    expect(parseBloodPressure("120")).toMatchObject({ ok: false });
    expect(problemOf(parseBloodPressure("270/80"))).toContain("50–260");
    expect(problemOf(parseBloodPressure("120/20"))).toContain("30–160");
    expect(problemOf(parseBloodPressure("80/120"))).toContain("larger number second");
  });
});

describe("values", () => {
  it("checks each metric's range at its edges", () => {
    expect(checkValue("HEART_RATE", "20", "")).toEqual({ ok: true, value: "20" });
    expect(checkValue("HEART_RATE", "250", "bpm")).toEqual({ ok: true, value: "250" });
    expect(checkValue("HEART_RATE", "251", "")).toMatchObject({ ok: false });
    expect(checkValue("STEPS", "0", "")).toEqual({ ok: true, value: "0" });
    expect(checkValue("STEPS", "100001", "")).toMatchObject({
      ok: false,
      problem: "steps 100001 is outside 0–100000",
    });
    expect(problemOf(checkValue("STEPS", "12.5", ""))).toContain("whole number");
    expect(checkValue("WEIGHT", "1.9", "kg")).toMatchObject({ ok: false });
    expect(checkValue("WEIGHT", "70.25", "")).toEqual({ ok: true, value: "70.3" });
    expect(checkValue("BLOOD_GLUCOSE", "601", "mg/dL")).toMatchObject({ ok: false });
    expect(problemOf(checkValue("HEART_RATE", "seventy", ""))).toContain("not a number");
    expect(checkValue("HEART_RATE", "-5", "")).toMatchObject({ ok: false });
  });
  it("converts glucose from mmol/L and weight from pounds, and refuses unknown units", () => {
    expect(checkValue("BLOOD_GLUCOSE", "5.5", "mmol/L")).toEqual({ ok: true, value: "99" });
    expect(checkValue("BLOOD_GLUCOSE", "40", "mmol/l")).toMatchObject({
      ok: false,
      problem: "blood glucose 40 mmol/l (721 mg/dL) is outside 20–600 mg/dL",
    });
    expect(checkValue("WEIGHT", "154", "lb")).toEqual({ ok: true, value: "69.9" });
    expect(problemOf(checkValue("WEIGHT", "11", "stone"))).toContain('"stone"');
    expect(checkValue("BLOOD_PRESSURE", "120/80", "kPa")).toMatchObject({ ok: false });
  });
});

describe("times", () => {
  it("needs an ISO 8601 time with an offset, a real date, not in the future", () => {
    expect(checkTime("2026-11-03T08:30:00+01:00", NOW)).toEqual({
      ok: true,
      at: new Date("2026-11-03T07:30:00Z"),
    });
    expect(checkTime("2026-11-03T07:30Z", NOW)).toMatchObject({ ok: true });
    expect(problemOf(checkTime("2026-11-03T08:30:00", NOW))).toContain("offset");
    expect(checkTime("03/11/2026 08:30", NOW)).toMatchObject({ ok: false });
    expect(checkTime("2026-02-30T08:00:00Z", NOW)).toMatchObject({ ok: false });
    expect(problemOf(checkTime("2026-12-02T08:00:00Z", NOW))).toContain("future");
    expect(problemOf(checkTime("", NOW))).toContain("empty");
  });
});

describe("CSV files", () => {
  it("reads every row, with the line it is on", () => {
    const result = parseReadings(
      `${HEADER}\nhr,72,bpm,2026-11-01T08:00:00Z\nBP,"120/80",mmHg,2026-11-01T08:05:00+01:00\nsteps,9000,,2026-11-01T22:00:00Z\n`,
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      readings: [
        { line: 2, metric: "HEART_RATE", value: "72", measuredAt: new Date("2026-11-01T08:00:00Z") },
        { line: 3, metric: "BLOOD_PRESSURE", value: "120/80", measuredAt: new Date("2026-11-01T07:05:00Z") },
        { line: 4, metric: "STEPS", value: "9000", measuredAt: new Date("2026-11-01T22:00:00Z") },
      ],
    });
  });

  it("names every bad row by its line in the file, counting blank lines, CRLF and the header", () => {
    const file = [
      HEADER,
      "heart_rate,72,,2026-11-01T08:00:00Z",
      "",
      "heart_rate,400,,2026-11-01T09:00:00Z",
      "temperature,37,,2026-11-01T09:00:00Z",
      "bp,120,,2026-11-01T09:00:00Z",
      "weight,70,,2026-11-01 09:00",
    ].join("\r\n");
    const errors = errorsOf(parseReadings(file, NOW));
    expect(errors.slice(0, 3)).toEqual([
      "Line 4: heart rate 400 is outside 20–250 bpm.",
      'Line 5: unknown metric "temperature" (use heart_rate, blood_pressure, blood_glucose, weight or steps).',
      'Line 6: blood pressure "120" is not written like 120/80.',
    ]);
    expect(errors).toHaveLength(4);
    expect(errors[3]).toMatch(/^Line 7: time "2026-11-01 09:00" is not an ISO 8601 time/);
  });

  it("counts the lines a quoted field spans", () => {
    const file = `${HEADER}\n"steps","1\n2",,2026-11-01T08:00:00Z\nhr,300,,2026-11-01T08:00:00Z`;
    const result = parseReadings(file, NOW);
    expect(result).toMatchObject({ ok: false });
    expect(result.ok ? [] : result.errors.at(-1)).toBe("Line 4: heart rate 300 is outside 20–250 bpm.");
  });

  it("accepts header names in other spellings and says which columns are missing", () => {
    expect(parseReadings("Metric,Value,Measured At\nhr,70,2026-11-01T08:00:00Z", NOW)).toMatchObject({
      ok: true,
    });
    expect(parseReadings("metric,reading,measured_at\nhr,70,2026-11-01T08:00:00Z", NOW)).toEqual({
      ok: false,
      errors: [
        "Line 1: the header row needs the columns metric, value and measured_at (unit is optional); value is missing.",
      ],
    });
  });

  it("refuses an empty file, a header alone and more than 5,000 rows", () => {
    expect(parseReadings("", NOW)).toEqual({ ok: false, errors: ["The file is empty."] });
    expect(parseReadings(`${HEADER}\n`, NOW)).toEqual({
      ok: false,
      errors: ["The file has no readings after its header."],
    });
    const many = [HEADER, ...Array.from({ length: 5_001 }, () => "hr,70,,2026-11-01T08:00:00Z")].join("\n");
    const result = parseReadings(many, NOW);
    expect(errorsOf(result).join("\n")).toContain("at most 5,000");
  });
});

describe("JSON files", () => {
  it("reads an array of objects, numbers or strings as values", () => {
    const result = parseReadings(
      '[{"metric":"glucose","value":5.4,"unit":"mmol/L","measured_at":"2026-11-01T08:00:00Z"},{"Metric":"weight","Value":"71","Measured_At":"2026-11-01T08:00:00Z"}]',
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      readings: [
        { line: 1, metric: "BLOOD_GLUCOSE", value: "97", measuredAt: new Date("2026-11-01T08:00:00Z") },
        { line: 1, metric: "WEIGHT", value: "71", measuredAt: new Date("2026-11-01T08:00:00Z") },
      ],
    });
  });

  it("names a bad element by the line it starts on", () => {
    const file = `[\n  {\n    "metric": "hr",\n    "value": 72,\n    "measured_at": "2026-11-01T08:00:00Z"\n  },\n  { "metric": "hr", "value": "x{,]", "measured_at": "2026-11-01T08:00:00Z" },\n  {"metric": "steps", "value": 5, "measured_at": "2099-01-01T00:00:00Z"}\n]`;
    expect(parseReadings(file, NOW)).toEqual({
      ok: false,
      errors: [
        'Line 7: heart rate "x{,]" is not a number.',
        "Line 8: time 2099-01-01T00:00:00Z is in the future.",
      ],
    });
  });

  it("refuses invalid JSON and JSON that is not a list", () => {
    expect(errorsOf(parseReadings('[\n{"metric": "hr",\n}', NOW)).join("\n")).toContain("not valid JSON");
    expect(errorsOf(parseReadings('{"metric":"hr"}', NOW)).join("\n")).toContain("list of readings");
    expect(errorsOf(parseReadings("[1]", NOW)).join("\n")).toMatch(/^Line 1: each reading/);
  });
});

describe("the list of errors", () => {
  it("shows at most 50 and says how many more there are", () => {
    const errors = Array.from({ length: 120 }, (_, i) => `Line ${i + 2}: bad.`);
    const listed = listedErrors(errors);
    expect(listed).toHaveLength(51);
    expect(listed.at(-1)).toBe("…and 70 more.");
    expect(listedErrors(errors.slice(0, 3))).toEqual(errors.slice(0, 3));
  });
});

describe("chart series", () => {
  it("splits blood pressure into two numbers and orders each metric by time", () => {
    const series = chartSeries(
      [
        { metric: "BLOOD_PRESSURE", value: "130/85", measuredAt: new Date("2026-11-02T08:00:00Z") },
        { metric: "BLOOD_PRESSURE", value: "120/80", measuredAt: new Date("2026-11-01T08:00:00Z") },
        { metric: "STEPS", value: "9000", measuredAt: new Date("2026-11-01T20:00:00Z") },
      ],
      (at) => at.toISOString().slice(0, 10),
    );
    expect(series.map((entry) => entry.metric)).toEqual(["BLOOD_PRESSURE", "STEPS"]);
    expect(series[0]!.points).toEqual([
      { at: Date.parse("2026-11-01T08:00:00Z"), label: "2026-11-01", value: 120, second: 80 },
      { at: Date.parse("2026-11-02T08:00:00Z"), label: "2026-11-02", value: 130, second: 85 },
    ]);
    expect(series[1]!.unit).toBe("steps");
  });
});
