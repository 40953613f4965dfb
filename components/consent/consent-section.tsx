// The patient's consents on the privacy page: a card per kind (where they stand, the version and
// date, the summary, the full text, Agree or Withdraw) and the history of every grant.
import { ConsentActions } from "@/components/consent/consent-actions";
import { Card } from "@/components/ui/form";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { consentOverviewOf } from "@/lib/domain/consent/queries";
import type { ConsentCardView, ConsentHistoryView } from "@/lib/domain/consent/schemas";
import { formatDateTime } from "@/lib/domain/scheduling/format";

const STATUS_STYLE: Record<ConsentCardView["status"], string> = {
  GRANTED: "border-emerald-300 bg-emerald-50 text-emerald-900",
  OUTDATED: "border-amber-300 bg-amber-50 text-amber-950",
  WITHDRAWN: "border-slate-300 bg-slate-100 text-slate-800",
  NEVER: "border-slate-300 bg-slate-100 text-slate-800",
};

function standing(card: ConsentCardView, when: (iso: string) => string): string {
  switch (card.status) {
    case "GRANTED":
      return `You agreed to version ${card.version} on ${when(card.acceptedAt!)}.`;
    case "OUTDATED":
      return `You agreed to version ${card.version} on ${when(card.acceptedAt!)}. The text has changed since: read version ${card.current.version} and agree to it to keep using what it covers.`;
    case "WITHDRAWN":
      return `You withdrew it on ${when(card.withdrawnAt!)} (you had agreed to version ${card.version}).`;
    case "NEVER":
      return card.required
        ? "You have not agreed to it."
        : "You have not agreed to it. It is optional: agree if you want to exchange messages with your doctors.";
  }
}

function historyOutcome(entry: ConsentHistoryView, when: (iso: string) => string): string {
  if (entry.withdrawnAt) return `Withdrawn ${when(entry.withdrawnAt)}`;
  if (entry.superseded) return "Replaced by a newer version";
  return "In force";
}

export async function ConsentSection({ actor }: { actor: AuthenticatedActor }) {
  const [overview, timeZone] = await runAs(actor, () =>
    Promise.all([consentOverviewOf(actor, actor.userId), accountTimeZone(actor)]),
  );
  const when = (iso: string) => formatDateTime(new Date(iso), timeZone);
  return (
    <Card title="Your consents">
      <p className="mb-4 text-sm text-slate-700">
        What you agreed to, and when. Withdrawing a consent stops what it covers from now on; it does not
        affect what was done before, and you can agree again at any time.
      </p>
      <ul className="space-y-4">
        {overview.cards.map((card) => {
          const headingId = `consent-${card.kind.toLowerCase()}`;
          return (
            <li key={card.kind}>
              <section
                aria-labelledby={headingId}
                className="space-y-3 rounded-md border border-slate-200 p-4"
              >
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <h3 id={headingId} className="text-base font-semibold text-brand-900">
                    {card.label}
                    {card.required ? null : <span className="font-normal text-slate-600"> (optional)</span>}
                  </h3>
                  <span
                    className={`rounded-full border px-2 py-0.5 text-xs font-semibold ${STATUS_STYLE[card.status]}`}
                  >
                    {card.statusLabel}
                  </span>
                </div>
                <p className="text-sm text-slate-800">{standing(card, when)}</p>
                <p className="text-sm text-slate-700">{card.current.summary}</p>
                <details className="text-sm">
                  <summary className="cursor-pointer font-semibold text-brand-700 underline">
                    Read the full text<span className="sr-only"> of {card.label}</span> (version{" "}
                    {card.current.version})
                  </summary>
                  <div className="mt-2 space-y-2 rounded-md bg-slate-50 p-3 text-slate-800">
                    {card.current.text.split("\n\n").map((paragraph) => (
                      <p key={paragraph.slice(0, 40)}>{paragraph}</p>
                    ))}
                    <p className="text-xs break-all text-slate-600">
                      Fingerprint of this text (SHA-256): <code>{card.current.hash}</code>
                    </p>
                  </div>
                </details>
                <ConsentActions
                  kind={card.kind}
                  label={card.label}
                  status={card.status}
                  currentVersion={card.current.version}
                  withdrawalEffects={card.withdrawalEffects}
                  confirmWithdrawal={card.kind !== "MESSAGING"}
                />
              </section>
            </li>
          );
        })}
      </ul>

      <h3 className="mt-6 mb-2 text-base font-semibold text-brand-900">History</h3>
      {overview.history.length ? (
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Every consent you gave, newest first</caption>
          <thead className="text-slate-600">
            <tr>
              <th scope="col" className="py-1 pr-3">
                Consent
              </th>
              <th scope="col" className="py-1 pr-3">
                Version
              </th>
              <th scope="col" className="py-1 pr-3">
                Agreed
              </th>
              <th scope="col" className="py-1">
                Now
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {overview.history.map((entry) => (
              <tr key={entry.id}>
                <td className="py-2 pr-3">{entry.label}</td>
                <td className="py-2 pr-3">{entry.version}</td>
                <td className="py-2 pr-3">{when(entry.acceptedAt)}</td>
                <td className="py-2">{historyOutcome(entry, when)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-sm text-slate-700">You have not given any consent yet.</p>
      )}
    </Card>
  );
}
