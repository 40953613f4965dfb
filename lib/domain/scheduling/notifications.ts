// Emails about visits carry the time (in the recipient's zone) and a link,
// nothing else: no names, no reasons, nothing clinical (BRIEF rule 5).
import "server-only";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { describeError, logger } from "@/lib/logger";
import { sendJob } from "@/lib/jobs/queue";
import { sendMail } from "@/lib/mail/mailer";
import { runAsSystem } from "@/lib/request-context";
import { formatDateTime } from "./format";

export type VisitNotice =
  "booked" | "rescheduled" | "cancelled" | "reminder" | "refunded" | "late-payment-refunded";

const SUBJECT: Record<VisitNotice, string> = {
  booked: "A visit was booked with you on Haven",
  rescheduled: "Your Haven visit was moved",
  cancelled: "Your Haven visit was cancelled",
  reminder: "Reminder: your Haven visit",
  refunded: "A refund for your Haven visit",
  "late-payment-refunded": "Your payment was refunded: the time was no longer free",
};

function text(notice: VisitNotice, when: string, link: string): string {
  const line = {
    booked: `A visit was booked with you for ${when}.`,
    rescheduled: `Your visit now takes place on ${when}.`,
    cancelled: `Your visit on ${when} was cancelled.`,
    reminder: `Your visit is on ${when}.`,
    refunded: `A refund for your visit on ${when} was issued; it reaches your account in a few days.`,
    "late-payment-refunded": `Your payment for ${when} arrived after the time was held for you, and the time had been taken meanwhile. We refunded the payment in full; please book another time.`,
  }[notice];
  return `${line}\n\nDetails, and the way to join: ${link}\n\nFor your privacy this email says nothing more; sign in to Haven to see the visit.`;
}

export interface NoticeJob {
  appointmentId: string;
  party: "patient" | "doctor";
  notice: VisitNotice;
}

/**
 * Tells one party of a visit by email, through the job queue: the request that
 * changed the visit does not wait for the mail server, and a failed delivery is
 * retried. A notice that cannot even be queued is logged; the change stands.
 */
export async function queueNotice(
  appointmentId: string,
  party: NoticeJob["party"],
  notice: VisitNotice,
): Promise<void> {
  try {
    await sendJob("appointment.notify", { appointmentId, party, notice } satisfies NoticeJob);
  } catch (error) {
    logger.error("could not queue a visit notice", { notice, ...describeError(error) });
  }
}

/** The job: emails the party (throws on failure, so the queue retries). */
export async function deliverNotice({ appointmentId, party, notice }: NoticeJob): Promise<void> {
  await runAsSystem("scheduling.notify", async () => {
    const appointment = await getDb().appointment.findUnique({
      where: { id: appointmentId },
      select: { startsAt: true, patientId: true, doctorId: true },
    });
    if (!appointment) return;
    const recipient = await getDb().user.findUnique({
      where: { id: party === "patient" ? appointment.patientId : appointment.doctorId },
      select: { email: true, timeZone: true },
    });
    if (!recipient) return;
    const path = party === "patient" ? `/patient/visits/${appointmentId}` : `/doctor/visits/${appointmentId}`;
    await sendMail({
      to: recipient.email,
      subject: SUBJECT[notice],
      text: text(
        notice,
        formatDateTime(appointment.startsAt, recipient.timeZone),
        `${getEnv().APP_URL}${path}`,
      ),
    });
  });
}
