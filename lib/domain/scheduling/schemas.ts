// What scheduling accepts from forms and what its pages receive.
import { z } from "zod";
import { currencyExponent, isCurrency, parseMajorAmount } from "@/lib/domain/payments/money";
import type { AppointmentStatus } from "@/lib/db/generated/enums";

const instant = z.iso
  .datetime({ offset: true, error: "Choose a time from the list." })
  .transform((value) => new Date(value));

export const bookingSchema = z.object({
  doctorId: z.uuid({ error: "Choose a doctor." }),
  startsAt: instant,
  reason: z
    .string({ error: "Tell the doctor briefly why you want the visit." })
    .trim()
    .min(3, "Tell the doctor briefly why you want the visit.")
    .max(1_000, "Keep the reason under 1,000 characters; you can say more in the visit."),
});

export const rescheduleSchema = z.object({
  appointmentId: z.uuid(),
  startsAt: instant,
});

export const cancelSchema = z.object({
  appointmentId: z.uuid(),
  reason: z
    .string({ error: "Say why you cancel: the other party sees it." })
    .trim()
    .min(3, "Say why you cancel: the other party sees it.")
    .max(500, "Keep the reason under 500 characters."),
});

export const appointmentIdSchema = z.object({ appointmentId: z.uuid() });

export const exceptionIdSchema = z.object({ exceptionId: z.uuid() });

export const progressSchema = z.object({
  appointmentId: z.uuid(),
  step: z.enum(["start", "complete", "no-show"]),
});

const TIME_RANGE = /^([01]\d|2[0-4]):([0-5]\d)\s*[-–]\s*([01]\d|2[0-4]):([0-5]\d)$/;

/** "09:00-12:00, 13:00-17:30" → minute ranges; "" → none. */
export function parseDayRanges(text: string): { startMinute: number; endMinute: number }[] | string {
  const ranges: { startMinute: number; endMinute: number }[] = [];
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = TIME_RANGE.exec(part);
    if (!match) return `Write hours like 09:00-12:00, separated by commas ("${part.slice(0, 20)}" is not).`;
    const startMinute = Number(match[1]) * 60 + Number(match[2]);
    const endMinute = Number(match[3]) * 60 + Number(match[4]);
    if (startMinute >= endMinute || endMinute > 1440) return `${part} ends before it starts.`;
    ranges.push({ startMinute, endMinute });
  }
  return ranges;
}

export const WEEKDAYS = [
  { weekday: 1, name: "Monday" },
  { weekday: 2, name: "Tuesday" },
  { weekday: 3, name: "Wednesday" },
  { weekday: 4, name: "Thursday" },
  { weekday: 5, name: "Friday" },
  { weekday: 6, name: "Saturday" },
  { weekday: 7, name: "Sunday" },
] as const;

export const doctorSettingsSchema = z
  .object({
    timeZone: z.string().trim().min(1, "Choose your time zone."),
    visitMinutes: z.coerce
      .number({ error: "Enter the visit length in minutes." })
      .int("Use whole minutes.")
      .min(10, "A visit lasts at least 10 minutes.")
      .max(240, "A visit lasts at most 4 hours."),
    languages: z
      .string()
      .trim()
      .max(100)
      .transform((value) =>
        value
          .split(",")
          .map((code) => code.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(
        z.array(z.string().regex(/^[a-z]{2}$/, "Use two-letter language codes, like en, de, hi.")).max(10),
      ),
    bio: z.string().trim().max(1_000, "Keep the introduction under 1,000 characters."),
    fee: z
      .string()
      .trim()
      .regex(/^\d{1,6}([.,]\d{1,3})?$/, "Enter the fee as a number, like 45 or 45.50."),
    currency: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{3}$/, "Use a three-letter currency code, like EUR, USD, INR.")
      .refine(isCurrency, "Use an ISO 4217 currency code, like EUR, USD, INR."),
    acceptingNewPatients: z
      .string()
      .optional()
      .transform((value) => value === "on"),
    licenseNumber: z
      .string()
      .trim()
      .max(40, "Keep the licence number under 40 characters.")
      .regex(/^[\p{L}\p{N} ./-]*$/u, "Use letters, digits, spaces, dots, slashes and dashes only.")
      .optional()
      .transform((value) => value || null),
  })
  // The fee's minor units depend on the currency (JPY has none, KWD three): never a flat × 100.
  .transform((settings, context) => {
    const fee = parseMajorAmount(settings.fee, settings.currency);
    if (fee === null) {
      const exponent = currencyExponent(settings.currency);
      context.addIssue({
        code: "custom",
        path: ["fee"],
        message:
          exponent === 0
            ? `${settings.currency} has no decimals: enter a whole amount, like 5000.`
            : `Enter the fee with at most ${exponent} decimals, like 45.50.`,
      });
      return z.NEVER;
    }
    return { ...settings, fee };
  });

export const exceptionSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("DAY_OFF"),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Choose the day."),
    note: z.string().trim().max(100).optional(),
  }),
  z.object({
    kind: z.enum(["EXTRA_HOURS", "BLOCKED"]),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Choose the day."),
    hours: z.string().trim().min(1, "Write the hours, like 14:00-16:00."),
    note: z.string().trim().max(100).optional(),
  }),
]);

export interface DoctorCard {
  id: string;
  displayName: string;
  specialty: string;
  languages: string[];
  bio: string | null;
  visitMinutes: number;
  feeMinor: number;
  currency: string;
  acceptingNewPatients: boolean;
  timeZone: string;
  nextSlots: Date[];
}

export interface AppointmentView {
  id: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  holdExpiresAt: Date | null;
  /** Null while never confirmed: such a visit does not make its doctor a treating doctor. */
  confirmedAt: Date | null;
  doctor: { id: string; displayName: string; specialty: string; timeZone: string };
  patient: { id: string; fullName: string; timeZone: string } | null;
  reason: string | null;
  cancelReason: string | null;
  feeMinor: number;
  currency: string;
}
