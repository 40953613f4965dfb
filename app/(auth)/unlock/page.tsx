import type { Metadata } from "next";
import { Alert, Button } from "@/components/ui/form";
import { type SearchParams, singleParam } from "@/lib/http/search-params";
import { unlockAccountAction } from "./actions";

export const metadata: Metadata = { title: "Unlock your account" };

// Unlocking takes a click (a POST): mail scanners that open links must not use the token up.
export default async function UnlockPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const token = singleParam(params.token, 100);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold text-brand-900">Unlock your account</h1>
      {params.invalid || !token ? (
        <Alert>
          This unlock link was already used or has expired. Wait until the lock ends, or reset your password:
          that also unlocks the account.
        </Alert>
      ) : (
        <form action={unlockAccountAction} className="space-y-4">
          <input type="hidden" name="token" value={token} />
          <p className="text-sm text-slate-700">
            Signing in to your account was paused after several wrong passwords or codes. If those attempts
            were yours, unlock it now.
          </p>
          <Button type="submit">Unlock my account</Button>
        </form>
      )}
    </div>
  );
}
