import type { Metadata } from "next";
import Link from "next/link";
import { SignInForm } from "@/components/auth/sign-in-form";
import { type SearchParams, lookupParam } from "@/lib/http/search-params";
import { signInAction } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

const NOTICES = new Map<string, string>([
  ["idle", "You were signed out after a period without activity, to protect your health information."],
  ["expired", "Your session reached its maximum length. Please sign in again."],
  [
    "revoked",
    "Your session was ended (signed out elsewhere, password changed or account changed). Please sign in again.",
  ],
  ["signed-out", "You are signed out."],
  ["verified", "Your email is confirmed. You can sign in now."],
  ["verify-email", "Check your inbox: we sent you a link to confirm your email address."],
  ["invited", "Your password is set. Sign in to set up two-step sign-in."],
  ["reset", "Your password was changed and every session was signed out. Sign in with the new password."],
  ["unlocked", "Your account is unlocked. You can sign in now."],
]);

export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { reason } = await searchParams;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold text-brand-900">Sign in</h1>
      <SignInForm action={signInAction} notice={lookupParam(NOTICES, reason)} />
      <div className="flex justify-between text-sm">
        <Link className="text-brand-700 underline" href="/sign-up">
          Create a patient account
        </Link>
        <Link className="text-brand-700 underline" href="/forgot-password">
          Forgot your password?
        </Link>
      </div>
    </div>
  );
}
