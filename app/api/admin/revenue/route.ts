import { requireApiActor, runAs } from "@/lib/auth/current";
import { parseRevenueRange, revenueCsv } from "@/lib/domain/payments/admin-queries";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Revenue per doctor and month as CSV (?from=YYYY-MM&to=YYYY-MM); the export is audited. */
export const GET = route(async (request) => {
  const actor = await requireApiActor("payments:manage");
  const query = new URL(request.url).searchParams;
  const parsed = parseRevenueRange({
    from: query.get("from") ?? undefined,
    to: query.get("to") ?? undefined,
  });
  if (!parsed.ok) throw new AppError("BAD_REQUEST", parsed.message);
  const { range } = parsed;
  const csv = await runAs(actor, () => revenueCsv(actor, range));
  return new Response(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="haven-revenue-${range.from}-${range.to}.csv"`,
      "cache-control": "no-store",
    },
  });
});
