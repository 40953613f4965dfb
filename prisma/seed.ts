// Demo accounts for development and end-to-end tests, written through the
// encrypted, audited data layer. Idempotent: running it twice changes nothing.
// Refuses to run in production. Every person here is fictional.
import { hashPassword } from "@/lib/auth/password";
import type { Db } from "@/lib/db/client";
import { runAsSystem } from "@/lib/request-context";

import { DEMO_EMAILS, DEMO_PASSWORD } from "./demo-accounts";

export interface DemoAccount {
  email: string;
  role: "ADMIN" | "DOCTOR" | "PATIENT";
  label: string;
}

const DEMO_ADMIN = { email: DEMO_EMAILS.admin, label: "Clinic admin" };
const DEMO_DOCTORS = [
  { email: DEMO_EMAILS.doctors[0], displayName: "Dr. Amara Okafor", specialty: "Family Medicine" },
  { email: DEMO_EMAILS.doctors[1], displayName: "Dr. Erik Lindqvist", specialty: "Dermatology" },
];
const DEMO_PATIENTS = [
  {
    email: DEMO_EMAILS.patients[0],
    profile: {
      fullName: "Maya Patel",
      dateOfBirth: "1988-04-12",
      phone: "+1 555 010 0101",
      allergies: "Penicillin",
      currentMedications: "Levothyroxine 50 mcg daily",
      medicalHistory: "Hypothyroidism (2015)",
    },
  },
  {
    email: DEMO_EMAILS.patients[1],
    profile: {
      fullName: "Jonas Weber",
      dateOfBirth: "1975-09-30",
      phone: "+1 555 010 0102",
      allergies: "None known",
    },
  },
  {
    email: DEMO_EMAILS.patients[2],
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
          ...credentials,
          doctorProfile: { create: { displayName: doctor.displayName, specialty: doctor.specialty } },
        },
      });
    }
    for (const patient of DEMO_PATIENTS) {
      if (await exists(patient.email)) continue;
      await db.user.create({
        data: {
          email: patient.email,
          role: "PATIENT",
          ...credentials,
          patientProfile: { create: patient.profile },
        },
      });
    }
    return DEMO_ACCOUNTS;
  });
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
