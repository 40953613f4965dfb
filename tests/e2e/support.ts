import { type Page, expect } from "@playwright/test";

/** Collects what Chromium reports as blocked by CSP or broken, so a test can assert there was none. */
export function watchForPageProblems(page: Page): () => void {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return () => expect(problems, "console errors, CSP violations or script failures").toEqual([]);
}
