// Calendar quarters in UTC, the period of an access review ("2026-Q4"): pure
// functions, so every admin, whatever their time zone, reviews the same quarter.

export interface Quarter {
  /** "2026-Q4" */
  period: string;
  /** The first instant of the quarter (UTC midnight on the 1st of Jan, Apr, Jul or Oct). */
  start: Date;
  /** The first instant of the next quarter: the period is [start, end). */
  end: Date;
}

const PERIOD = /^(\d{4})-Q([1-4])$/;

function quarterStarting(year: number, index: number): Quarter {
  return {
    period: `${String(year).padStart(4, "0")}-Q${index + 1}`,
    start: new Date(Date.UTC(year, index * 3, 1)),
    end: new Date(Date.UTC(year, index * 3 + 3, 1)),
  };
}

/** The quarter an instant falls in, in UTC. */
export function quarterOf(instant: Date): Quarter {
  if (Number.isNaN(instant.getTime())) throw new RangeError("not a date");
  return quarterStarting(instant.getUTCFullYear(), Math.floor(instant.getUTCMonth() / 3));
}

/** "2026-Q4" → the quarter, or null for anything else. */
export function parsePeriod(period: string): Quarter | null {
  const match = PERIOD.exec(period);
  if (!match) return null;
  const year = Number(match[1]);
  if (year < 2000 || year > 2999) return null;
  return quarterStarting(year, Number(match[2]) - 1);
}

/** The quarter before this one. */
export function previousQuarter(quarter: Quarter): Quarter {
  return quarterOf(new Date(quarter.start.getTime() - 1));
}

/** "1 Oct – 31 Dec 2026" (UTC dates: the quarter is the same for everyone). */
export function describeQuarter(quarter: Pick<Quarter, "start" | "end">): string {
  const day = (date: Date, year: boolean) =>
    new Intl.DateTimeFormat("en-GB", {
      day: "numeric",
      month: "short",
      ...(year ? { year: "numeric" } : {}),
      timeZone: "UTC",
    }).format(date);
  const last = new Date(quarter.end.getTime() - 1);
  return `${day(quarter.start, false)} – ${day(last, true)} (UTC)`;
}
