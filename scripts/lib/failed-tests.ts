// Names the failing tests from the runners' JSON reports, so that the last lines of a CI log
// (often all that is kept of it) say what failed and why, not only how many.
import path from "node:path";

/** How much of each failure's message is kept: enough to see the assertion, not a whole stack. */
const MESSAGE_LINES = 6;

export interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  testResults?: {
    name: string;
    status: string;
    message?: string;
    assertionResults?: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}

export interface PlaywrightReport {
  stats: { expected: number; unexpected: number; flaky: number };
  suites?: PlaywrightSuite[];
}

interface PlaywrightSuite {
  title: string;
  file?: string;
  specs?: {
    title: string;
    line?: number;
    tests?: { status: string; results?: { error?: { message?: string } }[] }[];
  }[];
  suites?: PlaywrightSuite[];
}

function firstLines(message: string | undefined): string {
  if (!message) return "";
  return (
    message
      // Colours (Playwright's messages carry ANSI codes).
      .replace(/\u001b\[[0-9;]*m/g, "")
      .split("\n")
      .map((line) => line.trimEnd())
      .filter((line) => line.trim() !== "")
      .slice(0, MESSAGE_LINES)
      .map((line) => `      ${line}`)
      .join("\n")
  );
}

/** The failures in a Vitest JSON report: a file that failed to load counts as one. */
export function vitestFailures(report: VitestReport | undefined, label: string): string[] {
  const failures: string[] = [];
  for (const file of report?.testResults ?? []) {
    const name = path.relative(process.cwd(), file.name);
    const failed = (file.assertionResults ?? []).filter((test) => test.status === "failed");
    for (const test of failed) {
      failures.push(
        `  Vitest (${label}) ${name} › ${test.fullName}\n${firstLines(test.failureMessages?.[0])}`,
      );
    }
    if (failed.length === 0 && file.status === "failed") {
      failures.push(`  Vitest (${label}) ${name}\n${firstLines(file.message)}`);
    }
  }
  return failures;
}

/** The unexpected and flaky tests in a Playwright JSON report. */
export function playwrightFailures(report: PlaywrightReport | undefined, label: string): string[] {
  const failures: string[] = [];
  const visit = (suite: PlaywrightSuite, file: string | undefined) => {
    const suiteFile = suite.file ?? file;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== "unexpected" && test.status !== "flaky") continue;
        const error = test.results?.find((result) => result.error)?.error?.message;
        failures.push(
          `  Playwright${label ? ` (${label})` : ""} ${suiteFile ?? ""}:${spec.line ?? 0} › ${spec.title}` +
            ` [${test.status}]\n${firstLines(error)}`,
        );
      }
    }
    for (const child of suite.suites ?? []) visit(child, suiteFile);
  };
  for (const suite of report?.suites ?? []) visit(suite, undefined);
  return failures;
}
