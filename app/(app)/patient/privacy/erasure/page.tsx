import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { erasureCategories, ownOpenErasureRequest } from "@/lib/domain/patient-rights/erasure";
import { requestErasureAction, withdrawErasureAction } from "@/lib/domain/patient-rights/actions";
import { formatDateTime } from "@/lib/domain/scheduling/format";

export const metadata: Metadata = { title: "Erase my account" };

/** What erasure removes and keeps, and the request (with the password as confirmation). */
export default async function ErasurePage() {
  const actor = await requireActor("rights:own");
  const [open, timeZone] = await runAs(actor, () =>
    Promise.all([ownOpenErasureRequest(actor), accountTimeZone(actor)]),
  );
  const categories = erasureCategories();
  return (
    <>
      <p className="text-sm">
        <Link href="/patient/privacy" className="text-brand-700 underline">
          Privacy and your data
        </Link>
      </p>
      <h1 className="text-2xl font-bold text-brand-900">Erase my account</h1>
      <Card title="What erasure removes, and what the clinic must keep">
        <ul className="space-y-3 text-sm">
          {categories.map((category) => (
            <li key={category.label}>
              <p className="font-semibold text-slate-900">
                {category.fate === "erased" ? "Erased: " : "Kept: "}
                {category.label}
              </p>
              <p className="text-slate-700">{category.why}</p>
            </li>
          ))}
        </ul>
        <p className="mt-4 text-sm text-slate-700">
          Erased data is destroyed by deleting the key it was encrypted with, so it cannot be read again, not
          even from the clinic&apos;s backups: every erasure is also recorded outside the database and carried
          out again if an older backup is ever restored.
        </p>
      </Card>
      {open ? (
        <Card title="Your request">
          <p className="text-sm text-slate-700">
            {open.status === "ON_HOLD"
              ? "Your request is paused: the clinic must keep your data for now for a legal reason (for example an investigation). It will go ahead once that ends."
              : `Received ${formatDateTime(open.receivedAt, timeZone)}. The clinic will carry it out by ${formatDateTime(open.dueAt, timeZone)} and email you when it is done. Until then your account works as before.`}
          </p>
          <div className="mt-4">
            <ActionForm
              action={withdrawErasureAction}
              hidden={{ requestId: open.id }}
              fields={[]}
              submitLabel="Withdraw my request"
              variant="secondary"
            />
          </div>
        </Card>
      ) : (
        <Card title="Ask for erasure">
          <p className="mb-4 text-sm text-slate-700">
            The clinic carries out your request within one month. If you want a copy of your data, download it
            first from{" "}
            <Link href="/patient/privacy" className="text-brand-700 underline">
              Privacy and your data
            </Link>
            : after erasure nobody can produce it again.
          </p>
          <ActionForm
            action={requestErasureAction}
            variant="danger"
            submitLabel="Ask to erase my account"
            fields={[
              {
                name: "password",
                label: "Your password",
                type: "password",
                autoComplete: "current-password",
                secret: true,
                hint: "To confirm it is you.",
              },
              {
                name: "understood",
                label:
                  "I understand that erasure cannot be undone and that I will not be able to sign in again.",
                kind: "checkbox",
              },
            ]}
          />
        </Card>
      )}
    </>
  );
}
