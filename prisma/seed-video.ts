// The video room in the product tour: at every `npm run dev` start, Lucia Romero has a
// confirmed video visit with Dr. Lindqvist that starts a few minutes from now (so its room
// is open), unless one is already open. Development only, like every demo record.
import type { Db } from "@/lib/db/client";
import { assertSeedingAllowed } from "./seed";
import { DEMO_EMAILS } from "./demo-accounts";
import { runAsSystem } from "@/lib/request-context";

const LEAD_MINUTES = 5;

/** Returns when the demo video visit starts, or null when the doctor's time around now is taken. */
export async function seedDemoVideoVisit(db: Db): Promise<Date | null> {
  assertSeedingAllowed(process.env.NODE_ENV);
  return runAsSystem("seed", async () => {
    const idOf = async (email: string) =>
      (await db.user.findFirstOrThrow({ where: { email }, select: { id: true } })).id;
    const [lindqvist, lucia] = await Promise.all([
      idOf(DEMO_EMAILS.doctors[1]),
      idOf(DEMO_EMAILS.patients[2]),
    ]);
    const now = Date.now();
    const open = await db.appointment.findFirst({
      where: {
        doctorId: lindqvist,
        patientId: lucia,
        status: { in: ["CONFIRMED", "IN_PROGRESS"] },
        startsAt: { lte: new Date(now + 10 * 60_000) },
        endsAt: { gte: new Date(now - 30 * 60_000) },
      },
      select: { startsAt: true },
    });
    if (open) return open.startsAt;
    const startsAt = new Date(Math.ceil((now + LEAD_MINUTES * 60_000) / 60_000) * 60_000);
    try {
      await db.appointment.create({
        data: {
          doctorId: lindqvist,
          patientId: lucia,
          startsAt,
          endsAt: new Date(startsAt.getTime() + 20 * 60_000),
          status: "CONFIRMED",
          confirmedAt: new Date(now),
          reason: "Video follow-up: is the rash on my forearms clearing with the cream?",
          feeMinor: 0,
          currency: "EUR",
        },
        select: { id: true },
      });
    } catch {
      // Another visit of Dr. Lindqvist takes this time (the database refuses the overlap): no demo video visit now.
      return null;
    }
    return startsAt;
  });
}
