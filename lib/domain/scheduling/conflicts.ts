// PostgreSQL's exclusion constraints are the last word on overlaps; this turns
// their refusal into something a person can act on.
import { AppError } from "@/lib/http/errors";

/** Every message and code in an error and its causes (Prisma wraps the driver's error). */
function errorTexts(error: unknown): string {
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
  return texts.join(" ");
}

/** Which overlap PostgreSQL refused (exclusion violation, 23P01), if this error is one. */
export function overlapOf(error: unknown): "doctor" | "patient" | null {
  const all = errorTexts(error);
  if (all.includes("appointments_doctor_no_overlap")) return "doctor";
  if (all.includes("appointments_patient_no_overlap")) return "patient";
  return null;
}

/** A deadlock PostgreSQL broke (40P01; Prisma's P2034), if this error is one. */
export function isDeadlock(error: unknown): boolean {
  const all = errorTexts(error);
  return /\b(40P01|P2034)\b|deadlock/i.test(all);
}

/**
 * Runs a write that may overlap another booking, again when PostgreSQL broke a
 * deadlock. Two transactions inserting overlapping visits each find the
 * other's uncommitted row and wait for it; PostgreSQL aborts one after a
 * second. Tried again, that one gets the constraint's own answer ("just
 * taken") or, if the other rolled back, the time.
 */
export async function retryingDeadlocks<T>(write: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= attempts || !isDeadlock(error)) throw error;
    }
  }
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
