import type { Metadata, Route } from "next";
import Link from "next/link";
import { DaysLeft, RequestStatusBadge } from "@/components/patient-rights/request-badges";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { listRequests } from "@/lib/domain/patient-rights/queue";
import {
  FINAL_STATUSES,
  REQUEST_KIND_LABEL,
  REQUEST_STATUS_LABEL,
} from "@/lib/domain/patient-rights/requests";
import { QUEUE_KINDS, QUEUE_STATUSES, queueFilterOf } from "@/lib/domain/patient-rights/schemas";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { type SearchParams, singleParam } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Data requests" };

/** The queue's address with one filter changed (null: that filter off). */
function filterHref(
  current: { status: string | null; kind: string | null },
  change: { status?: string | null; kind?: string | null },
): Route {
  const next = { ...current, ...change };
  const query = new URLSearchParams();
  if (next.status) query.set("status", next.status);
  if (next.kind) query.set("kind", next.kind);
  const text = query.toString();
  return text ? `/admin/requests?${text}` : "/admin/requests";
}

function FilterLinks({
  label,
  options,
  selected,
  hrefOf,
}: {
  label: string;
  options: readonly { value: string | null; label: string }[];
  selected: string | null;
  hrefOf: (value: string | null) => Route;
}) {
  return (
    <nav aria-label={label} className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-slate-600">{label}:</span>
      {options.map((option) => {
        const current = option.value === selected;
        return (
          <Link
            key={option.value ?? "all"}
            href={hrefOf(option.value)}
            aria-current={current ? "page" : undefined}
            className={`rounded-full border px-2 py-0.5 ${current ? "border-brand-600 bg-brand-600 text-white" : "border-slate-300 bg-white text-slate-800 hover:bg-slate-50"}`}
          >
            {option.label}
          </Link>
        );
      })}
    </nav>
  );
}

export default async function RequestQueuePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireActor("rights:manage");
  const query = await searchParams;
  const filter = queueFilterOf({ status: singleParam(query.status), kind: singleParam(query.kind) });
  const [requests, timeZone] = await runAs(actor, () =>
    Promise.all([listRequests(actor, filter), accountTimeZone(actor)]),
  );
  const when = (at: Date) => formatDateTime(at, timeZone);
  const now = new Date();
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Data requests</h1>
      <p className="text-sm text-slate-700">
        Patients&apos; requests under their data rights: exports, corrections and erasures. Each must be
        answered within its deadline; overdue ones are in red, those due within 7 days are highlighted.
      </p>
      <Card>
        <div className="mb-4 space-y-2">
          <FilterLinks
            label="Status"
            selected={filter.status}
            options={[
              { value: null, label: "All" },
              ...QUEUE_STATUSES.map((status) => ({ value: status, label: REQUEST_STATUS_LABEL[status] })),
            ]}
            hrefOf={(status) => filterHref(filter, { status })}
          />
          <FilterLinks
            label="Kind"
            selected={filter.kind}
            options={[
              { value: null, label: "All" },
              ...QUEUE_KINDS.map((kind) => ({ value: kind, label: REQUEST_KIND_LABEL[kind] })),
            ]}
            hrefOf={(kind) => filterHref(filter, { kind })}
          />
        </div>
        {requests.length === 0 ? (
          <p className="text-sm text-slate-600">No request matches.</p>
        ) : (
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Data requests table">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Data requests, open ones first by due date</caption>
              <thead className="text-slate-600">
                <tr>
                  <th scope="col" className="py-2">
                    Request
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col">Received</th>
                  <th scope="col">Due</th>
                  <th scope="col">Days left</th>
                </tr>
              </thead>
              <tbody>
                {requests.map((request) => {
                  const closed = FINAL_STATUSES.includes(request.status);
                  return (
                    <tr key={request.id} className="border-t border-slate-100" data-testid="queue-row">
                      <td className="py-2 pr-3">
                        <Link
                          href={`/admin/requests/${request.id}` as Route}
                          className="text-brand-700 underline"
                          aria-label={`${REQUEST_KIND_LABEL[request.kind]} received ${when(request.receivedAt)}`}
                        >
                          {REQUEST_KIND_LABEL[request.kind]}
                        </Link>
                        {request.unassigned ? (
                          <span className="ml-2 text-xs font-medium text-amber-900">needs a doctor</span>
                        ) : null}
                      </td>
                      <td className="pr-3">
                        <RequestStatusBadge status={request.status} />
                      </td>
                      <td className="pr-3">{when(request.receivedAt)}</td>
                      <td className="pr-3">{when(request.dueAt)}</td>
                      <td>
                        <DaysLeft dueAt={request.dueAt} closed={closed} now={now} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
