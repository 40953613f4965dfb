// Demo accounts for development and end-to-end tests. Idempotent: running it
// twice changes nothing. Refuses to run in production.
import type { PrismaClient } from "@/lib/db/generated/client";

export interface DemoAccount {
  email: string;
  role: "ADMIN" | "DOCTOR" | "PATIENT";
  label: string;
}

const DEMO_DOCTORS = [
  { email: "dr.okafor@demo.haven.local", displayName: "Dr. Amara Okafor", specialty: "Family Medicine" },
  { email: "dr.lindqvist@demo.haven.local", displayName: "Dr. Erik Lindqvist", specialty: "Dermatology" },
];
const DEMO_PATIENTS = [
  "maya.patel@demo.haven.local",
  "jonas.weber@demo.haven.local",
  "lucia.romero@demo.haven.local",
];
const DEMO_ADMIN = "admin@demo.haven.local";

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { email: DEMO_ADMIN, role: "ADMIN", label: "Clinic admin" },
  ...DEMO_DOCTORS.map((d) => ({
    email: d.email,
    role: "DOCTOR" as const,
    label: `${d.displayName}, ${d.specialty}`,
  })),
  ...DEMO_PATIENTS.map((email) => ({ email, role: "PATIENT" as const, label: "Patient" })),
];

export function assertSeedingAllowed(nodeEnv: string | undefined): void {
  if (nodeEnv === "production") {
    throw new Error("Refusing to seed demo accounts: NODE_ENV is production.");
  }
}

export async function seedDemoData(prisma: PrismaClient): Promise<readonly DemoAccount[]> {
  assertSeedingAllowed(process.env.NODE_ENV);
  await prisma.user.upsert({
    where: { email: DEMO_ADMIN },
    update: {},
    create: { email: DEMO_ADMIN, role: "ADMIN" },
  });
  for (const doctor of DEMO_DOCTORS) {
    await prisma.user.upsert({
      where: { email: doctor.email },
      update: {},
      create: {
        email: doctor.email,
        role: "DOCTOR",
        doctorProfile: { create: { displayName: doctor.displayName, specialty: doctor.specialty } },
      },
    });
  }
  for (const email of DEMO_PATIENTS) {
    await prisma.user.upsert({ where: { email }, update: {}, create: { email, role: "PATIENT" } });
  }
  return DEMO_ACCOUNTS;
}

export function formatDemoAccounts(accounts: readonly DemoAccount[]): string {
  const width = Math.max(...accounts.map((a) => a.email.length));
  return accounts.map((a) => `  ${a.role.padEnd(8)} ${a.email.padEnd(width)}  ${a.label}`).join("\n");
}
