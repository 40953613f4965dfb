import type { Metadata } from "next";
import { RevenueChart } from "@/components/payments/revenue-chart";
import { Alert, Button, Card, Field } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { showRevenueAction } from "@/lib/domain/payments/admin-actions";
import {
  type MonthRange,
  type RevenueFigures,
  majorUnits,
  monthLabel,
  netByMonth,
  parseRevenueRange,
  revenueByDoctorAndMonth,
} from "@/lib/domain/payments/admin-queries";
import { formatMoney } from "@/lib/domain/payments/money";
import { type SearchParams, singleParam } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Revenue" };

function Figures({ figures, currency }: { figures: RevenueFigures; currency: string }) {
  const money = (minor: number) => formatMoney(minor, currency);
  return (
    <>
      <td className="pr-3 text-right tabular-nums">
        {money(figures.chargesMinor)} <span className="text-xs text-slate-500">({figures.chargeCount})</span>
      </td>
      <td className="pr-3 text-right tabular-nums">
        {money(figures.refundsMinor)} <span className="text-xs text-slate-500">({figures.refundCount})</span>
      </td>
      <td className="pr-3 text-right tabular-nums">{money(figures.feesMinor)}</td>
      <td className="text-right font-semibold tabular-nums">{money(figures.netMinor)}</td>
    </>
  );
}

function RangeForm({ from, to }: { from: string; to: string }) {
  return (
    <form action={showRevenueAction} className="flex flex-wrap items-end gap-4">
      <Field label="From (month)" name="from" type="month" defaultValue={from} placeholder="2026-01" />
      <Field label="To (month)" name="to" type="month" defaultValue={to} placeholder="2026-12" />
      <Button type="submit" variant="secondary">
        Show
      </Button>
    </form>
  );
}

export default async function AdminRevenuePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireActor("payments:manage");
  const params = await searchParams;
  const asked = { from: singleParam(params.from, 20), to: singleParam(params.to, 20) };
  const parsed = parseRevenueRange(asked);
  if (!parsed.ok) {
    return (
      <>
        <h1 className="text-2xl font-bold text-brand-900">Revenue</h1>
        <Card>
          <div className="space-y-4">
            <Alert>{parsed.message}</Alert>
            <RangeForm from={asked.from ?? ""} to={asked.to ?? ""} />
          </div>
        </Card>
      </>
    );
  }
  const range: MonthRange = parsed.range;
  const report = await runAs(actor, () => revenueByDoctorAndMonth(actor, range));
  const csvHref = `/api/admin/revenue?${new URLSearchParams({ from: range.from, to: range.to }).toString()}`;

  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Revenue</h1>
      <Card>
        <div className="space-y-4">
          <RangeForm from={range.from} to={range.to} />
          <p className="text-sm text-slate-700">
            {monthLabel(range.from)} to {monthLabel(range.to)}, calendar months in UTC, from the ledger (money
            the providers reported as moved). Net is charges minus refunds minus provider fees.{" "}
            {/* A download, not a page: a plain link (the route answers with an attachment). */}
            <a href={csvHref} className="font-medium text-brand-700 underline" download>
              Download CSV
            </a>
          </p>
        </div>
      </Card>
      {report.totals.length === 0 ? (
        <Card>
          <p className="text-sm text-slate-600">No money moved in this range.</p>
        </Card>
      ) : null}
      {report.totals.map((total) => {
        const rows = report.rows.filter((row) => row.currency === total.currency);
        const points = netByMonth(report, range, total.currency).map((point) => ({
          ...point,
          net: Number(majorUnits(point.netMinor, total.currency)),
          netText: formatMoney(point.netMinor, total.currency),
        }));
        return (
          <Card
            key={total.currency}
            title={`${total.currency}: net ${formatMoney(total.netMinor, total.currency)}`}
          >
            <div className="space-y-6">
              <div
                className="overflow-x-auto"
                tabIndex={0}
                role="region"
                aria-label={`${total.currency} revenue table`}
              >
                <table className="w-full text-left text-sm">
                  <caption className="sr-only">
                    {total.currency} revenue per doctor and month; counts in brackets
                  </caption>
                  <thead className="text-slate-600">
                    <tr>
                      <th scope="col" className="py-2 pr-3">
                        Month
                      </th>
                      <th scope="col" className="pr-3">
                        Doctor
                      </th>
                      <th scope="col" className="pr-3 text-right">
                        Charges
                      </th>
                      <th scope="col" className="pr-3 text-right">
                        Refunds
                      </th>
                      <th scope="col" className="pr-3 text-right">
                        Fees
                      </th>
                      <th scope="col" className="text-right">
                        Net
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((row) => (
                      <tr key={`${row.month}-${row.doctorId}`} className="border-t border-slate-100">
                        <td className="py-2 pr-3">{monthLabel(row.month)}</td>
                        <td className="pr-3">{row.doctorName}</td>
                        <Figures figures={row} currency={row.currency} />
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    <tr className="border-t-2 border-slate-300 font-medium">
                      <th scope="row" colSpan={2} className="py-2 pr-3">
                        Total
                      </th>
                      <Figures figures={total} currency={total.currency} />
                    </tr>
                  </tfoot>
                </table>
              </div>
              <RevenueChart currency={total.currency} points={points} />
            </div>
          </Card>
        );
      })}
    </>
  );
}
