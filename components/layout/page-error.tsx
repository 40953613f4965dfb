"use client";
// What a person sees when a page fails on the server (most often the database is briefly unavailable):
// what happened, that saved work is safe, a way to try again, and a reference that matches the
// server's log. Never the error's own text: in production Next sends only the digest anyway.
import Link from "next/link";

export function PageErrorNotice({ digest, retry }: { digest: string | null; retry: () => void }) {
  return (
    <main className="mx-auto max-w-xl space-y-4 px-6 py-16">
      <h1 className="text-2xl font-bold text-brand-900">This page could not be shown</h1>
      <p className="text-slate-700">
        Haven could not finish loading it. Most often the service is briefly unavailable, for example while
        its database restarts. Nothing you had already saved is lost.
      </p>
      <div className="flex flex-wrap items-center gap-4">
        <button
          type="button"
          onClick={retry}
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
        >
          Try again
        </button>
        <Link href="/" className="text-brand-700 underline">
          Go to Haven&apos;s home page
        </Link>
      </div>
      {digest ? (
        <p className="text-sm text-slate-600">
          If it keeps happening, give the clinic this reference: <code>{digest}</code>
        </p>
      ) : null}
    </main>
  );
}

/** The digest Next gives an error from the server (a hash that matches its log line); null otherwise. */
export function errorDigest(error: unknown): string | null {
  if (typeof error !== "object" || error === null || !("digest" in error)) return null;
  return typeof error.digest === "string" ? error.digest : null;
}
