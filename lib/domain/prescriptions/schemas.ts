// What a prescription is made of, validated at every boundary, and the views the
// pages and the PDF receive (no Prisma types leak out).
import { z } from "zod";
import { AppError } from "@/lib/http/errors";

export const MAX_ITEMS = 20;
export const MAX_REFILLS = 12;

/** Every field of an item, in the order a prescription is read, with its label and longest value. */
export const ITEM_FIELDS = [
  { name: "medicine", label: "Medicine", max: 200, example: "Amoxicillin" },
  { name: "strength", label: "Strength", max: 60, example: "500 mg" },
  { name: "form", label: "Form", max: 60, example: "capsule" },
  { name: "dose", label: "Dose", max: 100, example: "1 capsule" },
  { name: "route", label: "Route", max: 60, example: "by mouth" },
  { name: "frequency", label: "Frequency", max: 100, example: "3 times a day" },
  { name: "duration", label: "Duration", max: 60, example: "7 days" },
  { name: "quantity", label: "Quantity", max: 60, example: "21 capsules" },
] as const;

export type ItemTextField = (typeof ITEM_FIELDS)[number]["name"];

const text = (label: string, max: number) =>
  z
    .string({ error: `enter the ${label.toLowerCase()}.` })
    .trim()
    .min(1, `enter the ${label.toLowerCase()}.`)
    .max(max, `keep the ${label.toLowerCase()} under ${max} characters.`);

export const prescriptionItemSchema = z.object({
  ...(Object.fromEntries(ITEM_FIELDS.map((field) => [field.name, text(field.label, field.max)])) as Record<
    ItemTextField,
    z.ZodString
  >),
  refills: z.coerce
    .number({ error: `write the number of refills, 0 to ${MAX_REFILLS}.` })
    .int(`write the number of refills, 0 to ${MAX_REFILLS}.`)
    .min(0, `write the number of refills, 0 to ${MAX_REFILLS}.`)
    .max(MAX_REFILLS, `at most ${MAX_REFILLS} refills.`),
  instructions: z
    .string()
    .trim()
    .max(1_000, "keep the instructions under 1,000 characters.")
    .optional()
    .default(""),
});

export type PrescriptionItemInput = z.infer<typeof prescriptionItemSchema>;

export const prescriptionSchema = z.object({
  patientId: z.uuid("Choose the patient."),
  submissionId: z.uuid().optional(),
  appointmentId: z
    .union([z.literal(""), z.uuid("Choose one of your visits with this patient.")])
    .optional()
    .transform((value) => value || undefined),
  items: z
    .array(prescriptionItemSchema)
    .min(1, "Add at least one medicine.")
    .max(MAX_ITEMS, `A prescription holds at most ${MAX_ITEMS} medicines.`),
});

export type PrescriptionInput = z.infer<typeof prescriptionSchema>;

/** The form adds the doctor's explicit signature: issuing is signing. */
export const prescriptionFormSchema = prescriptionSchema.extend({
  confirm: z.literal("on", "Confirm that you sign this prescription."),
});

/** The form's field name of an item's field (items.0.medicine): the key of its error message too. */
export const itemFieldName = (index: number, field: string) => `items.${index}.${field}`;

/**
 * Parses a prescription, answering bad input with one readable message per field
 * ("Item 2: enter the dose."), keyed by the form's field names.
 */
export function parsePrescription(
  input: unknown,
  schema: typeof prescriptionSchema | typeof prescriptionFormSchema = prescriptionSchema,
): PrescriptionInput {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => {
    const [first, index, field] = issue.path;
    if (first === "items" && typeof index === "number" && typeof field === "string") {
      return { field: itemFieldName(index, field), message: `Item ${index + 1}: ${issue.message}` };
    }
    return { field: String(first ?? "items"), message: issue.message };
  });
  throw new AppError("VALIDATION_FAILED", "Some fields of the prescription need attention.", { fields });
}

/** The form's fields (items.<n>.<field>) as the schema's input, items in the order of their numbers. */
export function prescriptionFromForm(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const rows = new Map<number, Record<string, unknown>>();
  const result: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    if (typeof value !== "string") continue;
    const match = /^items\.(\d{1,2})\.([a-z]+)$/.exec(key);
    if (match) {
      const index = Number(match[1]);
      const row = rows.get(index) ?? {};
      row[match[2]!] = value;
      rows.set(index, row);
    } else if (["patientId", "appointmentId", "confirm", "submissionId"].includes(key)) {
      result[key] = value;
    }
  }
  result.items = [...rows.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
  return result;
}

export interface PrescriptionItemView extends Record<ItemTextField, string> {
  position: number;
  refills: number;
  instructions: string;
}

export interface PrescriptionView {
  id: string;
  patientId: string;
  doctorId: string;
  doctorName: string;
  licenseNumber: string | null;
  appointmentId: string | null;
  verificationCode: string;
  signedAt: Date;
  items: PrescriptionItemView[];
}

/** What the public verification page may show: who signed what kind of document and when, nothing of the patient. */
export interface VerifiedPrescription {
  doctorName: string;
  licenseNumber: string | null;
  clinicName: string;
  signedAt: Date;
  doctorTimeZone: string;
  itemCount: number;
}
