// deploy/docker-entrypoint.sh turns NAME_FILE (a Docker, Kubernetes or Vault
// secret file) into NAME for a fixed list of Haven's secrets. These run the real
// script with /bin/sh, and check the list still covers every secret lib/env.ts knows.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SECRET_SPECS } from "@/lib/env";

const SCRIPT = path.resolve(import.meta.dirname, "../../../deploy/docker-entrypoint.sh");
const scratch = mkdtempSync(path.join(tmpdir(), "haven-entrypoint-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function secretFile(name: string, content: string): string {
  const file = path.join(scratch, name);
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

/** Runs the entrypoint with exactly this environment, then a command printing what it received. */
function run(env: Record<string, string>, command: string[]) {
  const result = spawnSync("/bin/sh", [SCRIPT, ...command], {
    // Exactly these variables (not the test runner's), so each case sees only what it sets.
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } as unknown as NodeJS.ProcessEnv,
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const printEnv = (...names: string[]) => [
  "node",
  "-e",
  `console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(names)}.map((n) => [n, process.env[n] ?? null]))))`,
];

function listedVariables(): string[] {
  const match = /HAVEN_SECRET_VARIABLES="([^"]*)"/.exec(readFileSync(SCRIPT, "utf8"));
  if (!match) throw new Error("HAVEN_SECRET_VARIABLES not found in the entrypoint");
  return (match[1] ?? "").split(/\s+/).filter(Boolean);
}

describe("deploy/docker-entrypoint.sh", () => {
  it("lists every secret of lib/env.ts, and the database URL", () => {
    const listed = listedVariables();
    for (const spec of SECRET_SPECS) expect(listed).toContain(spec.name);
    expect(listed).toContain("DATABASE_URL");
  });

  it("sets NAME from NAME_FILE (trailing newline removed) and drops NAME_FILE", () => {
    const key = "k20261202aa:" + Buffer.alloc(32, 7).toString("base64");
    const result = run(
      {
        PHI_ENCRYPTION_KEYS_FILE: secretFile("keys", `${key}\n`),
        DATABASE_URL_FILE: secretFile("url", "postgresql://haven:p%40ss@db:5432/haven\n\n"),
      },
      printEnv("PHI_ENCRYPTION_KEYS", "PHI_ENCRYPTION_KEYS_FILE", "DATABASE_URL"),
    );
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      PHI_ENCRYPTION_KEYS: key,
      PHI_ENCRYPTION_KEYS_FILE: null,
      DATABASE_URL: "postgresql://haven:p%40ss@db:5432/haven",
    });
  });

  it("leaves other programs' *_FILE settings alone (they are paths, not secrets)", () => {
    const caFile = secretFile("ca.pem", "-----BEGIN CERTIFICATE-----\n");
    const result = run({ SSL_CERT_FILE: caFile }, printEnv("SSL_CERT_FILE", "SSL_CERT"));
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ SSL_CERT_FILE: caFile, SSL_CERT: null });
  });

  it("passes the command's arguments through unchanged", () => {
    const result = run({}, [
      "node",
      "-e",
      "console.log(JSON.stringify(process.argv.slice(1)))",
      "a b",
      "$HOME",
    ]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(["a b", "$HOME"]);
  });

  it("refuses both NAME and NAME_FILE, an unreadable file and an empty one, naming the variable only", () => {
    const both = run(
      { AUTH_SECRET: "inline-value-never-printed", AUTH_SECRET_FILE: secretFile("auth", "x".repeat(48)) },
      ["true"],
    );
    expect(both.status).toBe(1);
    expect(both.stderr).toContain("both AUTH_SECRET and AUTH_SECRET_FILE are set");
    expect(both.stderr).not.toContain("inline-value-never-printed");

    const missing = run({ SMTP_URL_FILE: path.join(scratch, "absent") }, ["true"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("SMTP_URL_FILE names");

    const empty = run({ AUDIT_MAC_KEY_FILE: secretFile("empty", "\n") }, ["true"]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain("which is empty");
  });
});
