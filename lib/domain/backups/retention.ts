// Which backups to keep: the newest backup of each of the last N days, weeks and months that have
// one (grandfather-father-son). Pure, so it is unit-tested; the caller deletes the rest, only after a
// new backup succeeded, and never the newest.

export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface DatedBackup {
  id: string;
  createdAt: Date;
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const monthOf = (date: Date) => date.toISOString().slice(0, 7);

/** ISO 8601 week (UTC), e.g. 2026-W49: weeks start on Monday. */
export function isoWeekOf(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/** The newest backup of each of the `count` most recent periods. */
function newestPerPeriod(sorted: DatedBackup[], periodOf: (date: Date) => string, count: number): string[] {
  const kept: string[] = [];
  const seen = new Set<string>();
  for (const backup of sorted) {
    if (seen.size >= count) break;
    const period = periodOf(backup.createdAt);
    if (seen.has(period)) continue;
    seen.add(period);
    kept.push(backup.id);
  }
  return kept;
}

export function selectBackupsToPrune(
  backups: DatedBackup[],
  policy: RetentionPolicy,
): { keep: string[]; prune: string[] } {
  const sorted = [...backups].sort(
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1),
  );
  const keep = new Set<string>([
    ...newestPerPeriod(sorted, dayOf, policy.daily),
    ...newestPerPeriod(sorted, isoWeekOf, policy.weekly),
    ...newestPerPeriod(sorted, monthOf, policy.monthly),
  ]);
  if (sorted[0]) keep.add(sorted[0].id);
  return {
    keep: sorted.filter((b) => keep.has(b.id)).map((b) => b.id),
    prune: sorted.filter((b) => !keep.has(b.id)).map((b) => b.id),
  };
}
