// Demo accounts for development and end-to-end tests, written through the
// encrypted, audited data layer. Idempotent: running it twice changes nothing.
// Refuses to run in production. Every person here is fictional.
import { Temporal } from "temporal-polyfill";
import { hashPassword } from "@/lib/auth/password";
import { localMinuteToInstant } from "@/lib/domain/scheduling/slots";
import type { Db } from "@/lib/db/client";
import { runAsSystem } from "@/lib/request-context";

import { DEMO_EMAILS, DEMO_PASSWORD } from "./demo-accounts";
import { seedDemoConsents } from "./seed-consents";
import { seedDemoMessages } from "./seed-messages";
import { seedDemoBackups } from "./seed-backups";
import { seedDemoInsurance } from "./seed-insurance";
import { seedDemoRights } from "./seed-rights";
import { seedDemoSecurity } from "./seed-security";
import { seedDemoDocuments } from "./seed-documents";
import { seedDemoHealthProfile } from "./seed-health-profile";
import { seedDemoPayments } from "./seed-payments";
import { seedDemoPrescriptions } from "./seed-prescriptions";
import { seedDemoReadings } from "./seed-readings";

export interface DemoAccount {
  email: string;
  role: "ADMIN" | "DOCTOR" | "PATIENT";
  label: string;
}

const DEMO_ADMIN = { email: DEMO_EMAILS.admin, label: "Clinic admin" };
const weekdays = (ranges: [number, number][], days = [1, 2, 3, 4, 5]) =>
  days.flatMap((weekday) =>
    ranges.map(([from, to]) => ({ weekday, startMinute: from * 60, endMinute: to * 60 })),
  );

const DEMO_DOCTORS = [
  {
    email: DEMO_EMAILS.doctors[0],
    displayName: "Dr. Amara Okafor",
    specialty: "Family Medicine",
    timeZone: "Europe/Berlin",
    profile: {
      languages: ["en", "de", "yo"],
      bio: "Family doctor for all ages: check-ups, chronic conditions, prescriptions and referrals.",
      visitMinutes: 30,
      feeMinor: 4500,
      currency: "EUR",
    },
    hours: weekdays([
      [9, 12],
      [13, 17],
    ]),
  },
  {
    email: DEMO_EMAILS.doctors[1],
    displayName: "Dr. Erik Lindqvist",
    specialty: "Dermatology",
    timeZone: "Europe/Stockholm",
    profile: {
      languages: ["en", "sv"],
      bio: "Skin, hair and nails: rashes, acne, moles to check, eczema and psoriasis.",
      visitMinutes: 20,
      feeMinor: 6000,
      currency: "EUR",
    },
    hours: [
      ...weekdays([
        [8, 12],
        [13, 16],
      ]),
      ...weekdays([[9, 12]], [6]),
    ],
  },
];
const DEMO_PATIENTS = [
  {
    email: DEMO_EMAILS.patients[0],
    timeZone: "America/New_York",
    profile: {
      fullName: "Maya Patel",
      dateOfBirth: "1988-04-12",
      phone: "+1 555 010 0101",
      allergies: "Penicillin",
      medicalHistory: "Hypothyroidism (2015)",
    },
  },
  {
    email: DEMO_EMAILS.patients[1],
    timeZone: "Europe/Berlin",
    profile: {
      fullName: "Jonas Weber",
      dateOfBirth: "1975-09-30",
      phone: "+1 555 010 0102",
      allergies: "None known",
    },
  },
  {
    email: DEMO_EMAILS.patients[2],
    timeZone: "Asia/Kolkata",
    profile: {
      fullName: "Lucia Romero",
      dateOfBirth: "2001-01-23",
      phone: "+1 555 010 0103",
      emergencyContact: "Ana Romero (mother), +1 555 010 0199",
    },
  },
];

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: DEMO_ADMIN.email, role: "ADMIN", label: DEMO_ADMIN.label },
  ...DEMO_DOCTORS.map((d) => ({
    email: d.email,
    role: "DOCTOR" as const,
    label: `${d.displayName}, ${d.specialty}`,
  })),
  ...DEMO_PATIENTS.map((p) => ({
    email: p.email,
    role: "PATIENT" as const,
    label: `Patient ${p.profile.fullName}`,
  })),
];

export function assertSeedingAllowed(nodeEnv: string | undefined): void {
  if (nodeEnv === "production") {
    throw new Error("Refusing to seed demo accounts: NODE_ENV is production.");
  }
}

