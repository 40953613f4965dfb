// Server actions are public HTTP endpoints: every exported action must check
// who is calling (requireActor with a permission) or be on the short list of
// actions anonymous visitors need: signing in and out, single-use token links,
// and the sign-up and reset requests, which are throttled per client address.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ANONYMOUS_ACTIONS = new Set([
  "signInAction",
  "signOutAction",
  "unlockAccountAction",
  "signUpAction",
  "verifyEmailAction",
  "acceptInvitationAction",
  "forgotPasswordAction",
  "resetPasswordAction",
]);

function actionFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return actionFiles(full);
    return readFileSync(full, "utf8").startsWith('"use server"') ? [full] : [];
  });
}

describe("server actions", () => {
  const files = [
    ...actionFiles(path.resolve(import.meta.dirname, "../../app")),
    ...actionFiles(path.resolve(import.meta.dirname, "../../lib")),
  ];

  it("are found", () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of files) {
    const source = readFileSync(file, "utf8");
    const actions = [...source.matchAll(/export async function (\w+)\(/g)].map((m) => m[1]!);
    for (const name of actions) {
      it(`${path.relative(process.cwd(), file)} › ${name} authorizes its caller`, () => {
        const body = source.slice(source.indexOf(`export async function ${name}(`)).split(/\nexport /)[0]!;
        if (ANONYMOUS_ACTIONS.has(name)) {
          expect(body).toMatch(/runAs\(null,/);
        } else {
          expect(body).toMatch(/await requireActor\("[a-z:-]+"\)/);
        }
      });
    }
  }
});
