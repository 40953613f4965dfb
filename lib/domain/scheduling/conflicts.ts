// PostgreSQL's exclusion constraints are the last word on overlaps; this turns
// their refusal into something a person can act on.
import { AppError } from "@/lib/http/errors";

/** Which overlap PostgreSQL refused (exclusion violation, 23P01), if this error is one. */
export function overlapOf(error: unknown): "doctor" | "patient" | null {
  const seen = new Set<unknown>();
  const texts: string[] = [];
  const collect = (value: unknown, depth: number) => {
    if (depth > 4 || value === null || typeof value !== "object" || seen.has(value)) return;
    seen.add(value);
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      if (typeof inner === "string") texts.push(inner);
      else if (key !== "stack") collect(inner, depth + 1);
    }
  };
  if (error instanceof Error) texts.push(error.message);
  collect(error, 0);
  const all = texts.join(" ");
  if (all.includes("appointments_doctor_no_overlap")) return "doctor";
  if (all.includes("appointments_patient_no_overlap")) return "patient";
  return null;
}

export function slotTakenError(nextSlots: Date[]): AppError {
  return new AppError("CONFLICT", "This time was just taken by someone else. Please choose another time.", {
    fields: [{ field: "startsAt", message: "This time was just taken." }],
    alternatives: nextSlots.map((slot) => slot.toISOString()),
  });
}

export const ownOverlapError = () =>
  new AppError(
    "CONFLICT",
    "You already have a visit at this time. Choose another time, or cancel that visit first.",
    {
      fields: [{ field: "startsAt", message: "You already have a visit then." }],
    },
  );
