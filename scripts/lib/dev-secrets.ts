import { appendFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { SECRET_SPECS } from "@/lib/env";

/**
 * Development only: generates every missing secret once into .env.local (which
 * git ignores) so a new developer needs no set-up. Returns the names generated.
 */
export function ensureDevelopmentSecrets(projectDir = process.cwd()): string[] {
  const file = path.join(projectDir, ".env.local");
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  const generated: string[] = [];
  let block = "";
  for (const spec of SECRET_SPECS) {
    if (process.env[spec.name]) continue;
    const value = spec.generate();
    process.env[spec.name] = value;
    block += `# ${spec.purpose} (generated for development by npm run dev)\n${spec.name}=${value}\n`;
    generated.push(spec.name);
  }
  if (block) {
    const separator = existing && !existing.endsWith("\n") ? "\n" : "";
    appendFileSync(file, `${separator}${block}`, { mode: 0o600 });
  }
  return generated;
}
