import type { Metadata } from "next";
import { ActionForm } from "@/components/ui/action-form";
import { forgotPasswordAction } from "./actions";

export const metadata: Metadata = { title: "Forgot your password" };

export default function ForgotPasswordPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold text-brand-900">Reset your password</h1>
      <ActionForm
        action={forgotPasswordAction}
        submitLabel="Email me a reset link"
        fields={[{ name: "email", label: "Email", type: "email", autoComplete: "email" }]}
      />
    </div>
  );
}
