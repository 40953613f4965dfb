// Outgoing email. Production: SMTP (nodemailer). Development and tests without
// SMTP_URL: kept in the dev_mail table, shown at /dev/outbox, and announced on
// the console without the recipient (addresses are personal data).
import "server-only";
import nodemailer, { type Transporter } from "nodemailer";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

const globalForMail = globalThis as unknown as { havenMailer?: Transporter };

export async function sendMail(mail: Mail): Promise<void> {
  const env = getEnv();
  if (env.SMTP_URL) {
    globalForMail.havenMailer ??= nodemailer.createTransport(env.SMTP_URL);
    await globalForMail.havenMailer.sendMail({ from: env.MAIL_FROM, ...mail });
    return;
  }
  if (env.NODE_ENV === "production") throw new Error("SMTP_URL is not configured");
  await getDb().devMail.create({ data: mail });
  logger.info("development email kept in the outbox", {
    subject: mail.subject,
    outbox: `${env.APP_URL}/dev/outbox`,
  });
}
