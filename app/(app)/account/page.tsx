import type { Metadata } from "next";
import { MfaConfirmForm } from "@/components/auth/mfa-confirm-form";
import { TotpSetupKey } from "@/components/auth/totp-setup";
import { ActionForm } from "@/components/ui/action-form";
import { Button, Card } from "@/components/ui/form";
import { canonicalTimeZone, timeZoneChoices } from "@/lib/domain/scheduling/time-zones";
import { requireActor, runAs } from "@/lib/auth/current";
import { pendingMfaSecret } from "@/lib/auth/mfa-setup";
import { listActiveSessions } from "@/lib/auth/sessions";
import { totpEnrolment } from "@/lib/auth/totp";
import { accountOverview, accountTimeZone } from "@/lib/domain/accounts/service";
import { describeTimeZone } from "@/lib/domain/scheduling/format";
import { type SearchParams, singleParam } from "@/lib/http/search-params";
import {
  changePasswordAction,
  confirmMfaSetupAction,
  disableMfaAction,
  signOutEverywhereAction,
  startMfaSetupAction,
  updateTimeZoneAction,
} from "./actions";

export const metadata: Metadata = { title: "Account" };

const formatTime = (date: Date) => date.toISOString().replace("T", " ").slice(0, 16) + " UTC";

export default async function AccountPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireActor("account:manage-own");
  const mfa = singleParam((await searchParams).mfa);
  const [account, sessions, timeZone] = await runAs(actor, () =>
    Promise.all([accountOverview(actor), listActiveSessions(actor.userId), accountTimeZone(actor)]),
  );
  const setupSecret = mfa === "setup" && !account.mfaEnabledAt ? await pendingMfaSecret(actor.userId) : null;
  const enrolment = setupSecret ? await totpEnrolment(setupSecret, account.email) : null;
  const name = account.patientProfile?.fullName ?? account.doctorProfile?.displayName ?? "Administrator";

  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Your account</h1>
      <Card title="Profile">
        <dl className="grid gap-3 text-sm sm:grid-cols-3">
          <div>
            <dt className="font-medium text-slate-600">Name</dt>
            <dd>{name}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-600">Email</dt>
            <dd>{account.email}</dd>
          </div>
          <div>
            <dt className="font-medium text-slate-600">Role</dt>
            <dd>{account.role.toLowerCase()}</dd>
          </div>
        </dl>
      </Card>

      <Card title="Time zone">
        <p className="mb-4 text-sm text-slate-700">
          Every time in Haven is shown in {describeTimeZone(timeZone)}.
        </p>
        <ActionForm
          action={updateTimeZoneAction}
          submitLabel="Save time zone"
          fields={[
            {
              name: "timeZone",
              label: "Your time zone",
              kind: "select",
              options: timeZoneChoices(),
              defaultValue: canonicalTimeZone(timeZone) ?? timeZone,
            },
          ]}
        />
      </Card>

      <Card title="Change password">
        <ActionForm
          action={changePasswordAction}
          submitLabel="Change password"
          fields={[
            {
              name: "currentPassword",
              label: "Current password",
              type: "password",
              autoComplete: "current-password",
              secret: true,
            },
            {
              name: "newPassword",
              label: "New password",
              type: "password",
              autoComplete: "new-password",
              secret: true,
              hint: "At least 12 characters.",
            },
          ]}
        />
      </Card>

      <Card title="Two-step sign-in">
        {account.mfaEnabledAt ? (
          <div className="space-y-3 text-sm">
            <p>
              On since {formatTime(account.mfaEnabledAt)}. You sign in with a code from your authenticator
              app.
            </p>
            {actor.role === "PATIENT" ? (
              <ActionForm
                action={disableMfaAction}
                submitLabel="Turn off two-step sign-in"
                variant="secondary"
                fields={[
                  {
                    name: "currentPassword",
                    label: "Your current password, to turn it off",
                    type: "password",
                    autoComplete: "current-password",
                    secret: true,
                  },
                ]}
              />
            ) : (
              <p className="text-slate-600">Doctors and admins always use two-step sign-in.</p>
            )}
          </div>
        ) : enrolment ? (
          <div className="space-y-3 text-sm">
            <p>Scan the QR code with an authenticator app, or type the key, then enter the code it shows.</p>
            <TotpSetupKey qrDataUrl={enrolment.qrDataUrl} secret={enrolment.secret} />
            <MfaConfirmForm action={confirmMfaSetupAction} />
          </div>
        ) : (
          <form action={startMfaSetupAction} className="space-y-3 text-sm">
            <p>Add a second step to signing in: a code from an authenticator app on your phone.</p>
            <Button type="submit">Set up two-step sign-in</Button>
          </form>
        )}
      </Card>

      <Card title="Where you are signed in">
        <ul className="divide-y divide-slate-100 text-sm" data-testid="sessions">
          {sessions.map((session) => (
            <li key={session.id} className="flex justify-between py-2">
              <span>
                {session.userAgent?.slice(0, 60) ?? "Unknown browser"}
                {session.id === actor.sessionId ? (
                  <strong className="ml-2 text-brand-700">(this browser)</strong>
                ) : null}
              </span>
              <span className="text-slate-500">last active {formatTime(session.lastSeenAt)}</span>
            </li>
          ))}
        </ul>
        <form action={signOutEverywhereAction} className="mt-4">
          <Button variant="danger" type="submit">
            Sign out everywhere
          </Button>
        </form>
      </Card>
    </>
  );
}
