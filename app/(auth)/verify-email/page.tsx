import type { Metadata } from "next";
import { Alert, Button } from "@/components/ui/form";
import { type SearchParams, singleParam } from "@/lib/http/search-params";
import { verifyEmailAction } from "./actions";

export const metadata: Metadata = { title: "Confirm your email" };

// Confirming takes a click (a POST): mail scanners that open links must not use the token up.
export default async function VerifyEmailPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const token = singleParam(params.token, 100);
  const invalid = params.invalid !== undefined;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold text-brand-900">Confirm your email</h1>
      {invalid || !token ? (
        <Alert>
          This confirmation link was already used or has expired. Sign up again or ask the clinic for help.
        </Alert>
      ) : (
        <form action={verifyEmailAction} className="space-y-4">
          <input type="hidden" name="token" value={token} />
          <p className="text-sm text-slate-700">
            Confirm that this email address is yours to finish creating your account.
          </p>
          <Button type="submit">Confirm my email</Button>
        </form>
      )}
    </div>
  );
}
