// Readings shaped for the charts and their tables: one series per metric, in
// time order; blood pressure split into its two numbers (two lines).
import type { ReadingMetric } from "@/lib/db/generated/enums";
import { METRICS } from "./schemas";
import { parseBloodPressure } from "./parse-readings";

export interface ChartPoint {
  /** Milliseconds since the epoch (the chart's time axis). */
  at: number;
  /** When, as the viewer reads it (made on the server, in the viewer's zone). */
  label: string;
  value: number;
  /** Blood pressure's diastolic number. */
  second?: number;
}

export interface ChartSeries {
  metric: ReadingMetric;
  label: string;
  unit: string;
  points: ChartPoint[];
}

export function chartSeries(
  readings: readonly { metric: ReadingMetric; value: string; measuredAt: Date }[],
  formatTime: (at: Date) => string,
): ChartSeries[] {
  return METRICS.flatMap(({ metric, label, unit }) => {
    const points = readings
      .filter((reading) => reading.metric === metric)
      .flatMap((reading): ChartPoint[] => {
        const base = { at: reading.measuredAt.getTime(), label: formatTime(reading.measuredAt) };
        if (metric === "BLOOD_PRESSURE") {
          const pressure = parseBloodPressure(reading.value);
          return pressure.ok ? [{ ...base, value: pressure.systolic, second: pressure.diastolic }] : [];
        }
        const value = Number(reading.value);
        return Number.isFinite(value) ? [{ ...base, value }] : [];
      })
      .sort((a, b) => a.at - b.at);
    return points.length ? [{ metric, label, unit, points }] : [];
  });
}
