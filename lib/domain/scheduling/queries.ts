// Scheduling reads, already scoped to who asks: a patient's own visits, a
// doctor's own schedule, the public directory. PHI (reasons, patient names)
// goes through the encrypted, audited data layer.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { recordRefusal } from "@/lib/authz/refusal";
import { getDb } from "@/lib/db/client";
import { schedulingPolicy } from "./config";
import { canSee } from "./policy";
import type { AppointmentView, DoctorCard } from "./schemas";
import { type AvailabilityInput, type Interval, computeSlots } from "./slots";
import { ACTIVE_STATUSES } from "./states";

const doctorSelect = {
  id: true,
  timeZone: true,
  doctorProfile: {
    select: {
      displayName: true,
      specialty: true,
      languages: true,
      bio: true,
      visitMinutes: true,
      feeMinor: true,
      currency: true,
      acceptingNewPatients: true,
    },
  },
} as const;

/** A doctor's hours, exceptions and visit length, as slots.ts takes them; null for no such active doctor. */
export async function availabilityOf(
  doctorId: string,
): Promise<(AvailabilityInput & { doctorId: string }) | null> {
  const doctor = await getDb().user.findFirst({
    where: { id: doctorId, role: "DOCTOR", status: "ACTIVE" },
    select: {
      id: true,
      timeZone: true,
      doctorProfile: { select: { visitMinutes: true } },
      availabilityRules: { select: { weekday: true, startMinute: true, endMinute: true } },
      availabilityExceptions: { select: { kind: true, date: true, startsAt: true, endsAt: true } },
    },
  });
  if (!doctor?.doctorProfile) return null;
  const intervals = (kind: string) =>
    doctor.availabilityExceptions
      .filter((e) => e.kind === kind && e.startsAt && e.endsAt)
      .map((e) => ({ start: e.startsAt!, end: e.endsAt! }));
  return {
    doctorId: doctor.id,
    timeZone: doctor.timeZone,
    visitMinutes: doctor.doctorProfile.visitMinutes,
    weekly: doctor.availabilityRules,
    daysOff: doctor.availabilityExceptions.filter((e) => e.kind === "DAY_OFF" && e.date).map((e) => e.date!),
    extra: intervals("EXTRA_HOURS"),
    blocked: intervals("BLOCKED"),
  };
}

/** Active bookings of a doctor between two instants (held holds past their expiry do not count). */
export async function busyIntervals(
  doctorId: string,
  from: Date,
  to: Date,
  exceptId?: string,
): Promise<Interval[]> {
  const now = new Date();
  const rows = await getDb().appointment.findMany({
    where: {
      doctorId,
      status: { in: [...ACTIVE_STATUSES] },
      startsAt: { lt: to },
      endsAt: { gt: from },
      ...(exceptId ? { id: { not: exceptId } } : {}),
      OR: [{ status: { not: "HELD" } }, { holdExpiresAt: { gt: now } }],
    },
    select: { startsAt: true, endsAt: true },
  });
  return rows.map((row) => ({ start: row.startsAt, end: row.endsAt }));
}

/** The bookable window now: from the minimum notice to the horizon. */
export function bookingWindow(now = new Date()): { from: Date; to: Date } {
  const policy = schedulingPolicy();
  return {
    from: new Date(now.getTime() + policy.minNoticeMs),
    to: new Date(now.getTime() + policy.horizonMs),
  };
}

/** Free slots in the next `days` days, starting `offsetDays` from now (pages: no clock in components). */
export function freeSlotsAhead(
  doctorId: string,
  window: { days: number; offsetDays?: number; exceptAppointmentId?: string },
): Promise<Interval[]> {
  const from = new Date(Date.now() + (window.offsetDays ?? 0) * 86_400_000);
  return freeSlots(doctorId, {
    from,
    to: new Date(from.getTime() + window.days * 86_400_000),
    ...(window.exceptAppointmentId ? { exceptAppointmentId: window.exceptAppointmentId } : {}),
  });
}

