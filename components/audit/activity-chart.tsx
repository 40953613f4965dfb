"use client";

// Audit activity over time for the current filter: all events and failures
// (FAILURE + DENIED) per hour or day, as two bar charts with recharts' keyboard
// and screen-reader layer, a summary sentence, and the same figures as a table
// behind "Show as a table". Drawn in the browser only (recharts sizes its SVG
// with inline styles, which the CSP allows from script but not in server HTML).
import { useSyncExternalStore } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface ActivityPoint {
  /** Local bucket start, "2026-12-01T00:00" */
  start: string;
  /** "1 Dec" or "1 Dec 14:00" */
  label: string;
  total: number;
  failures: number;
}

const noSubscription = () => () => {};
const useInBrowser = () =>
  useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );

function Chart({
  id,
  title,
  description,
  points,
  dataKey,
  color,
}: {
  id: string;
  title: string;
  description: string;
  points: ActivityPoint[];
  dataKey: "total" | "failures";
  color: string;
}) {
  const inBrowser = useInBrowser();
  return (
    <figure aria-labelledby={id} className="space-y-2">
      <h3 id={id} className="text-base font-semibold text-brand-900">
        {title}
      </h3>
      <figcaption className="text-sm text-slate-700">{description}</figcaption>
      <div className="h-48 w-full" data-testid={`audit-chart-${dataKey}`}>
        {inBrowser ? (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart
              data={points}
              accessibilityLayer
              title={title}
              desc={description}
              margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
            >
              <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" stroke="#475569" minTickGap={16} />
              <YAxis stroke="#475569" width={56} allowDecimals={false} />
              <Tooltip />
              <Bar dataKey={dataKey} name={title} fill={color} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        ) : null}
      </div>
    </figure>
  );
}

export function AuditActivityChart({
  points,
  unit,
  rangeText,
}: {
  points: ActivityPoint[];
  unit: "hour" | "day" | "month";
  rangeText: string;
}) {
  const total = points.reduce((sum, p) => sum + p.total, 0);
  const failures = points.reduce((sum, p) => sum + p.failures, 0);
  const busiest = points.reduce<ActivityPoint | undefined>(
    (top, p) => (!top || p.total > top.total ? p : top),
    undefined,
  );
  const worst = points.reduce<ActivityPoint | undefined>(
    (top, p) => (!top || p.failures > top.failures ? p : top),
    undefined,
  );
  const activityText =
    total && busiest
      ? `${total} events ${rangeText}, by ${unit}; the busiest ${unit} is ${busiest.label} with ${busiest.total}.`
      : `No events ${rangeText}.`;
  const failureText =
    failures && worst
      ? `${failures} failed or denied ${rangeText}; the most in one ${unit} is ${worst.failures}, at ${worst.label}.`
      : `No failures or denials ${rangeText}.`;
  return (
    <div className="space-y-6">
      <div className="grid gap-6 lg:grid-cols-2">
        <Chart
          id="audit-activity-chart"
          title="Events"
          description={activityText}
          points={points}
          dataKey="total"
          color="#185f55"
        />
        <Chart
          id="audit-failures-chart"
          title="Failures and denials"
          description={failureText}
          points={points}
          dataKey="failures"
          color="#b91c1c"
        />
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer font-medium text-brand-700 underline">
          Show events and failures per {unit} as a table
        </summary>
        <div
          className="mt-2 max-h-80 overflow-y-auto"
          tabIndex={0}
          role="region"
          aria-label={`Events and failures per ${unit} table`}
        >
          <table className="w-full text-left">
            <caption className="sr-only">Events and failures per {unit}, oldest first</caption>
            <thead>
              <tr className="border-b border-slate-200">
                <th scope="col" className="py-1 pr-4 font-medium">
                  {unit === "hour" ? "Hour" : unit === "day" ? "Day" : "Month"}
                </th>
                <th scope="col" className="py-1 pr-4 text-right font-medium">
                  Events
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  Failures and denials
                </th>
              </tr>
            </thead>
            <tbody>
              {points.map((point) => (
                <tr key={point.start} className="border-b border-slate-100">
                  <td className="py-1 pr-4">{point.label}</td>
                  <td className="py-1 pr-4 text-right tabular-nums">{point.total}</td>
                  <td className="py-1 text-right tabular-nums">{point.failures}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
