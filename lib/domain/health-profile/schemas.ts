// What the health profile and medication forms accept, and what pages receive.
// Optional text left empty becomes null (cleared); a field that is absent
// altogether (undefined) is left as it is.
import { z } from "zod";
import { AppError } from "@/lib/http/errors";
import { isCountryCode } from "./countries";
import { isRealDate, latestDateOnEarth } from "./dates";

const optionalText = (max: number, tooLong: string) =>
  z
    .string()
    .trim()
    .max(max, tooLong)
    .transform((value) => (value === "" ? null : value))
    .optional();

/** An optional ISO date that exists and is not in the future. */
const pastDate = (noun: string, future: string) =>
  z
    .string()
    .trim()
    .refine((value) => value === "" || /^\d{4}-\d{2}-\d{2}$/.test(value), `Enter the ${noun} as YYYY-MM-DD.`)
    .refine((value) => value === "" || isRealDate(value), `That ${noun} does not exist.`)
    .refine((value) => value === "" || value >= "1900-01-01", `Enter a ${noun} after 1900.`)
    .refine((value) => value === "" || value <= latestDateOnEarth(), future)
    .transform((value) => (value === "" ? null : value))
    .optional();

const PHONE_CHARACTERS = /^\+?[0-9 ().-]+$/;

export const phoneSchema = z
  .string()
  .trim()
  .refine((value) => {
    if (value === "") return true;
    const digits = value.replace(/\D/g, "").length;
    return PHONE_CHARACTERS.test(value) && digits >= 7 && digits <= 15;
  }, "Enter a phone number of 7 to 15 digits, like +1 555 010 0101 (spaces, dashes and brackets are fine).")
  .transform((value) => (value === "" ? null : value))
  .optional();

export const healthProfileSchema = z.object({
  fullName: z
    .string({ error: "Enter your full name." })
    .trim()
    .min(2, "Enter your full name.")
    .max(200, "Keep your name under 200 characters."),
  dateOfBirth: pastDate("date of birth", "Enter a date of birth in the past."),
  phone: phoneSchema,
  address: optionalText(500, "Keep the address under 500 characters."),
  medicalHistory: optionalText(5_000, "Keep your medical history under 5,000 characters."),
  allergies: optionalText(2_000, "Keep the allergies under 2,000 characters."),
  emergencyContact: optionalText(300, "Keep the emergency contact under 300 characters."),
  country: z
    .string()
    .trim()
    .toUpperCase()
    .refine((value) => value === "" || isCountryCode(value), "Choose a country from the list.")
    .transform((value) => (value === "" ? null : value))
    .optional(),
});
export type HealthProfileInput = z.infer<typeof healthProfileSchema>;

/** The profile fields, in the order forms and audit rows list them. */
export const PROFILE_FIELDS = [
  "fullName",
  "dateOfBirth",
  "phone",
  "address",
  "medicalHistory",
  "allergies",
  "emergencyContact",
  "country",
] as const satisfies readonly (keyof HealthProfileInput)[];
export type ProfileField = (typeof PROFILE_FIELDS)[number];

const medicationName = z
  .string({ error: "Enter the medicine's name." })
  .trim()
  .min(2, "Enter the medicine's name, like Levothyroxine 50 mcg.")
  .max(200, "Keep the name under 200 characters.");

const dosage = z
  .string({ error: "Say how much you take and how often." })
  .trim()
  .min(1, "Say how much you take and how often, like 1 tablet once daily.")
  .max(200, "Keep the dosage under 200 characters.");

const startedOn = pastDate("start date", "The start date cannot be in the future.");
const stoppedOn = pastDate(
  "stop date",
  "The stop date cannot be in the future: leave it empty while you still take it.",
);

export const STOP_BEFORE_START = "The stop date cannot be before the start date.";

/** The same refusal from a service (when the other date is the stored one). */
export const stopBeforeStartError = () =>
  new AppError("VALIDATION_FAILED", STOP_BEFORE_START, {
    fields: [{ field: "stoppedOn", message: STOP_BEFORE_START }],
  });

/** A stop date before the start date, reported next to the stop date. */
function stopNotBeforeStart(
  value: { startedOn?: string | null; stoppedOn?: string | null },
  ctx: z.RefinementCtx,
) {
  if (value.startedOn && value.stoppedOn && value.stoppedOn < value.startedOn) {
    ctx.addIssue({ code: "custom", path: ["stoppedOn"], message: STOP_BEFORE_START });
  }
}

export const addMedicationSchema = z
  .object({ name: medicationName, dosage, startedOn, stoppedOn })
  .superRefine(stopNotBeforeStart);
export type AddMedicationInput = z.infer<typeof addMedicationSchema>;

export const updateMedicationSchema = z
  .object({ medicationId: z.uuid(), dosage, startedOn, stoppedOn })
  .superRefine(stopNotBeforeStart);
/** Fields left undefined are not changed. */
export type UpdateMedicationInput = Partial<Omit<z.infer<typeof updateMedicationSchema>, "medicationId">>;

export const stopMedicationSchema = z.object({ medicationId: z.uuid(), stoppedOn });

export const medicationIdSchema = z.object({ medicationId: z.uuid() });

/** The medication fields the patient may change after adding one (the name identifies the entry). */
export const MEDICATION_FIELDS = ["dosage", "startedOn", "stoppedOn"] as const;

export interface HealthProfileView {
  fullName: string;
  dateOfBirth: string | null;
  phone: string | null;
  address: string | null;
  medicalHistory: string | null;
  allergies: string | null;
  emergencyContact: string | null;
  country: string | null;
}

export interface MedicationView {
  id: string;
  name: string;
  dosage: string;
  startedOn: string | null;
  stoppedOn: string | null;
  createdAt: Date;
}

export interface HealthSummary {
  profile: HealthProfileView | null;
  /** Still taken (no stop date), newest start first. */
  current: MedicationView[];
  /** Stopped, most recently stopped first. */
  past: MedicationView[];
}
