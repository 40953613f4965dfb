import type { Metadata } from "next";
import { ActionForm } from "@/components/ui/action-form";
import { Alert } from "@/components/ui/form";
import { runAs } from "@/lib/auth/current";
import { describeInvitation } from "@/lib/domain/accounts/service";
import { type SearchParams, singleParam } from "@/lib/http/search-params";
import { acceptInvitationAction } from "./actions";

export const metadata: Metadata = { title: "Accept your invitation" };

export default async function InvitationPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const token = singleParam((await searchParams).token, 100);
  const invitation = token ? await runAs(null, () => describeInvitation(token)) : null;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold text-brand-900">Welcome to Haven</h1>
      {invitation && token ? (
        <>
          <p className="text-sm text-slate-700">
            {invitation.displayName
              ? `${invitation.displayName}, choose your password.`
              : "You are invited to administer Haven. Choose your password."}{" "}
            At your first sign-in you will set up an authenticator app.
          </p>
          <ActionForm
            action={acceptInvitationAction}
            hidden={{ token }}
            submitLabel="Set my password"
            fields={[
              {
                name: "password",
                label: "New password",
                type: "password",
                autoComplete: "new-password",
                secret: true,
                hint: "At least 12 characters. Common or breached passwords are refused.",
              },
            ]}
          />
        </>
      ) : (
        <Alert>
          This invitation link was already used or has expired (links work for 72 hours). Ask your clinic for
          a new one.
        </Alert>
      )}
    </div>
  );
}