/** Free slots of a doctor within the bookable window (optionally narrower), ignoring one appointment (reschedule). */
export async function freeSlots(
  doctorId: string,
  range: { from?: Date; to?: Date; exceptAppointmentId?: string } = {},
): Promise<Interval[]> {
  const availability = await availabilityOf(doctorId);
  if (!availability) return [];
  const window = bookingWindow();
  const from = range.from && range.from > window.from ? range.from : window.from;
  const to = range.to && range.to < window.to ? range.to : window.to;
  if (from >= to) return [];
  const busy = await busyIntervals(doctorId, from, to, range.exceptAppointmentId);
  return computeSlots(availability, busy, from, to);
}

/**
 * The doctor's next free times, for a "just taken" answer. Looks a day ahead,
 * then a week, then the whole horizon: under contention every refused request
 * asks, and the full horizon costs about a hundred times more than a day.
 */
export async function nextFreeTimes(
  doctorId: string,
  options: { count?: number; exceptAppointmentId?: string } = {},
): Promise<Date[]> {
  const count = options.count ?? 3;
  const except = options.exceptAppointmentId ? { exceptAppointmentId: options.exceptAppointmentId } : {};
  let found: Date[] = [];
  for (const days of [1, 7, Infinity]) {
    const to = Number.isFinite(days) ? { to: new Date(Date.now() + days * 86_400_000) } : {};
    found = (await freeSlots(doctorId, { ...to, ...except })).slice(0, count).map((slot) => slot.start);
    if (found.length === count) break;
  }
  return found;
}

function toCard(doctor: {
  id: string;
  timeZone: string;
  doctorProfile: Omit<DoctorCard, "id" | "timeZone" | "nextSlots"> | null;
}): Omit<DoctorCard, "nextSlots"> | null {
  return doctor.doctorProfile ? { id: doctor.id, timeZone: doctor.timeZone, ...doctor.doctorProfile } : null;
}

/** The directory: active doctors, filtered by specialty and language, each with their next free times. */
export async function listDoctors(
  filters: { specialty?: string; language?: string } = {},
): Promise<DoctorCard[]> {
  const doctors = await getDb().user.findMany({
    where: {
      role: "DOCTOR",
      status: "ACTIVE",
      doctorProfile: {
        ...(filters.specialty ? { specialty: filters.specialty } : {}),
        ...(filters.language ? { languages: { has: filters.language } } : {}),
      },
    },
    select: doctorSelect,
  });
  const cards = doctors.map(toCard).filter((card) => card !== null);
  const week = new Date(Date.now() + 7 * 86_400_000);
  return Promise.all(
    cards
      .sort((a, b) => a.displayName.localeCompare(b.displayName))
      .map(async (card) => ({
        ...card,
        nextSlots: (await freeSlots(card.id, { to: week })).slice(0, 3).map((slot) => slot.start),
      })),
  );
}

/** The specialties and languages the directory can be filtered by. */
export async function directoryFacets(): Promise<{ specialties: string[]; languages: string[] }> {
  const profiles = await getDb().doctorProfile.findMany({
    where: { user: { status: "ACTIVE" } },
    select: { specialty: true, languages: true },
  });
  return {
    specialties: [...new Set(profiles.map((p) => p.specialty))].sort(),
    languages: [...new Set(profiles.flatMap((p) => p.languages))].sort(),
  };
}

/** One doctor's public profile, or null. */
export async function doctorCard(doctorId: string): Promise<Omit<DoctorCard, "nextSlots"> | null> {
  const doctor = await getDb().user.findFirst({
    where: { id: doctorId, role: "DOCTOR", status: "ACTIVE" },
    select: doctorSelect,
  });
  return doctor ? toCard(doctor) : null;
}

const appointmentSelect = {
  id: true,
  startsAt: true,
  endsAt: true,
  status: true,
  holdExpiresAt: true,
  confirmedAt: true,
  feeMinor: true,
  currency: true,
  doctorId: true,
  patientId: true,
  doctor: {
    select: {
      id: true,
      timeZone: true,
      doctorProfile: { select: { displayName: true, specialty: true } },
    },
  },
} as const;

