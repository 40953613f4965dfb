// Demo prescriptions: licence numbers for the demo doctors and one signed
// prescription from Dr. Okafor to Maya Patel, so the chart, the patient's list,
// the PDF and /verify all show something in `npm run dev`. Idempotent.
import type { Db } from "@/lib/db/client";
import { newVerificationCode } from "@/lib/domain/prescriptions/verification-code";
import { DEMO_EMAILS } from "./demo-accounts";

const DEMO_LICENCES = ["MED-DE-204871", "MED-SE-118392"];

export async function seedDemoPrescriptions(db: Db): Promise<void> {
  const idOf = async (email: string) =>
    (await db.user.findFirst({ where: { email }, select: { id: true } }))?.id ?? null;
  for (const [index, email] of DEMO_EMAILS.doctors.entries()) {
    const doctorId = await idOf(email);
    if (!doctorId) continue;
    await db.doctorProfile.updateMany({
      where: { userId: doctorId, licenseNumber: null },
      data: { licenseNumber: DEMO_LICENCES[index] ?? `MED-DEMO-${index + 1}` },
    });
  }
  const [doctorId, patientId] = await Promise.all([
    idOf(DEMO_EMAILS.doctors[0]),
    idOf(DEMO_EMAILS.patients[0]),
  ]);
  if (!doctorId || !patientId) return;
  if ((await db.prescription.count({ where: { doctorId, patientId } })) > 0) return;
  const visit = await db.appointment.findFirst({
    where: { doctorId, patientId, status: "COMPLETED" },
    select: { id: true, endsAt: true },
    orderBy: { startsAt: "desc" },
  });
  const { id } = await db.prescription.create({
    data: {
      patientId,
      doctorId,
      appointmentId: visit?.id ?? null,
      verificationCode: newVerificationCode(),
      signedAt: visit?.endsAt ?? new Date(),
    },
    select: { id: true },
  });
  const items = [
    {
      medicine: "Levothyroxine",
      strength: "75 micrograms",
      form: "tablet",
      dose: "1 tablet",
      route: "by mouth",
      frequency: "once a day, before breakfast",
      duration: "90 days",
      quantity: "90 tablets",
      refills: 1,
      instructions: "Take on an empty stomach, 30 minutes before food or coffee.",
    },
    {
      medicine: "Vitamin D3",
      strength: "1000 IU",
      form: "capsule",
      dose: "1 capsule",
      route: "by mouth",
      frequency: "once a day",
      duration: "3 months",
      quantity: "90 capsules",
      refills: 0,
      instructions: "",
    },
  ];
  await db.prescriptionItem.createMany({
    data: items.map((item, index) => ({ ...item, prescriptionId: id, patientId, position: index + 1 })),
  });
}
