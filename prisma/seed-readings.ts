// Demo devices and readings for the first demo patient (Maya Patel): a
// smartwatch and a blood pressure monitor with 30 days of daily heart rate,
// steps and blood pressure, deterministic (no randomness), so the charts in
// `npm run dev` and the doctor's chart are not empty. No emergency events: the
// doctor's dashboard stays calm until someone presses the button. Idempotent.
import type { Db } from "@/lib/db/client";
import { DEMO_EMAILS } from "./demo-accounts";

const DAY_MS = 86_400_000;
const DAYS = 30;

export async function seedDemoReadings(db: Db): Promise<void> {
  const patient = await db.user.findFirst({
    where: { email: DEMO_EMAILS.patients[0] },
    select: { id: true },
  });
  if (!patient) return;
  if ((await db.device.count({ where: { patientId: patient.id } })) > 0) return;
  const watch = await db.device.create({
    data: { patientId: patient.id, kind: "SMARTWATCH", vendor: "Garmin", model: "Venu 3" },
    select: { id: true },
  });
  const monitor = await db.device.create({
    data: { patientId: patient.id, kind: "BLOOD_PRESSURE_MONITOR", vendor: "Omron", model: "M7 Intelli IT" },
    select: { id: true },
  });
  // Mornings at 07:30 UTC, the last 30 days up to yesterday.
  const today = new Date();
  const morning = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate(), 7, 30);
  const days = Array.from({ length: DAYS }, (_, i) => ({ i, at: morning - (DAYS - i) * DAY_MS }));
  const wave = (i: number, period: number) => Math.sin((2 * Math.PI * i) / period);
  await db.reading.createMany({
    data: days.flatMap(({ i, at }) => [
      {
        patientId: patient.id,
        deviceId: watch.id,
        metric: "HEART_RATE" as const,
        value: String(Math.round(66 + 5 * wave(i, 7) + (i % 3))),
        measuredAt: new Date(at),
      },
      {
        patientId: patient.id,
        deviceId: watch.id,
        metric: "STEPS" as const,
        value: String(Math.round(7_500 + 2_500 * wave(i, 7) + ((i * 379) % 900))),
        measuredAt: new Date(at + 14 * 3_600_000),
      },
      {
        patientId: patient.id,
        deviceId: monitor.id,
        metric: "BLOOD_PRESSURE" as const,
        value: `${Math.round(128 - i * 0.3 + 4 * wave(i, 5))}/${Math.round(83 - i * 0.15 + 2 * wave(i, 5))}`,
        measuredAt: new Date(at + 5 * 60_000),
      },
    ]),
  });
}
