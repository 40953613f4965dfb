// The legal hold of one patient, for admins: the active hold with its reason and a form to release
// it, or a form to place one; earlier holds below. On the request page and the admin's user page.
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { type AuthenticatedActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { placeLegalHoldAction, releaseLegalHoldAction } from "@/lib/domain/patient-rights/actions";
import { legalHoldsOf } from "@/lib/domain/patient-rights/legal-hold";
import { actorNames } from "@/lib/domain/patient-rights/queue";
import { formatDateTime } from "@/lib/domain/scheduling/format";

export async function LegalHoldCard({ actor, patientId }: { actor: AuthenticatedActor; patientId: string }) {
  const { holds, names, timeZone } = await runAs(actor, async () => {
    const holds = await legalHoldsOf(actor, patientId);
    return {
      holds,
      names: await actorNames(holds.flatMap((hold) => [hold.placedById, hold.releasedById])),
      timeZone: await accountTimeZone(actor),
    };
  });
  const when = (at: Date) => formatDateTime(at, timeZone);
  const nameOf = (id: string | null) => (id ? (names.get(id) ?? "An admin") : "An admin");
  const active = holds.find((hold) => hold.releasedAt === null);
  const past = holds.filter((hold) => hold.releasedAt !== null);
  return (
    <Card title="Legal hold">
      {active ? (
        <div className="space-y-3 text-sm" data-testid="legal-hold-active">
          <p className="font-semibold text-amber-900">
            Active since {when(active.placedAt)}, placed by {nameOf(active.placedById)}.
          </p>
          <p className="whitespace-pre-wrap text-slate-900">{active.reason}</p>
          <p className="text-slate-700">
            While it is active, this patient&apos;s data is neither erased nor destroyed by the retention job,
            and their erasure requests wait on hold.
          </p>
          <ActionForm
            action={releaseLegalHoldAction}
            hidden={{ holdId: active.id }}
            submitLabel="Release the legal hold"
            variant="secondary"
            fields={[
              {
                name: "note",
                label: "Why the hold ends",
                kind: "textarea",
                hint: "10 to 1,000 characters. Kept encrypted with the hold.",
              },
            ]}
          />
        </div>
      ) : (
        <div className="space-y-3 text-sm">
          <p className="text-slate-700">
            No legal hold. Place one when an investigation, a complaint or litigation requires this
            patient&apos;s data to be kept: erasure and retention destruction stop until it is released.
          </p>
          <ActionForm
            action={placeLegalHoldAction}
            hidden={{ patientId }}
            submitLabel="Place a legal hold"
            variant="secondary"
            fields={[
              {
                name: "reason",
                label: "Why the data must be kept",
                kind: "textarea",
                hint: "10 to 1,000 characters. Kept encrypted; name the case or matter.",
              },
            ]}
          />
        </div>
      )}
      {past.length ? (
        <>
          <h3 className="mt-6 mb-2 text-base font-semibold text-brand-900">Earlier holds</h3>
          <ul className="space-y-2 text-sm">
            {past.map((hold) => (
              <li key={hold.id} className="border-t border-slate-100 pt-2">
                <p className="text-xs text-slate-600">
                  {when(hold.placedAt)} by {nameOf(hold.placedById)} – released{" "}
                  {hold.releasedAt ? when(hold.releasedAt) : ""} by {nameOf(hold.releasedById)}
                </p>
                <p className="whitespace-pre-wrap">{hold.reason}</p>
                {hold.releaseNote ? (
                  <p className="whitespace-pre-wrap text-slate-700">{hold.releaseNote}</p>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Card>
  );
}
