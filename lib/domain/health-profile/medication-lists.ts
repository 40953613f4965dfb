// Current and past medications in a useful order. The dates are encrypted, so
// the database cannot sort or filter by them: this runs on the decrypted rows.

interface Dated {
  startedOn: string | null;
  stoppedOn: string | null;
  createdAt: Date;
}

/** Newest first by a date; entries without it after those with one, newest entered first. */
const newestFirst =
  <T extends Dated>(key: "startedOn" | "stoppedOn") =>
  (a: T, b: T): number => {
    const left = a[key];
    const right = b[key];
    if (left !== right) {
      if (left === null) return 1;
      if (right === null) return -1;
      return left < right ? 1 : -1;
    }
    return b.createdAt.getTime() - a.createdAt.getTime();
  };

/** Current (no stop date) by start date, newest first; past by stop date, most recent first. */
export function splitMedications<T extends Dated>(medications: readonly T[]): { current: T[]; past: T[] } {
  const current = medications.filter((m) => m.stoppedOn === null).sort(newestFirst("startedOn"));
  const past = medications.filter((m) => m.stoppedOn !== null).sort(newestFirst("stoppedOn"));
  return { current, past };
}