type AppointmentRow = {
  id: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentView["status"];
  holdExpiresAt: Date | null;
  confirmedAt: Date | null;
  feeMinor: number;
  currency: string;
  doctor: { id: string; timeZone: string; doctorProfile: { displayName: string; specialty: string } | null };
  patient?: { id: string; timeZone: string; patientProfile: { fullName: string } | null };
  reason?: string;
  cancelReason?: string | null;
};

function toView(row: AppointmentRow): AppointmentView {
  return {
    id: row.id,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    status: row.status,
    holdExpiresAt: row.holdExpiresAt,
    confirmedAt: row.confirmedAt,
    feeMinor: row.feeMinor,
    currency: row.currency,
    doctor: {
      id: row.doctor.id,
      timeZone: row.doctor.timeZone,
      displayName: row.doctor.doctorProfile?.displayName ?? "Doctor",
      specialty: row.doctor.doctorProfile?.specialty ?? "",
    },
    patient: row.patient
      ? {
          id: row.patient.id,
          timeZone: row.patient.timeZone,
          fullName: row.patient.patientProfile?.fullName ?? "Patient",
        }
      : null,
    reason: row.reason ?? null,
    cancelReason: row.cancelReason ?? null,
  };
}

const patientSelect = {
  select: { id: true, timeZone: true, patientProfile: { select: { fullName: true } } },
} as const;

/**
 * A patient's own visits, upcoming first then past. The list shows times,
 * doctors and statuses, not reasons: no PHI is read, so no audit row per visit
 * on every dashboard view (the visit page reads and audits the reason).
 */
export async function patientAppointments(actor: AuthenticatedActor) {
  const rows = await getDb().appointment.findMany({
    where: { patientId: actor.userId, status: { not: "EXPIRED" } },
    select: appointmentSelect,
    orderBy: { startsAt: "asc" },
  });
  const now = Date.now();
  const views = rows.map(toView);
  return {
    upcoming: views.filter((v) => v.endsAt.getTime() >= now && v.status !== "CANCELLED"),
    past: views.filter((v) => v.endsAt.getTime() < now || v.status === "CANCELLED").reverse(),
  };
}

/** A doctor's own visits between two instants, with the patients' names and reasons. */
export async function doctorSchedule(
  actor: AuthenticatedActor,
  from: Date,
  to: Date,
): Promise<AppointmentView[]> {
  const rows = await getDb().appointment.findMany({
    where: {
      doctorId: actor.userId,
      startsAt: { lt: to },
      endsAt: { gt: from },
      status: { notIn: ["EXPIRED"] },
    },
    select: { ...appointmentSelect, reason: true, patient: patientSelect },
    orderBy: { startsAt: "asc" },
  });
  return rows.map(toView);
}

/** One visit as its patient or its doctor sees it; null for anyone else (a 404). */
export async function appointmentFor(
  actor: AuthenticatedActor,
  appointmentId: string,
): Promise<AppointmentView | null> {
  // Who it belongs to first (no PHI read), then its content only for a party.
  const parties = await getDb().appointment.findUnique({
    where: { id: appointmentId },
    select: { patientId: true, doctorId: true },
  });
  if (!parties || !canSee(actor, parties)) {
    await recordRefusal("Appointment", appointmentId);
    return null;
  }
  const row = await getDb().appointment.findUnique({
    where: { id: appointmentId },
    select: { ...appointmentSelect, reason: true, cancelReason: true, patient: patientSelect },
  });
  return row ? toView(row) : null;
}

/** The admin's view of one doctor's bookings from a week ago on (no reasons: admins do not read clinical content). */
export async function bookingsOfDoctor(doctorId: string) {
  const from = new Date(Date.now() - 7 * 86_400_000);
  const rows = await getDb().appointment.findMany({
    where: { doctorId, endsAt: { gt: from }, status: { not: "EXPIRED" } },
    select: { ...appointmentSelect, patient: patientSelect },
    orderBy: { startsAt: "asc" },
    take: 200,
  });
  return rows.map(toView);
}
