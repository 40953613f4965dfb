import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Not found" };

// Haven's own 404 (Next's default one sets inline styles, which the CSP blocks). The same
// page whether the record does not exist or belongs to someone else: existence is not leaked.
export default function NotFound() {
  return (
    <main className="mx-auto max-w-xl space-y-4 px-6 py-16">
      <h1 className="text-2xl font-bold text-brand-900">Page not found</h1>
      <p className="text-slate-700">
        There is nothing here, or it is not yours to see. If you followed a link, check that you are signed in
        with the right account.
      </p>
      <p>
        <Link href="/" className="text-brand-700 underline">
          Go to Haven&apos;s home page
        </Link>
      </p>
    </main>
  );
}
