// Runs last (Playwright takes the files in name order, one worker): after every
// flow above has read and written PHI through the running servers, the audit
// trail they wrote verifies with `npm run audit:verify`, chain, row MACs and
// signed checkpoints included.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, sql, test } from "./fixtures";

test("the audit trail of the whole end-to-end run verifies with npm run audit:verify", async () => {
  const [counts] = await sql<{ reads: string; refusals: string }>(
    `SELECT count(*) FILTER (WHERE action = 'phi.read') AS reads,
            count(*) FILTER (WHERE action = 'authz.denied') AS refusals FROM audit_log`,
  );
  expect(Number(counts?.reads)).toBeGreaterThan(0);
  expect(Number(counts?.refusals)).toBeGreaterThan(0);
  // The servers' sealer chains rows within seconds; give the last ones that long.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const output = execFileSync("npm", ["run", "--silent", "audit:verify"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL },
    encoding: "utf8",
  });
  expect(output).toMatch(/^audit trail OK: \d+ seals verified/m);
});