export async function seedDemoData(db: Db): Promise<readonly DemoAccount[]> {
  assertSeedingAllowed(process.env.NODE_ENV);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const credentials = { passwordHash, passwordChangedAt: new Date(), emailVerifiedAt: new Date() };
  return runAsSystem("seed", async () => {
    const exists = async (email: string) => (await db.user.count({ where: { email } })) > 0;
    if (!(await exists(DEMO_ADMIN.email))) {
      await db.user.create({ data: { email: DEMO_ADMIN.email, role: "ADMIN", ...credentials } });
    }
    for (const doctor of DEMO_DOCTORS) {
      if (await exists(doctor.email)) continue;
      await db.user.create({
        data: {
          email: doctor.email,
          role: "DOCTOR",
          timeZone: doctor.timeZone,
          ...credentials,
          doctorProfile: {
            create: { displayName: doctor.displayName, specialty: doctor.specialty, ...doctor.profile },
          },
          availabilityRules: { create: doctor.hours },
        },
      });
    }
    for (const patient of DEMO_PATIENTS) {
      if (await exists(patient.email)) continue;
      await db.user.create({
        data: {
          email: patient.email,
          role: "PATIENT",
          timeZone: patient.timeZone,
          ...credentials,
          patientProfile: { create: patient.profile },
        },
      });
    }
    await seedDemoConsents(db);
    await seedDemoVisits(db);
    await seedDemoHealthProfile(db);
    await seedDemoPrescriptions(db);
    await seedDemoReadings(db);
    await seedDemoDocuments(db);
    await seedDemoPayments(db);
    await seedDemoMessages(db);
    await seedDemoSecurity(db);
    await seedDemoRights(db);
    await seedDemoInsurance(db);
    await seedDemoBackups(db);
    return DEMO_ACCOUNTS;
  });
}

/** The next weekday (Mon–Fri) at least `days` from today, at a local hour, in a zone. */
function weekdayAt(days: number, hour: number, timeZone: string): Date {
  let date = Temporal.Now.plainDateISO(timeZone).add({ days });
  while (date.dayOfWeek > 5) date = date.add({ days: days >= 0 ? 1 : -1 });
  return localMinuteToInstant(date, hour * 60, timeZone);
}

/** Visits past and upcoming, so the schedules are not empty (only when the demo patients have none). */
async function seedDemoVisits(db: Db): Promise<void> {
  const ids = async (emails: readonly string[]) =>
    Promise.all(
      emails.map(
        async (email) => (await db.user.findFirstOrThrow({ where: { email }, select: { id: true } })).id,
      ),
    );
  const [okafor, lindqvist] = await ids(DEMO_EMAILS.doctors);
  const [maya, jonas, lucia] = await ids(DEMO_EMAILS.patients);
  if ((await db.appointment.count({ where: { patientId: { in: [maya!, jonas!, lucia!] } } })) > 0) return;
  const visit = (
    doctorId: string,
    patientId: string,
    startsAt: Date,
    minutes: number,
    status: "CONFIRMED" | "COMPLETED" | "CANCELLED",
    reason: string,
    feeMinor: number,
  ) =>
    db.appointment.create({
      data: {
        doctorId,
        patientId,
        startsAt,
        endsAt: new Date(startsAt.getTime() + minutes * 60_000),
        status,
        reason,
        feeMinor,
        currency: "EUR",
        // Every demo visit was confirmed (the cancelled one afterwards).
        confirmedAt: new Date(Math.min(Date.now(), startsAt.getTime()) - 7 * 86_400_000),
        ...(status === "CANCELLED"
          ? { cancelReason: "Felt better; will book again if it returns.", cancelledById: patientId }
          : {}),
      },
      select: { id: true },
    });
  await visit(
    okafor!,
    maya!,
    weekdayAt(-9, 10, "Europe/Berlin"),
    30,
    "COMPLETED",
    "Annual check-up and thyroid follow-up.",
    4500,
  );
  await visit(
    okafor!,
    maya!,
    weekdayAt(3, 15, "Europe/Berlin"),
    30,
    "CONFIRMED",
    "Tiredness for three weeks; review my thyroid dose.",
    4500,
  );
  await visit(
    lindqvist!,
    jonas!,
    weekdayAt(4, 9, "Europe/Stockholm"),
    20,
    "CONFIRMED",
    "A mole on my back that changed colour.",
    6000,
  );
  await visit(
    okafor!,
    jonas!,
    weekdayAt(-4, 11, "Europe/Berlin"),
    30,
    "COMPLETED",
    "Blood pressure readings are high in the mornings.",
    4500,
  );
  await visit(
    lindqvist!,
    lucia!,
    weekdayAt(-2, 13, "Europe/Stockholm"),
    20,
    "CANCELLED",
    "Itchy rash on both forearms.",
    6000,
  );
}

export function formatDemoAccounts(accounts: readonly DemoAccount[]): string {
  const width = Math.max(...accounts.map((a) => a.email.length));
  const rows = accounts.map((a) => `  ${a.role.padEnd(8)} ${a.email.padEnd(width)}  ${a.label}`);
  return [
    ...rows,
    `  Password for every demo account: ${DEMO_PASSWORD}`,
    "  Doctors and the admin set up an authenticator app (TOTP) at their first sign-in.",
  ].join("\n");
}
