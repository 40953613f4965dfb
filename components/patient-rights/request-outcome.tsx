// What an erasure erased and kept, or what an export held: counts by category (no PHI).

const humanize = (key: string) =>
  key
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .toLowerCase()
    .replace(/^./, (first) => first.toUpperCase());

function Counts({ title, counts }: { title: string; counts: Record<string, unknown> }) {
  const entries = Object.entries(counts);
  return (
    <div>
      <h3 className="mb-1 font-semibold text-slate-900">{title}</h3>
      {entries.length ? (
        <dl className="grid grid-cols-2 gap-x-4 gap-y-1">
          {entries.map(([key, value]) => (
            <div key={key} className="contents">
              <dt className="text-slate-600">{humanize(key)}</dt>
              <dd>
                {typeof value === "number" || typeof value === "string" ? value : JSON.stringify(value)}
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="text-slate-600">Nothing.</p>
      )}
    </div>
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function RequestOutcome({ outcome }: { outcome: unknown }) {
  if (!isRecord(outcome)) return null;
  const { erased, retained, ...rest } = outcome;
  return (
    <div className="grid gap-4 text-sm sm:grid-cols-2" data-testid="request-outcome">
      {isRecord(erased) ? <Counts title="Erased" counts={erased} /> : null}
      {isRecord(retained) ? <Counts title="Retained" counts={retained} /> : null}
      {Object.keys(rest).length ? <Counts title="Details" counts={rest} /> : null}
    </div>
  );
}
