// The email every active admin gets when the monitor raises an alert: the rule,
// its severity and a link. No names, no patient, no address (BRIEF rule 5): the
// admin signs in to see the rest. Sent by the job queue.
import "server-only";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { sendMail } from "@/lib/mail/mailer";
import { runAsSystem } from "@/lib/request-context";
import { RULE_LABEL, type Rule } from "./rules";

export interface AlertNoticeJob {
  alertId: string;
}

export const ALERT_SUBJECT = "Haven security alert";

export function alertText(rule: Rule, severity: string, link: string): string {
  return `Haven raised a security alert: ${RULE_LABEL[rule]} (severity ${severity.toLowerCase()}).\n\nReview it, and open an incident if it needs one: ${link}\n\nThis email names no person on purpose; the details are in the admin portal.`;
}

/** The job: emails each active admin (throws on failure, so the queue retries). */
export async function deliverAlertNotice({ alertId }: AlertNoticeJob): Promise<void> {
  await runAsSystem("security.notify-alert", async () => {
    const alert = await getDb().securityAlert.findUnique({
      where: { id: alertId },
      select: { rule: true, severity: true },
    });
    if (!alert) return;
    const admins = await getDb().user.findMany({
      where: { role: "ADMIN", status: "ACTIVE" },
      select: { email: true },
    });
    const text = alertText(
      alert.rule as Rule,
      alert.severity,
      `${getEnv().APP_URL}/admin/security/alerts/${alertId}`,
    );
    for (const admin of admins) {
      await sendMail({
        to: admin.email,
        subject: `${ALERT_SUBJECT}: ${RULE_LABEL[alert.rule as Rule]}`,
        text,
      });
    }
  });
}
