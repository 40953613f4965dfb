// End-to-end tests in Debian's Chromium against `next start` (a production build).
// scripts/test.ts builds the app and provides the database and secrets.
import { existsSync } from "node:fs";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;
// A second server of the same build and database, deployed without a reverse proxy
// (TRUST_PROXY=false), for what depends on how the client address is found.
const noProxyPort = Number(process.env.E2E_NO_PROXY_PORT ?? 3101);
const NO_PROXY_BASE_URL = `http://localhost:${noProxyPort}`;
const root = path.resolve(import.meta.dirname, "..");
// Chromium's headless shell (the old headless mode, Debian's chromium-headless-shell) ran the same specs
// in 243 s against 323 s for the full browser on 2 cores: no GPU process, a lighter browser process.
const HEADLESS_SHELL = "/usr/bin/chromium-headless-shell";
const chromiumPath =
  process.env.CHROMIUM_PATH ?? (existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : "/usr/bin/chromium");
// scripts/test.ts gives each shard its own folder for results (tests/.artifacts/shard-N).
const artifacts = process.env.E2E_ARTIFACTS_DIR ?? path.join(root, "tests/.artifacts");

export default defineConfig({
  testDir: "e2e",
  outputDir: path.join(artifacts, "e2e-results"),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Bounds for hangs, not speed goals: two shards share two cores with their servers and browsers.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: path.join(artifacts, "playwright.json") }]],
  use: {
    baseURL,
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // The video room: a fake camera and microphone, granted without a prompt.
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: [
    {
      command: `npx --no-install next start --port ${port}`,
      cwd: root,
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
      // Each test sends its own X-Forwarded-For, so per-address limits do not collide.
      env: { APP_URL: baseURL, NEXT_TELEMETRY_DISABLED: "1", TRUST_PROXY: "true" },
    },
    {
      command: `npx --no-install next start --port ${noProxyPort}`,
      cwd: root,
      url: `${NO_PROXY_BASE_URL}/api/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      stderr: "pipe",
      env: { APP_URL: NO_PROXY_BASE_URL, NEXT_TELEMETRY_DISABLED: "1", TRUST_PROXY: "false" },
    },
  ],
});
