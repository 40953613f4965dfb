// Vitest's file order for a run without its cache of durations (a clean clone, as in CI): the files that
// take a minute or more under CI load start first, so no worker is left running one alone at the end.
// Without this Vitest starts the largest files first, and the sign-in files (small, but full of real
// Argon2id hashes) started last: 337 s for the run against about 280 s.
import path from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// Longest first; seconds are one clean-clone CI run's, 4 workers beside the production build.
const SLOW_FILES = [
  "sign-in-lockout.test.ts", // 98 s
  "retention.test.ts", // 65 s
  "sign-in-throttling.test.ts", // 63 s
  "audit-trail.test.ts", // 45 s
  "erasure.test.ts", // 42 s
  "backups.test.ts", // 38 s
  "scheduling.test.ts", // 31 s
  "sign-in.test.ts", // 31 s
  "admin-create.test.ts", // 25 s (the command itself, twice)
];

export class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = SLOW_FILES.indexOf(path.basename(file.moduleId));
      return index === -1 ? SLOW_FILES.length : index;
    };
    // Array.prototype.sort is stable: the rest keep Vitest's own order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}
