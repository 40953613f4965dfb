import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Development outbox" };

/** Development only: the emails Haven would have sent (links included), newest first. */
export default async function DevOutboxPage() {
  const env = getEnv();
  if (env.NODE_ENV === "production" || env.SMTP_URL) notFound();
  const mails = await getDb().devMail.findMany({ orderBy: { createdAt: "desc" }, take: 50 });
  return (
    <main className="mx-auto max-w-3xl space-y-4 px-6 py-10">
      <h1 className="text-2xl font-bold text-brand-900">Development outbox</h1>
      <p className="text-sm text-slate-600">Emails are not sent in development; they are kept here.</p>
      {mails.map((mail) => (
        <article key={mail.id} className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
          <p className="text-slate-500">
            To {mail.to} · {mail.createdAt.toISOString()}
          </p>
          <h2 className="font-semibold">{mail.subject}</h2>
          <p className="mt-2 whitespace-pre-wrap">
            {mail.text.split(/(https?:\/\/\S+)/).map((part, index) =>
              /^https?:\/\//.test(part) ? (
                <a key={index} href={part} className="break-all text-brand-700 underline">
                  {part}
                </a>
              ) : (
                part
              ),
            )}
          </p>
        </article>
      ))}
    </main>
  );
}
