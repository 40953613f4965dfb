import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SECRET_SPECS } from "@/lib/env";
import { ensureDevelopmentSecrets } from "@/scripts/lib/dev-secrets";

describe("ensureDevelopmentSecrets", () => {
  const saved = Object.fromEntries(SECRET_SPECS.map((s) => [s.name, process.env[s.name]]));
  let dir: string | undefined;

  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) process.env[name] = value;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("generates missing secrets once into .env.local, readable only by the owner", () => {
    dir = mkdtempSync(path.join(tmpdir(), "haven-secrets-"));
    for (const spec of SECRET_SPECS) delete process.env[spec.name];

    const generated = ensureDevelopmentSecrets(dir);
    expect(generated).toEqual(SECRET_SPECS.map((s) => s.name));
    const file = path.join(dir, ".env.local");
    const content = readFileSync(file, "utf8");
    for (const spec of SECRET_SPECS) {
      const value = process.env[spec.name]!;
      expect(spec.problem(value)).toBeNull();
      expect(content).toContain(`${spec.name}=${value}\n`);
    }
    expect(statSync(file).mode & 0o077).toBe(0);

    expect(ensureDevelopmentSecrets(dir)).toEqual([]);
    expect(readFileSync(file, "utf8")).toBe(content);
  });
});
