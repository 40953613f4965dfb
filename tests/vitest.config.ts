import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(import.meta.dirname, "..");

export default defineConfig({
  root,
  resolve: {
    alias: {
      "@": root,
      // `server-only` throws outside React Server Components; tests import server modules directly.
      "server-only": path.join(root, "tests/support/empty-module.ts"),
    },
  },
  test: {
    include: ["tests/unit/**/*.test.ts", "tests/integration/**/*.test.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/test-env.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files share one PostgreSQL server and wait on it often: four workers on two cores
    // ran the suite in 223 s against 266 s with two. scripts/test.ts asks for fewer (VITEST_MAX_WORKERS)
    // when the run shares the machine with the browser tests.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || 4,
  },
});
