// `npm run admin:create -- --email <address> [--print-link]`: invites an administrator (the first of a
// new clinic, or another: the admin portal invites doctors only). The invitation link, single-use for
// 72 hours, is emailed; with --print-link it is printed instead, for a clinic whose mail is not set up
// yet (hand it over as you would a password). Running it again for an admin still invited sends a new
// link. Audited as "admin.admin.invited".
import { parseArgs } from "node:util";
import { emailSchema } from "@/lib/domain/accounts/schemas";
import { loadProjectEnv } from "./lib/load-env";

const USAGE = "Usage: npm run admin:create -- --email admin@your-clinic.org [--print-link]";

loadProjectEnv();
let email: string;
let printLink: boolean;
try {
  const { values } = parseArgs({
    options: { email: { type: "string" }, "print-link": { type: "boolean", default: false } },
    strict: true,
  });
  const parsed = emailSchema.safeParse(values.email ?? "");
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "Enter a valid email address.");
  email = parsed.data;
  printLink = values["print-link"] ?? false;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

// The data layer is loaded only for a well-formed command (a typo is answered at once).
const { disconnectDb } = await import("@/lib/db/client");
const { inviteAdmin } = await import("@/lib/domain/accounts/service");
const { getEnv } = await import("@/lib/env");
const { AppError } = await import("@/lib/http/errors");
try {
  // The whole configuration first: production refuses to run without its real secrets.
  getEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
try {
  const invitation = await inviteAdmin(email, { printLink });
  const what = invitation.renewed ? "A new invitation replaces the earlier one" : "Administrator invited";
  if (invitation.link) {
    console.log(
      `${what}. Give this link to them in person or over a channel you trust; it works once, for 72 hours:`,
    );
    console.log(invitation.link);
  } else {
    console.log(`${what}: the link (once, for 72 hours) was emailed to them.`);
  }
  console.log("At their first sign-in they set up an authenticator app.");
} catch (error) {
  console.error(error instanceof AppError ? error.message : `could not invite: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await disconnectDb();
}
