import type { Metadata } from "next";
import { ActionForm, type FieldSpec } from "@/components/ui/action-form";
import { Alert } from "@/components/ui/form";
import { runAs } from "@/lib/auth/current";
import { passwordResetNeedsCode } from "@/lib/domain/accounts/service";
import { type SearchParams, singleParam } from "@/lib/http/search-params";
import { resetPasswordAction } from "./actions";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const token = singleParam((await searchParams).token, 100);
  const needsCode = token ? await runAs(null, () => passwordResetNeedsCode(token)) : null;
  const fields: FieldSpec[] = [
    {
      name: "password",
      label: "New password",
      type: "password",
      autoComplete: "new-password",
      secret: true,
      hint: "At least 12 characters.",
    },
  ];
  if (needsCode) {
    fields.push({
      name: "code",
      label: "Code from your authenticator app (or a recovery code)",
      autoComplete: "one-time-code",
      secret: true,
    });
  }
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold text-brand-900">Choose a new password</h1>
      {needsCode === null || !token ? (
        <Alert>This reset link was already used or has expired. Ask for a new one.</Alert>
      ) : (
        <ActionForm
          action={resetPasswordAction}
          hidden={{ token }}
          submitLabel="Set new password"
          fields={fields}
        />
      )}
    </div>
  );
}
