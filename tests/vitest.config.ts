import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";
import { SlowFilesFirst } from "./support/slow-files-first";

const root = path.resolve(import.meta.dirname, "..");
const TEST_FILES = ["tests/unit", "tests/integration"].flatMap((dir) =>
  readdirSync(path.join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".test.ts"))
    .map((file) => path.posix.join(dir, file.split(path.sep).join("/"))),
);
// A file that changes process.env, mocks modules or spies on them, stubs globals or fakes the clock runs
// in a process of its own (Vitest's isolation). The others share their worker's modules (isolate: false):
// importing the app costs about 2 s per file, 246 s of 884 s in one CI run, 121 s with only these
// isolated. A file that changes shared state some other way (through a helper) says so with a
// "vitest: isolate" comment.
const CHANGES_SHARED_STATE =
  /vitest: isolate|process\.env(\.\w+|\[[^\]]+\])\s*(=(?!=)|\?\?=)|delete process\.env|Object\.assign\(process\.env|vi\.(stubEnv|mock|doMock|spyOn|stubGlobal|useFakeTimers|setSystemTime)|resetEnvCache/;
const ISOLATED = new Set(
  TEST_FILES.filter((file) => CHANGES_SHARED_STATE.test(readFileSync(path.join(root, file), "utf8"))),
);

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
    globalSetup: ["tests/support/global-setup.ts"],
    setupFiles: ["tests/support/test-env.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files share one PostgreSQL server and wait on it often: four workers on two cores
    // ran the suite in 223 s against 266 s with two. scripts/test.ts asks for fewer (VITEST_MAX_WORKERS)
    // when the run shares the machine with the browser tests.
    maxWorkers: Number(process.env.VITEST_MAX_WORKERS) || 4,
    sequence: { sequencer: SlowFilesFirst },
    projects: [
      {
        extends: true,
        test: { name: "isolated", include: [...ISOLATED], isolate: true },
      },
      {
        extends: true,
        test: {
          name: "shared",
          include: TEST_FILES.filter((file) => !ISOLATED.has(file)),
          isolate: false,
        },
      },
    ],
  },
});
