import { formatDateTime } from "@/lib/domain/scheduling/format";
import { type Deadline, countdown } from "@/lib/domain/security/deadlines";

/** The incident's notification deadlines, each with the time left (or how overdue), as of the page's render. */
export function DeadlineList({
  deadlines,
  timeZone,
  closed,
  now = new Date(),
}: {
  deadlines: readonly Deadline[];
  timeZone: string;
  closed: boolean;
  now?: Date;
}) {
  return (
    <ul className="space-y-2 text-sm">
      {deadlines.map((deadline) => {
        const left = countdown(deadline.due, now);
        return (
          <li key={deadline.law} className="flex flex-wrap items-baseline justify-between gap-2">
            <span>{deadline.label}</span>
            <span>
              due <time dateTime={deadline.due.toISOString()}>{formatDateTime(deadline.due, timeZone)}</time>
              {closed ? null : (
                <strong
                  className={`ml-2 ${left.overdue ? "text-red-800" : "text-slate-900"}`}
                  data-testid={`deadline-${deadline.law}`}
                >
                  {left.text}
                </strong>
              )}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
