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

// One transport per SMTP_URL (pooled connections); a changed URL (a test, a reload) gets its own.
const globalForMail = globalThis as unknown as { havenMailer?: { url: string; transport: Transporter } };

/**
 * The mail server did not take a message. It carries nodemailer's codes only: the server's own text
 * (and so nodemailer's message) often quotes the recipient ("550 <jane@…>: no such user"), and this
 * error is logged, reported to Sentry and retried by the job queue. Deliberately without a cause.
 */
export class MailDeliveryError extends Error {
  override name = "MailDeliveryError";
  constructor(
    readonly code: string | null,
    readonly responseCode: number | null,
  ) {
    super(
      `the mail server did not take the message (${code ?? "no code"}${responseCode === null ? "" : `, SMTP ${responseCode}`})`,
    );
  }
}

function deliveryError(error: unknown): MailDeliveryError {
  const { code, responseCode } = (typeof error === "object" && error !== null ? error : {}) as {
    code?: unknown;
    responseCode?: unknown;
  };
  return new MailDeliveryError(
    typeof code === "string" && /^[A-Z_]{1,40}$/.test(code) ? code : null,
    typeof responseCode === "number" ? responseCode : null,
  );
}

export async function sendMail(mail: Mail): Promise<void> {
  const env = getEnv();
  if (env.SMTP_URL) {
    if (globalForMail.havenMailer?.url !== env.SMTP_URL) {
      globalForMail.havenMailer?.transport.close();
      globalForMail.havenMailer = { url: env.SMTP_URL, transport: nodemailer.createTransport(env.SMTP_URL) };
    }
    try {
      await globalForMail.havenMailer.transport.sendMail({ from: env.MAIL_FROM, ...mail });
    } catch (error) {
      throw deliveryError(error);
    }
    return;
  }
  if (env.NODE_ENV === "production") throw new Error("SMTP_URL is not configured");
  await getDb().devMail.create({ data: mail });
  logger.info("development email kept in the outbox", {
    subject: mail.subject,
    outbox: `${env.APP_URL}/dev/outbox`,
  });
}
