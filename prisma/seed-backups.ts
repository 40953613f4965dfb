// Restore drills in the product tour: /admin/backups shows last week's drill and the one before,
// both passed (the demo has no backup files of its own: `npm run backup` writes the first).
// Idempotent: nothing is added once a drill is recorded.
import type { Db } from "@/lib/db/client";
import { runAsSystem } from "@/lib/request-context";

const DAY = 86_400_000;

const backupIdAt = (at: Date, suffix: string) =>
  `${at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z")}-${suffix}`;

export async function seedDemoBackups(db: Db, now = new Date()): Promise<void> {
  await runAsSystem("seed", async () => {
    if ((await db.backupDrill.count()) > 0) return;
    const drills = [
      { daysAgo: 2, suffix: "d3m0", rows: 1_284, durationMs: 41_200 },
      { daysAgo: 9, suffix: "d3m1", rows: 1_190, durationMs: 39_800 },
    ];
    for (const drill of drills) {
      const startedAt = new Date(now.getTime() - drill.daysAgo * DAY);
      await db.backupDrill.create({
        data: {
          backupId: backupIdAt(new Date(startedAt.getTime() - 2 * 3_600_000), drill.suffix),
          startedAt,
          finishedAt: new Date(startedAt.getTime() + drill.durationMs),
          outcome: "PASSED",
          tablesChecked: 56,
          rowsChecked: BigInt(drill.rows),
          auditSeals: 420,
          phiFieldsRead: 30,
          durationMs: drill.durationMs,
        },
      });
    }
  });
}
