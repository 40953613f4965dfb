// What the devices and readings forms accept, and what their pages receive.
import { z } from "zod";
import type { DeviceKind, ReadingMetric } from "@/lib/db/generated/enums";

export const DEVICE_KINDS = [
  { value: "SMARTWATCH", label: "Smartwatch" },
  { value: "FITNESS_TRACKER", label: "Fitness tracker" },
  { value: "BLOOD_PRESSURE_MONITOR", label: "Blood pressure monitor" },
  { value: "GLUCOSE_METER", label: "Glucose meter" },
  { value: "SCALE", label: "Scale" },
  { value: "OTHER", label: "Other" },
] as const satisfies readonly { value: DeviceKind; label: string }[];

export const deviceKindLabel = (kind: DeviceKind) =>
  DEVICE_KINDS.find((option) => option.value === kind)?.label ?? kind;

/** Each metric as people read it: its unit and the order the charts show them in. */
export const METRICS = [
  { metric: "HEART_RATE", label: "Heart rate", unit: "bpm" },
  { metric: "BLOOD_PRESSURE", label: "Blood pressure", unit: "mmHg" },
  { metric: "BLOOD_GLUCOSE", label: "Blood glucose", unit: "mg/dL" },
  { metric: "WEIGHT", label: "Weight", unit: "kg" },
  { metric: "STEPS", label: "Steps", unit: "steps" },
] as const satisfies readonly { metric: ReadingMetric; label: string; unit: string }[];

export const metricInfo = (metric: ReadingMetric) => METRICS.find((entry) => entry.metric === metric)!;

const text = (what: string, max: number) =>
  z
    .string({ error: `Enter the ${what}.` })
    .trim()
    .min(1, `Enter the ${what}.`)
    .max(max, `Keep the ${what} under ${max} characters.`);

export const deviceSchema = z.object({
  kind: z.enum(
    ["SMARTWATCH", "FITNESS_TRACKER", "BLOOD_PRESSURE_MONITOR", "GLUCOSE_METER", "SCALE", "OTHER"],
    {
      error: "Choose what kind of device it is.",
    },
  ),
  vendor: text("maker (for example Withings)", 80),
  model: text("model", 80),
});
export type DeviceInput = z.infer<typeof deviceSchema>;

export const importTargetSchema = z.object({
  deviceId: z.uuid({ error: "Choose the device the readings come from." }),
});

/** The largest file and the most readings one import takes. */
export const IMPORT_LIMITS = { bytes: 1_000_000, rows: 5_000, listedErrors: 50 } as const;

export interface DeviceView {
  id: string;
  kind: DeviceKind;
  vendor: string;
  model: string;
  createdAt: Date;
}

export interface ReadingView {
  id: string;
  deviceId: string;
  metric: ReadingMetric;
  value: string;
  measuredAt: Date;
}
