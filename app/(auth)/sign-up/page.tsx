import type { Metadata } from "next";
import Link from "next/link";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { CURRENT_CONSENT_VERSIONS } from "@/lib/domain/consent/documents";
import { signUpAction } from "./actions";

export const metadata: Metadata = { title: "Create an account" };

export default function SignUpPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold text-brand-900">Create a patient account</h1>
      <SignUpForm action={signUpAction} consentVersions={CURRENT_CONSENT_VERSIONS} />
      <p className="text-sm">
        Already have an account?{" "}
        <Link className="text-brand-700 underline" href="/sign-in">
          Sign in
        </Link>
      </p>
    </div>
  );
}
