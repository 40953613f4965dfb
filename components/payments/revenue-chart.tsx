"use client";

// Net revenue per month of one currency as bars, with recharts' keyboard and
// screen-reader layer, a description, and the same figures as a table behind
// "Show as a table". Drawn in the browser only: recharts sizes the SVG with
// inline styles, which the page's CSP allows when set from script but not in
// server-rendered HTML.
import { useSyncExternalStore } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

export interface NetPoint {
  /** YYYY-MM */
  month: string;
  /** "Nov 2026" */
  label: string;
  /** In major units, for the axis. */
  net: number;
  /** "€12.50" */
  netText: string;
}

const noSubscription = () => () => {};
const useInBrowser = () =>
  useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );

const BRAND = "#185f55";

export function RevenueChart({ currency, points }: { currency: string; points: NetPoint[] }) {
  const inBrowser = useInBrowser();
  const headingId = `revenue-chart-${currency.toLowerCase()}`;
  const best = points.reduce<NetPoint | undefined>(
    (top, p) => (!top || p.net > top.net ? p : top),
    undefined,
  );
  const description =
    points.length && best
      ? `Net ${currency} revenue for ${points.length} ${points.length === 1 ? "month" : "months"} from ${points[0]!.label} to ${points.at(-1)!.label}; the highest is ${best.netText} in ${best.label}.`
      : `No ${currency} revenue in this range.`;
  return (
    <figure aria-labelledby={headingId} className="space-y-3">
      <h3 id={headingId} className="text-base font-semibold text-brand-900">
        Net per month ({currency})
      </h3>
      <figcaption className="text-sm text-slate-700">{description}</figcaption>
      <div className="h-60 w-full" data-testid={`revenue-chart-${currency}`}>
        {inBrowser ? (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart
              data={points}
              accessibilityLayer
              title={`Net ${currency} revenue per month`}
              desc={description}
              margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
            >
              <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="label" stroke="#475569" />
              <YAxis
                stroke="#475569"
                width={72}
                tickFormatter={(value: number) => value.toLocaleString("en")}
              />
              <ReferenceLine y={0} stroke="#94a3b8" />
              <Tooltip formatter={(_value, _name, item) => [(item.payload as NetPoint).netText, "Net"]} />
              <Bar dataKey="net" name="Net" fill={BRAND} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        ) : null}
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer font-medium text-brand-700 underline">
          Show net {currency} per month as a table
        </summary>
        <div
          className="mt-2 max-h-80 overflow-y-auto"
          tabIndex={0}
          role="region"
          aria-label={`Net ${currency} per month table`}
        >
          <table className="w-full text-left">
            <caption className="sr-only">Net {currency} revenue per month, oldest first</caption>
            <thead>
              <tr className="border-b border-slate-200">
                <th scope="col" className="py-1 pr-4 font-medium">
                  Month
                </th>
                <th scope="col" className="py-1 text-right font-medium">
                  Net
                </th>
              </tr>
            </thead>
            <tbody>
              {points.map((point) => (
                <tr key={point.month} className="border-b border-slate-100">
                  <td className="py-1 pr-4">{point.label}</td>
                  <td className="py-1 text-right tabular-nums">{point.netText}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
