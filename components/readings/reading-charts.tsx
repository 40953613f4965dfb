"use client";

// One line chart per metric (blood pressure: two lines), with recharts'
// keyboard and screen-reader layer, a title and description, and the same
// numbers as a table behind "Show as a table". The SVG is drawn in the browser
// only: recharts sizes it with inline styles, which the page's CSP allows when
// set from script but not in server-rendered HTML.
import { useSyncExternalStore } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartPoint, ChartSeries } from "@/lib/domain/readings/series";

const noSubscription = () => () => {};
const useInBrowser = () =>
  useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );

const BRAND = "#185f55";
const SECOND = "#b45309";

function dayLabel(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone }).format(at);
}

function describe(series: ChartSeries): string {
  const first = series.points[0]!;
  const last = series.points.at(-1)!;
  const count = `${series.points.length} ${series.points.length === 1 ? "reading" : "readings"}`;
  const shown = (point: typeof first) =>
    point.second === undefined
      ? `${point.value} ${series.unit}`
      : `${point.value}/${point.second} ${series.unit}`;
  return `${series.label}: ${count} from ${first.label} to ${last.label}; the latest is ${shown(last)}.`;
}

function MetricChart({
  series,
  timeZone,
  idPrefix,
}: {
  series: ChartSeries;
  timeZone: string;
  idPrefix: string;
}) {
  const inBrowser = useInBrowser();
  const pressure = series.metric === "BLOOD_PRESSURE";
  const headingId = `${idPrefix}-${series.metric.toLowerCase()}`;
  const description = describe(series);
  return (
    <figure aria-labelledby={headingId} className="space-y-3">
      <h3 id={headingId} className="text-base font-semibold text-brand-900">
        {series.label} <span className="font-normal text-slate-600">({series.unit})</span>
      </h3>
      <figcaption className="text-sm text-slate-700">{description}</figcaption>
      <div className="h-60 w-full" data-testid={`chart-${series.metric}`}>
        {inBrowser ? (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart
              data={series.points}
              accessibilityLayer
              title={`${series.label} over time`}
              desc={description}
              margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
            >
              <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
              <XAxis
                dataKey="at"
                type="number"
                scale="time"
                domain={["dataMin", "dataMax"]}
                tickFormatter={(at: number) => dayLabel(at, timeZone)}
                stroke="#475569"
              />
              <YAxis
                stroke="#475569"
                width={64}
                domain={["auto", "auto"]}
                tickFormatter={(value: number) => value.toLocaleString("en")}
              />
              <Tooltip
                labelFormatter={(_label, payload) =>
                  (payload?.[0]?.payload as ChartPoint | undefined)?.label ?? ""
                }
                formatter={(value) => [`${String(value)} ${series.unit}`]}
              />
              {pressure ? <Legend /> : null}
              <Line
                type="monotone"
                dataKey="value"
                name={pressure ? "Systolic" : series.label}
                stroke={BRAND}
                strokeWidth={2}
                dot={{ r: 2 }}
                isAnimationActive={false}
              />
              {pressure ? (
                <Line
                  type="monotone"
                  dataKey="second"
                  name="Diastolic"
                  stroke={SECOND}
                  strokeWidth={2}
                  strokeDasharray="6 3"
                  dot={{ r: 2 }}
                  isAnimationActive={false}
                />
              ) : null}
            </LineChart>
          </ResponsiveContainer>
        ) : null}
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer font-medium text-brand-700 underline">
          Show {series.label.toLowerCase()} as a table
        </summary>
        {/* Scrollable, so it must be reachable by keyboard. */}
        <div
          className="mt-2 max-h-80 overflow-y-auto"
          tabIndex={0}
          role="region"
          aria-label={`${series.label} readings table`}
        >
          <table className="w-full text-left">
            <caption className="sr-only">{series.label} readings, oldest first</caption>
            <thead>
              <tr className="border-b border-slate-200">
                <th scope="col" className="py-1 pr-4 font-medium">
                  When
                </th>
                {pressure ? (
                  <>
                    <th scope="col" className="py-1 pr-4 font-medium">
                      Systolic ({series.unit})
                    </th>
                    <th scope="col" className="py-1 font-medium">
                      Diastolic ({series.unit})
                    </th>
                  </>
                ) : (
                  <th scope="col" className="py-1 font-medium">
                    {series.label} ({series.unit})
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {series.points.map((point) => (
                <tr key={point.at} className="border-b border-slate-100">
                  <td className="py-1 pr-4">{point.label}</td>
                  <td className="py-1 pr-4">{point.value}</td>
                  {pressure ? <td className="py-1">{point.second}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

export function ReadingCharts({
  series,
  timeZone,
  idPrefix,
}: {
  series: ChartSeries[];
  timeZone: string;
  idPrefix: string;
}) {
  return (
    <div className="space-y-8">
      {series.map((entry) => (
        <MetricChart key={entry.metric} series={entry} timeZone={timeZone} idPrefix={idPrefix} />
      ))}
    </div>
  );
}
