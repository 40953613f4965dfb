// The first administrator of a clinic: `npm run admin:create` invites one (inviteAdmin in
// lib/domain/accounts/service.ts), by email or, for a clinic whose mail is not set up yet, with the link
// printed. The admin sets a password through the staff invitation and must enrol an authenticator at
// the first sign-in; the email is stored encrypted; every invitation is audited.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, describe, expect, it, vi } from "vitest";
import { passwordStep } from "@/lib/auth/sign-in";
import { disconnectDb } from "@/lib/db/client";
import { acceptInvitation, describeInvitation, inviteAdmin } from "@/lib/domain/accounts/service";
import { resetEnvCache } from "@/lib/env";
import { runAsSystem } from "@/lib/request-context";
import { appErrorOf } from "../support/actors";
import { TEST_PASSWORD, createAccount } from "../support/accounts";
import { runSql } from "../support/database";
import { clientAt, mailTo, tokenIn } from "../support/sign-in";

const databaseUrl = process.env.DATABASE_URL!;
afterAll(async () => {
  await disconnectDb();
});

const newEmail = () => `admin.${randomUUID().slice(0, 8)}@clinic.example.test`;

const run = promisify(execFile);

/** The command itself, as an operator runs it (exit code, stdout and stderr). */
async function adminCreate(args: string[]) {
  try {
    const { stdout, stderr } = await run(
      "npx",
      ["--no-install", "tsx", "--conditions=react-server", "scripts/admin-create.ts", ...args],
      { env: { ...process.env, APP_URL: "https://haven.clinic.example.test" } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("inviting an administrator", { timeout: 60_000 }, () => {
  it("emails a staff invitation; the admin sets a password and must enrol an authenticator to sign in", async () => {
    const email = newEmail();
    const invitation = await inviteAdmin(email, { printLink: false });
    expect(invitation).toMatchObject({ link: null, renewed: false });
    expect(invitation.userId).toMatch(/^[0-9a-f-]{36}$/);

    const text = await mailTo(email, /invited to administer Haven/);
    expect(text).toMatch(/\/invite\?token=/);
    const token = tokenIn(text);
    expect(await runAsSystem("test", () => describeInvitation(token))).toEqual({
      role: "ADMIN",
      displayName: null,
    });

    // Stored invited, with the email encrypted (no plaintext in the row), and audited as from the command line.
    const [raw] = await runSql<{ role: string; status: string; row: string }>(
      databaseUrl,
      "SELECT role::text, status::text, row_to_json(u)::text AS row FROM users u WHERE id = $1",
      [invitation.userId],
    );
    expect(raw).toMatchObject({ role: "ADMIN", status: "INVITED" });
    expect(raw!.row).not.toContain(email);
    expect(raw!.row).not.toContain(email.split("@")[0]);
    const audited = await runSql<{ actor_role: string; details: Record<string, unknown> }>(
      databaseUrl,
      "SELECT actor_role, details FROM audit_log WHERE action = 'admin.admin.invited' AND resource_id = $1",
      [invitation.userId],
    );
    expect(audited).toEqual([
      {
        actor_role: "SYSTEM",
        details: { system: "cli.admin-create", by: "command line", renewed: false, delivery: "email" },
      },
    ]);

    // Invited accounts cannot sign in; after the password is set the first sign-in asks for an authenticator.
    expect((await appErrorOf(passwordStep(email, TEST_PASSWORD, clientAt()))).code).toBe("UNAUTHENTICATED");
    await acceptInvitation(token, TEST_PASSWORD);
    expect(await runAsSystem("test", () => describeInvitation(token))).toBeNull();
    expect(await passwordStep(email, TEST_PASSWORD, clientAt())).toEqual({
      next: "enrol",
      userId: invitation.userId,
    });
  });

  it("sends a new link to an admin still invited, and the old one stops working", async () => {
    const email = newEmail();
    const first = await inviteAdmin(email, { printLink: true });
    const second = await inviteAdmin(email, { printLink: true });
    expect(first.renewed).toBe(false);
    expect(second.renewed).toBe(true);
    expect(await runAsSystem("test", () => describeInvitation(tokenIn(first.link!)))).toBeNull();
    expect(await runAsSystem("test", () => describeInvitation(tokenIn(second.link!)))).toMatchObject({
      role: "ADMIN",
    });
    // Printed, not emailed (inviteAdmin sends before it returns: nothing is on its way).
    expect(await runSql(databaseUrl, 'SELECT 1 FROM dev_mail WHERE "to" = $1', [email])).toEqual([]);
  });

  it("when the email cannot be sent, says so and keeps the admin invited for a printed link", async () => {
    const email = newEmail();
    // A clinic whose mail is not working yet: nothing listens on port 1.
    vi.stubEnv("SMTP_URL", "smtp://127.0.0.1:1");
    resetEnvCache();
    const logged = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const failed = await appErrorOf(inviteAdmin(email, { printLink: false }));
      expect(failed.code).toBe("SERVICE_UNAVAILABLE");
      expect(failed.message).toMatch(/invited, but the email with the link could not be sent.*--print-link/);
      // Logged, by its codes only: never the address.
      const lines = logged.mock.calls.map(([chunk]) => String(chunk));
      expect(lines.some((line) => line.includes("the admin invitation email was not sent"))).toBe(true);
      expect(lines.join("")).not.toContain(email);
    } finally {
      logged.mockRestore();
      vi.unstubAllEnvs();
      vi.stubEnv("NODE_ENV", "test");
      resetEnvCache();
    }
    const printed = await inviteAdmin(email, { printLink: true });
    expect(printed.renewed).toBe(true);
    expect(await runAsSystem("test", () => describeInvitation(tokenIn(printed.link!)))).toMatchObject({
      role: "ADMIN",
    });
  });

  it("refuses the email of any other account, and changes nothing", async () => {
    const patient = await createAccount("PATIENT");
    const admin = await createAccount("ADMIN");
    for (const account of [patient, admin]) {
      const refused = await appErrorOf(inviteAdmin(account.email, { printLink: true }));
      expect(refused.code).toBe("CONFLICT");
      const [row] = await runSql<{ role: string; status: string }>(
        databaseUrl,
        "SELECT role::text, status::text FROM users WHERE id = $1",
        [account.id],
      );
      expect(row).toEqual({ role: account === patient ? "PATIENT" : "ADMIN", status: "ACTIVE" });
    }
  });
});

describe("npm run admin:create", { timeout: 120_000 }, () => {
  it("prints a working link with --print-link, and refuses a bad email or an unknown option with usage", async () => {
    const email = newEmail();
    const printed = await adminCreate(["--email", email, "--print-link"]);
    expect(printed.stderr).toBe("");
    expect(printed.code).toBe(0);
    const link = /https:\/\/haven\.clinic\.example\.test\/invite\?token=\S+/.exec(printed.stdout)?.[0];
    expect(link, printed.stdout).toBeDefined();
    expect(await runAsSystem("test", () => describeInvitation(tokenIn(link!)))).toMatchObject({
      role: "ADMIN",
    });

    const again = await adminCreate(["--email", email.toUpperCase()]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/A new invitation replaces the earlier one: the link .* was emailed/);

    const bad = await adminCreate(["--email", "not-an-email"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Enter a valid email address/);
    expect(bad.stderr).toMatch(/Usage: npm run admin:create/);
    const unknown = await adminCreate(["--email", newEmail(), "--role", "DOCTOR"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--role'/);
  });
});
