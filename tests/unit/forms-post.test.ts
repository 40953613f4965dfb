// No form may ever put what it carries in a URL: a form posts to a server
// action (React renders those method="post", and they work before or without
// JavaScript) or says method="post" itself. The e2e helper expectAccessiblePage
// checks the rendered forms of every page visited as well.
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return sources(full);
    return full.endsWith(".tsx") ? [full] : [];
  });
}

describe("forms", () => {
  const files = [...sources(path.join(root, "app")), ...sources(path.join(root, "components"))];
  const forms = files.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/<form\b[^>]*>/g)].map((match) => ({
      where: path.relative(root, file),
      tag: match[0],
    })),
  );

  it("are found", () => {
    expect(forms.length).toBeGreaterThanOrEqual(8);
  });

  it("post to a server action or with method=post, never with onSubmit alone or method=get", () => {
    const offenders = forms.filter(
      ({ tag }) => !(/\baction=\{/.test(tag) || /\bmethod="post"/i.test(tag)) || /\bmethod="get"/i.test(tag),
    );
    expect(offenders).toEqual([]);
  });
});
