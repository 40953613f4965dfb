// People only the end-to-end run needs, seeded after the demo data (tests/e2e/security-fixture.ts).
import { hashPassword } from "@/lib/auth/password";
import type { Db } from "@/lib/db/client";
import { DEMO_PASSWORD } from "@/prisma/demo-accounts";
import { CONSENT_KINDS, currentGrantOf } from "@/lib/domain/consent/documents";
import { runAsSystem } from "@/lib/request-context";
import { BURST_DOCTOR, BURST_PATIENTS, burstPatientName } from "@/tests/e2e/security-fixture";

export async function seedE2eFixtures(db: Db): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await runAsSystem("seed", async () => {
    const doctor = await db.user.create({
      data: {
        email: BURST_DOCTOR.email,
        role: "DOCTOR",
        passwordHash,
        passwordChangedAt: new Date(),
        emailVerifiedAt: new Date(),
        // Not in the directory: the other specs' patients never meet this doctor.
        doctorProfile: {
          create: {
            displayName: BURST_DOCTOR.displayName,
            specialty: "Family medicine",
            acceptingNewPatients: false,
          },
        },
      },
      select: { id: true },
    });
    const firstVisit = Date.now() - 40 * 86_400_000;
    for (let index = 0; index < BURST_PATIENTS; index++) {
      const patient = await db.user.create({
        data: {
          email: `burst.patient.${index + 1}@e2e.haven.local`,
          role: "PATIENT",
          emailVerifiedAt: new Date(),
          patientProfile: { create: { fullName: burstPatientName(index) } },
          consents: { create: CONSENT_KINDS.map((kind) => currentGrantOf(kind)) },
        },
        select: { id: true },
      });
      const startsAt = new Date(firstVisit + index * 3_600_000);
      await db.appointment.create({
        data: {
          doctorId: doctor.id,
          patientId: patient.id,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 30 * 60_000),
          status: "COMPLETED",
          confirmedAt: startsAt,
          reason: "Annual check",
          feeMinor: 0,
          currency: "EUR",
        },
      });
    }
  });
}
