// Notification deadlines of a security incident, counted from its discovery:
// HIPAA's breach notification rule (45 CFR 164.404: without unreasonable delay
// and no later than 60 calendar days) and GDPR article 33 (the supervisory
// authority within 72 hours). Pure, so the countdown is unit-tested.

export const HIPAA_DAYS = 60;
export const GDPR_HOURS = 72;

export interface Deadline {
  law: "HIPAA" | "GDPR";
  label: string;
  due: Date;
}

export function notificationDeadlines(discoveredAt: Date): Deadline[] {
  return [
    {
      law: "GDPR",
      label: "GDPR: notify the supervisory authority (72 hours)",
      due: new Date(discoveredAt.getTime() + GDPR_HOURS * 3_600_000),
    },
    {
      law: "HIPAA",
      label: "HIPAA: notify affected individuals (60 days)",
      due: new Date(discoveredAt.getTime() + HIPAA_DAYS * 86_400_000),
    },
  ];
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/**
 * "59 days 23 hours left" far off; in hours and minutes within four days ("71 hours 58 minutes
 * left", the way a 72-hour deadline is counted); "overdue by 2 hours 5 minutes" once passed.
 */
export function countdown(due: Date, now: Date): { text: string; overdue: boolean } {
  const ms = due.getTime() - now.getTime();
  const overdue = ms < 0;
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const hours = Math.floor(minutes / 60);
  const span =
    hours >= 96
      ? `${plural(Math.floor(hours / 24), "day")} ${plural(hours % 24, "hour")}`
      : hours > 0
        ? `${plural(hours, "hour")} ${plural(minutes % 60, "minute")}`
        : plural(minutes, "minute");
  return { text: overdue ? `overdue by ${span}` : `${span} left`, overdue };
}
