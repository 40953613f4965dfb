// A local SMTP server for end-to-end tests: the production mail path (SMTP via
// nodemailer) delivers here, and each message is appended to a JSON-lines file
// the tests read.
import { appendFileSync } from "node:fs";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { findFreePort } from "./free-port";

export interface CapturedMail {
  to: string;
  subject: string;
  text: string;
}

export async function startSmtpCapture(file: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await findFreePort();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = session.envelope.rcptTo.map((r) => r.address).join(",");
          const mail: CapturedMail = { to, subject: parsed.subject ?? "", text: parsed.text ?? "" };
          appendFileSync(file, `${JSON.stringify(mail)}\n`);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
