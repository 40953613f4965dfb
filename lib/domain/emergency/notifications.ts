// The email a treating doctor gets when a patient presses the emergency button:
// the time and a link to sign in, nothing else (no name, nothing clinical: BRIEF
// rule 5). Sent by the job queue so a slow mail server never delays the page.
import "server-only";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { sendMail } from "@/lib/mail/mailer";
import { runAsSystem } from "@/lib/request-context";

export interface EmergencyNoticeJob {
  eventId: string;
  doctorId: string;
}

export const EMERGENCY_SUBJECT = "A patient of yours pressed the emergency button in Haven";

export function emergencyText(when: string, link: string): string {
  return `A patient of yours pressed the emergency button in Haven at ${when}. Sign in to see who: ${link}\n\nHaven does not call emergency services; the patient was shown their local emergency numbers.`;
}

/** The job: emails one doctor (throws on failure, so the queue retries). */
export async function deliverEmergencyNotice({ eventId, doctorId }: EmergencyNoticeJob): Promise<void> {
  await runAsSystem("emergency.notify", async () => {
    const event = await getDb().emergencyEvent.findUnique({
      where: { id: eventId },
      select: { createdAt: true },
    });
    if (!event) return;
    const doctor = await getDb().user.findUnique({
      where: { id: doctorId },
      select: { email: true, timeZone: true },
    });
    if (!doctor) return;
    await sendMail({
      to: doctor.email,
      subject: EMERGENCY_SUBJECT,
      text: emergencyText(formatDateTime(event.createdAt, doctor.timeZone), `${getEnv().APP_URL}/doctor`),
    });
  });
}
