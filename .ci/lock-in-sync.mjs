// Checks that `npm install` left package-lock.json in sync with the committed one,
// then restores the committed file. Optional packages for other platforms, or
// recorded on one side only (SWC, Tailwind's oxide, resolver bindings…), are
// ignored: whether npm records them depends on what the registry serves that
// day, not on us.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const committed = JSON.parse(execFileSync("git", ["show", "HEAD:package-lock.json"], { encoding: "utf8" }));
const installed = JSON.parse(readFileSync("package-lock.json", "utf8"));

/** npm's rule for "os" and "cpu": "!x" excludes x; any plain entries form an allow list. */
function allows(list, value) {
  if (!list) return true;
  if (list.includes(`!${value}`)) return false;
  const allowed = list.filter((item) => !item.startsWith("!"));
  return allowed.length === 0 || allowed.includes(value);
}
// An optional package recorded on one side only counts too: whether npm records a
// fallback such as Tailwind's wasm build depends on what the registry served.
const foreign = (path) => {
  const before = committed.packages?.[path];
  const after = installed.packages?.[path];
  const entry = before ?? after;
  if (entry?.optional !== true) return false;
  return !before || !after || !(allows(entry.os, process.platform) && allows(entry.cpu, process.arch));
};
/** Itself, or a package nested inside, an optional package for another platform. */
function foreignOptional(name) {
  const parts = name.split("/node_modules/");
  for (let depth = 1; depth <= parts.length; depth += 1) {
    const path = parts.slice(0, depth).join("/node_modules/");
    if (foreign(path)) return true;
  }
  return false;
}

const differences = [];
const names = new Set([...Object.keys(committed.packages ?? {}), ...Object.keys(installed.packages ?? {})]);
for (const name of names) {
  if (foreignOptional(name)) continue;
  const before = committed.packages?.[name];
  const after = installed.packages?.[name];
  if (before?.version !== after?.version || before?.integrity !== after?.integrity) {
    differences.push(`${name}: ${before?.version ?? "absent"} → ${after?.version ?? "absent"}`);
  }
}
execFileSync("git", ["checkout", "--", "package-lock.json"]);
if (differences.length) {
  console.error("[ci] package-lock.json is out of sync with package.json:\n  " + differences.join("\n  "));
  process.exit(1);
}
console.log("[ci] package-lock.json in sync.");
