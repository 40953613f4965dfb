import type { Metadata } from "next";
import Link from "next/link";
import { AccountStatusBadge, SecondFactorBadge } from "@/components/admin/badges";
import { ConfirmDisclosure } from "@/components/admin/confirm-disclosure";
import { DetailRow } from "@/components/admin/detail-row";
import { CoverageStatus } from "@/components/insurance/coverage-status";
import { LegalHoldCard } from "@/components/patient-rights/legal-hold-card";
import { ActionForm } from "@/components/ui/action-form";
import { Alert, Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import {
  ACCOUNT_CHANGE_MESSAGE,
  ROLE_LABEL,
  accountChangeOf,
  accountForAdmin,
} from "@/lib/domain/accounts/admin-users";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { describeTimeZone, formatDateTime } from "@/lib/domain/scheduling/format";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";
import type { SearchParams } from "@/lib/http/search-params";
import {
  deactivateAccountAction,
  reactivateAccountAction,
  resetMfaAction,
  revokeSessionAction,
} from "../actions";

export const metadata: Metadata = { title: "Account" };

export default async function AdminAccountPage({
  params,
  searchParams,
}: {
  params: Promise<{ userId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const actor = await requireActor("users:manage");
  const userId = pageIdOr404((await params).userId);
  const change = accountChangeOf((await searchParams).done);
  const { account, timeZone } = await orNotFound(
    runAs(actor, async () => ({
      account: await accountForAdmin(actor, userId),
      timeZone: await accountTimeZone(actor),
    })),
  );
  const when = (at: Date) => formatDateTime(at, timeZone);
  const title = account.name ?? `${ROLE_LABEL[account.role]} account`;
  const who = account.name ?? "this account";
  const hidden = { userId: account.id };

  return (
    <>
      <p className="text-sm">
        <Link href="/admin/users" className="text-brand-700 underline">
          All users
        </Link>
      </p>
      <h1 className="text-2xl font-bold text-brand-900">{title}</h1>
      {change ? <Alert tone="success">{ACCOUNT_CHANGE_MESSAGE[change]}</Alert> : null}
      {account.isSelf ? (
        <p className="text-sm text-slate-700">
          This is your own account: another admin deactivates it or resets its second factor. Your own
          sessions and authenticator are on{" "}
          <Link href="/account" className="text-brand-700 underline">
            your account page
          </Link>
          .
        </p>
      ) : null}

      <Card title="Account">
        <dl className="text-sm">
          <DetailRow label="Role">{ROLE_LABEL[account.role]}</DetailRow>
          <DetailRow label="Status">
            <AccountStatusBadge status={account.status} />
          </DetailRow>
          {account.email ? <DetailRow label="Email">{account.email}</DetailRow> : null}
          <DetailRow label="Created">{when(account.createdAt)}</DetailRow>
          <DetailRow label="Last sign-in">
            {account.lastSignInAt ? when(account.lastSignInAt) : "Never"}
          </DetailRow>
          <DetailRow label="Account id">
            <code className="text-xs break-all select-all">{account.id}</code>
          </DetailRow>
        </dl>
        {account.role === "PATIENT" ? (
          <div className="mt-3">
            <CoverageStatus actor={actor} patientId={account.id} />
          </div>
        ) : null}
        <p className="mt-3 text-xs text-slate-500">Times in {describeTimeZone(timeZone)}.</p>
      </Card>

      {account.isSelf ? null : (
        <Card title={account.status === "DEACTIVATED" ? "Reactivate" : "Deactivate"}>
          {account.status === "DEACTIVATED" ? (
            <div className="space-y-3 text-sm">
              <p>
                {account.role === "PATIENT"
                  ? "Reactivating lets the patient sign in again."
                  : "Reactivating lets the account sign in again; an account that never accepted its invitation goes back to Invited."}
              </p>
              <ActionForm
                action={reactivateAccountAction}
                hidden={hidden}
                fields={[]}
                submitLabel="Reactivate"
                submitAccessibleName={`Reactivate ${who}`}
              />
            </div>
          ) : (
            <ConfirmDisclosure label="Deactivate…" accessibleLabel={`Deactivate ${who}…`}>
              <p>
                Deactivating ends every session of {who} at once and refuses every sign-in until an admin
                reactivates the account. Nothing is deleted.
              </p>
              <ActionForm
                action={deactivateAccountAction}
                hidden={hidden}
                fields={[]}
                submitLabel="Deactivate and sign out everywhere"
                variant="danger"
              />
            </ConfirmDisclosure>
          )}
        </Card>
      )}

      {account.role === "PATIENT" ? <LegalHoldCard actor={actor} patientId={account.id} /> : null}

      <Card title="Second factor">
        <dl className="text-sm">
          <DetailRow label="Two-step sign-in">
            <SecondFactorBadge on={account.mfaEnabledAt !== null} />
            {account.mfaEnabledAt ? (
              <span className="ml-2 text-slate-700">since {when(account.mfaEnabledAt)}</span>
            ) : null}
          </DetailRow>
        </dl>
        {account.isSelf ? null : account.mfaEnabledAt ? (
          <div className="mt-4">
            <ActionForm
              action={resetMfaAction}
              hidden={hidden}
              submitLabel="Reset second factor"
              variant="danger"
              fields={[
                {
                  name: "reason",
                  kind: "textarea",
                  label: "Why reset it",
                  hint: "Describe the account's situation (for example: lost phone, identity confirmed by a call-back). No patient data. 10 to 500 characters.",
                },
              ]}
            />
            <p className="mt-2 text-xs text-slate-600">
              The authenticator and recovery codes are removed and every session ends: the account sets up a
              new authenticator at its next sign-in.
            </p>
          </div>
        ) : (
          <p className="mt-3 text-sm text-slate-700">
            {account.role === "PATIENT"
              ? "This patient has not turned on two-step sign-in: there is nothing to reset."
              : "No authenticator is set up: the account sets one up at its next sign-in, so there is nothing to reset."}
          </p>
        )}
        <h3 className="mt-6 mb-2 text-base font-semibold text-brand-900">Reset history</h3>
        {account.mfaResets.length ? (
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Second-factor resets of this account, newest first</caption>
            <thead className="text-slate-600">
              <tr>
                <th scope="col" className="py-2">
                  When
                </th>
                <th scope="col">By</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {account.mfaResets.map((reset) => (
                <tr key={reset.id} className="border-t border-slate-100 align-top">
                  <td className="py-2 pr-3 whitespace-nowrap">{when(reset.at)}</td>
                  <td className="pr-3">{reset.byName}</td>
                  <td className="whitespace-pre-wrap">{reset.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="text-sm text-slate-600">Never reset.</p>
        )}
      </Card>

      <Card title={`Active sessions (${account.sessions.length})`}>
        {account.sessions.length ? (
          <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="Active sessions table">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Sessions of this account that are still signed in</caption>
              <thead className="text-slate-600">
                <tr>
                  <th scope="col" className="py-2">
                    Signed in
                  </th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Address</th>
                  <th scope="col">Browser</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {account.sessions.map((session) => (
                  <tr key={session.id} className="border-t border-slate-100">
                    <td className="py-2 pr-3">{when(session.createdAt)}</td>
                    <td className="pr-3">{when(session.lastSeenAt)}</td>
                    <td className="pr-3 font-mono text-xs">{session.ip ?? "Unknown"}</td>
                    <td className="pr-3">{session.browser}</td>
                    <td className="py-2 text-right">
                      {account.isSelf ? null : (
                        <ActionForm
                          action={revokeSessionAction}
                          hidden={{ userId: account.id, sessionId: session.id }}
                          fields={[]}
                          submitLabel="Revoke"
                          variant="secondary"
                          submitAccessibleName={`Revoke the session signed in ${when(session.createdAt)}`}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="text-sm text-slate-600">No active sessions.</p>
        )}
      </Card>
    </>
  );
}
