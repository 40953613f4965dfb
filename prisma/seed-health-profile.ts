// Demo health profiles and medications: a country, an address and an emergency
// contact for each demo patient, and current and past medications, so the
// patient's health page and the doctor's chart show something in `npm run dev`.
// Idempotent: a profile that has a country, or a patient with medications, is left alone.
import type { Db } from "@/lib/db/client";
import { DEMO_EMAILS } from "./demo-accounts";

interface DemoHealth {
  email: string;
  country: string;
  address: string;
  emergencyContact?: string;
  medications: { name: string; dosage: string; startedOn: string; stoppedOn?: string }[];
}

const DEMO_HEALTH: DemoHealth[] = [
  {
    email: DEMO_EMAILS.patients[0],
    country: "US",
    address: "221 Orchard Street, Apt 4B, New York, NY 10002",
    emergencyContact: "Raj Patel (husband), +1 555 010 0150",
    medications: [
      {
        name: "Levothyroxine 50 mcg",
        dosage: "1 tablet once daily, before breakfast",
        startedOn: "2015-06-01",
      },
      {
        name: "Azithromycin 250 mg",
        dosage: "1 tablet once daily (penicillin allergy)",
        startedOn: "2025-02-01",
        stoppedOn: "2025-02-05",
      },
    ],
  },
  {
    email: DEMO_EMAILS.patients[1],
    country: "DE",
    address: "Kastanienallee 12, 10435 Berlin",
    emergencyContact: "Clara Weber (sister), +49 30 5550 1234",
    medications: [
      { name: "Ramipril 5 mg", dosage: "1 tablet once daily, in the morning", startedOn: "2024-03-15" },
      {
        name: "Ibuprofen 400 mg",
        dosage: "1 tablet up to 3 times a day as needed",
        startedOn: "2023-10-02",
        stoppedOn: "2023-10-16",
      },
    ],
  },
  {
    email: DEMO_EMAILS.patients[2],
    country: "IN",
    address: "14 Park Street, Kolkata 700016",
    medications: [
      { name: "Cetirizine 10 mg", dosage: "1 tablet at night in the pollen season", startedOn: "2024-03-01" },
    ],
  },
];

export async function seedDemoHealthProfile(db: Db): Promise<void> {
  for (const demo of DEMO_HEALTH) {
    const user = await db.user.findFirst({
      where: { email: demo.email },
      select: { id: true, patientProfile: { select: { country: true } } },
    });
    if (!user?.patientProfile) continue;
    if (user.patientProfile.country === null) {
      await db.patientProfile.update({
        where: { userId: user.id },
        data: {
          country: demo.country,
          address: demo.address,
          ...(demo.emergencyContact ? { emergencyContact: demo.emergencyContact } : {}),
        },
        select: { id: true },
      });
    }
    if ((await db.medication.count({ where: { patientId: user.id } })) > 0) continue;
    for (const medication of demo.medications) {
      await db.medication.create({
        data: { patientId: user.id, stoppedOn: null, ...medication },
        select: { id: true },
      });
    }
  }
}
