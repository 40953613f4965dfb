// A doctor keeps their own weekly hours, exceptions and booking settings.
import "server-only";
import { Temporal } from "temporal-polyfill";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";
import { parseDayRanges } from "./schemas";
import { localMinuteToInstant } from "./slots";
import { canonicalTimeZone } from "./time-zones";

function assertDoctor(actor: AuthenticatedActor): void {
  if (actor.role !== "DOCTOR") throw new AppError("FORBIDDEN", "Only doctors keep availability.");
}

/** Replaces the weekly hours: text per ISO weekday, like "09:00-12:00, 13:00-17:00". */
export async function saveWeeklyHours(
  actor: AuthenticatedActor,
  byWeekday: Record<number, string>,
): Promise<void> {
  assertDoctor(actor);
  const rules: { weekday: number; startMinute: number; endMinute: number }[] = [];
  const fields: { field: string; message: string }[] = [];
  for (let weekday = 1; weekday <= 7; weekday += 1) {
    const parsed = parseDayRanges(byWeekday[weekday] ?? "");
    if (typeof parsed === "string") fields.push({ field: `day${weekday}`, message: parsed });
    else rules.push(...parsed.map((range) => ({ weekday, ...range })));
  }
  if (fields.length) throw new AppError("VALIDATION_FAILED", "Some hours are not written right.", { fields });
  await transaction(async () => {
    await getDb().availabilityRule.deleteMany({ where: { doctorId: actor.userId } });
    await getDb().availabilityRule.createMany({
      data: rules.map((rule) => ({ ...rule, doctorId: actor.userId })),
    });
    await recordAuditEvent({
      action: "availability.weekly-updated",
      resourceType: "User",
      resourceId: actor.userId,
      details: { ranges: rules.length },
    });
  });
}

export interface DoctorSettings {
  timeZone: string;
  visitMinutes: number;
  languages: string[];
  bio: string;
  fee: number;
  currency: string;
  acceptingNewPatients: boolean;
  /** Printed on prescriptions; null when not given. */
  licenseNumber?: string | null;
}

export async function saveDoctorSettings(actor: AuthenticatedActor, settings: DoctorSettings): Promise<void> {
  assertDoctor(actor);
  const timeZone = canonicalTimeZone(settings.timeZone);
  if (!timeZone) {
    throw new AppError("VALIDATION_FAILED", "Choose a time zone from the list.", {
      fields: [{ field: "timeZone", message: "Choose a time zone from the list." }],
    });
  }
  await transaction(async () => {
    await getDb().user.update({
      where: { id: actor.userId },
      data: { timeZone },
      select: { id: true },
    });
    await getDb().doctorProfile.update({
      where: { userId: actor.userId },
      data: {
        visitMinutes: settings.visitMinutes,
        languages: settings.languages,
        bio: settings.bio || null,
        feeMinor: settings.fee,
        currency: settings.currency,
        acceptingNewPatients: settings.acceptingNewPatients,
        ...(settings.licenseNumber !== undefined ? { licenseNumber: settings.licenseNumber } : {}),
      },
    });
    await recordAuditEvent({
      action: "availability.settings-updated",
      resourceType: "User",
      resourceId: actor.userId,
    });
  });
}

export type ExceptionInput =
  | { kind: "DAY_OFF"; date: string; note?: string | undefined }
  | { kind: "EXTRA_HOURS" | "BLOCKED"; date: string; hours: string; note?: string | undefined };

export async function addException(actor: AuthenticatedActor, input: ExceptionInput): Promise<void> {
  assertDoctor(actor);
  const { timeZone } = await getDb().user.findUniqueOrThrow({
    where: { id: actor.userId },
    select: { timeZone: true },
  });
  let date: Temporal.PlainDate;
  try {
    date = Temporal.PlainDate.from(input.date);
  } catch {
    throw new AppError("VALIDATION_FAILED", "Choose the day.", {
      fields: [{ field: "date", message: "Choose the day." }],
    });
  }
  if (input.kind === "DAY_OFF") {
    await getDb().availabilityException.create({
      data: { doctorId: actor.userId, kind: "DAY_OFF", date: date.toString(), note: input.note ?? null },
    });
  } else {
    const ranges = parseDayRanges(input.hours);
    if (typeof ranges === "string" || ranges.length !== 1) {
      const message = typeof ranges === "string" ? ranges : "Write one range of hours, like 14:00-16:00.";
      throw new AppError("VALIDATION_FAILED", message, { fields: [{ field: "hours", message }] });
    }
    const [range] = ranges as [{ startMinute: number; endMinute: number }];
    await getDb().availabilityException.create({
      data: {
        doctorId: actor.userId,
        kind: input.kind,
        startsAt: localMinuteToInstant(date, range.startMinute, timeZone),
        endsAt: localMinuteToInstant(date, range.endMinute, timeZone),
        note: input.note ?? null,
      },
    });
  }
  await recordAuditEvent({
    action: "availability.exception-added",
    resourceType: "User",
    resourceId: actor.userId,
    details: { kind: input.kind },
  });
}

export async function removeException(actor: AuthenticatedActor, exceptionId: string): Promise<void> {
  assertDoctor(actor);
  const { count } = await getDb().availabilityException.deleteMany({
    where: { id: exceptionId, doctorId: actor.userId },
  });
  if (count === 0) throw new AppError("NOT_FOUND", "No such exception.");
  await recordAuditEvent({
    action: "availability.exception-removed",
    resourceType: "User",
    resourceId: actor.userId,
  });
}

/** What the doctor's availability page shows: the current rules and exceptions, in their zone. */
export async function ownAvailability(actor: AuthenticatedActor) {
  assertDoctor(actor);
  return getDb().user.findUniqueOrThrow({
    where: { id: actor.userId },
    select: {
      timeZone: true,
      doctorProfile: {
        select: {
          visitMinutes: true,
          languages: true,
          bio: true,
          feeMinor: true,
          currency: true,
          acceptingNewPatients: true,
          licenseNumber: true,
        },
      },
      availabilityRules: {
        select: { weekday: true, startMinute: true, endMinute: true },
        orderBy: [{ weekday: "asc" }, { startMinute: "asc" }],
      },
      availabilityExceptions: {
        select: { id: true, kind: true, date: true, startsAt: true, endsAt: true, note: true },
        orderBy: [{ date: "asc" }, { startsAt: "asc" }],
      },
    },
  });
}
