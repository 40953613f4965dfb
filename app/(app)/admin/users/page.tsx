import type { Metadata, Route } from "next";
import Link from "next/link";
import { AccountStatusBadge, SecondFactorBadge } from "@/components/admin/badges";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { ROLE_LABEL, listStaffAccounts } from "@/lib/domain/accounts/admin-users";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { describeTimeZone, formatDateTime } from "@/lib/domain/scheduling/format";
import { findPatientAction } from "./actions";

export const metadata: Metadata = { title: "Users" };

export default async function AdminUsersPage() {
  const actor = await requireActor("users:manage");
  const { staff, timeZone } = await runAs(actor, async () => ({
    staff: await listStaffAccounts(actor),
    timeZone: await accountTimeZone(actor),
  }));

  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Users</h1>
      <p className="text-sm text-slate-700">
        Doctors are invited from the{" "}
        <Link href="/admin#invite" className="text-brand-700 underline">
          clinic admin page (Invite a doctor)
        </Link>
        . Quarterly reviews of staff access are under{" "}
        <Link href="/admin/access-reviews" className="text-brand-700 underline">
          Access reviews
        </Link>
        .
      </p>

      <Card title="Find a patient's account">
        <ActionForm
          action={findPatientAction}
          submitLabel="Open the account"
          fields={[
            {
              name: "email",
              label: "Patient's email",
              type: "email",
              hint: "The exact address the patient signs in with. It is sent in the form, never in the address bar.",
            },
          ]}
        />
      </Card>

      <Card title={`Staff accounts (${staff.length})`}>
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Staff accounts table">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Every doctor and admin account</caption>
            <thead className="text-slate-600">
              <tr>
                <th scope="col" className="py-2">
                  Name
                </th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Two-step</th>
                <th scope="col">Last sign-in</th>
                <th scope="col" className="text-right">
                  Active sessions
                </th>
              </tr>
            </thead>
            <tbody>
              {staff.map((account) => (
                <tr key={account.id} className="border-t border-slate-100">
                  <td className="py-2 pr-3">
                    <Link href={`/admin/users/${account.id}` as Route} className="text-brand-700 underline">
                      {account.name}
                    </Link>
                    {account.id === actor.userId ? <span className="ml-1 text-slate-600">(you)</span> : null}
                  </td>
                  <td className="pr-3 break-all">{account.email}</td>
                  <td className="pr-3">{ROLE_LABEL[account.role]}</td>
                  <td className="pr-3">
                    <AccountStatusBadge status={account.status} />
                  </td>
                  <td className="pr-3">
                    <SecondFactorBadge on={account.mfaOn} />
                  </td>
                  <td className="pr-3">
                    {account.lastSignInAt ? formatDateTime(account.lastSignInAt, timeZone) : "Never"}
                  </td>
                  <td className="text-right tabular-nums">{account.activeSessions}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="mt-3 text-xs text-slate-500">
          Last sign-in is when the account&apos;s newest session began (a session starts only after every
          sign-in step passed). Times in {describeTimeZone(timeZone)}.
        </p>
      </Card>
    </>
  );
}
