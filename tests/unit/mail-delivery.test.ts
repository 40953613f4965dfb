// A mail server that refuses a recipient quotes the address back. What sendMail throws (and so what
// the job queue logs, reports and retries) names the failure by its codes, never by that text.
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { describeError } from "@/lib/logger";
import { MailDeliveryError, sendMail } from "@/lib/mail/mailer";
import { findFreePort } from "@/scripts/lib/free-port";

const RECIPIENT = "jane.refused@example.test";
let server: SMTPServer;
let url = "";

beforeAll(async () => {
  const port = await findFreePort();
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      const refusal = Object.assign(new Error(`<${address.address}>: Recipient address rejected`), {
        responseCode: 550,
      });
      callback(refusal);
    },
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  url = `smtp://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe("sending mail", () => {
  it("reports a refused recipient by its codes, without the address", async () => {
    vi.stubEnv("SMTP_URL", url);
    resetEnvCache();
    const error = await sendMail({ to: RECIPIENT, subject: "Haven visit", text: "A visit." }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect(error).toMatchObject({ code: "EENVELOPE", responseCode: 550 });
    expect(JSON.stringify(describeError(error))).not.toContain("jane.refused");
    expect((error as Error).cause).toBeUndefined();
  });

  it("reports a mail server that is not there by its code", async () => {
    vi.stubEnv("SMTP_URL", "smtp://127.0.0.1:1");
    resetEnvCache();
    const error = await sendMail({ to: RECIPIENT, subject: "Haven visit", text: "A visit." }).catch(
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(MailDeliveryError);
    expect((error as MailDeliveryError).code).toMatch(/^E[A-Z]+$/);
    expect((error as Error).message).not.toContain("jane.refused");
  });
});
