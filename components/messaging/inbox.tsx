"use client";
// The list of conversations with their unread counts, kept current by realtime
// events, and the people one may start a conversation with (a shared confirmed visit).
import type { Route } from "next";
import Link from "next/link";
import { useFormStatus } from "react-dom";
import { Button, Card } from "@/components/ui/form";
import { openThreadAction } from "@/lib/domain/messaging/actions";
import type { Inbox as InboxData, MessagesPath, MessagingPartner } from "@/lib/domain/messaging/schemas";
import { formatFullTime } from "./format";
import { useInbox } from "./use-inbox";

function OpenThreadButton({ name }: { name: string }) {
  const { pending } = useFormStatus();
  return (
    <Button type="submit" variant="secondary" disabled={pending}>
      {pending ? "Opening…" : `Message ${name}`}
    </Button>
  );
}

export function Inbox({
  initial,
  partners,
  basePath,
  timeZone,
  viewer,
}: {
  initial: InboxData;
  partners: readonly MessagingPartner[];
  basePath: MessagesPath;
  timeZone: string;
  viewer: "patient" | "doctor";
}) {
  // The nav's badge may have created this query before the page did (without initial data).
  const { data = initial, isError } = useInbox(initial);
  const threadWith = new Map(data.threads.map((thread) => [thread.counterpart.id, thread.id]));

  return (
    <>
      {isError ? (
        <p role="status" className="text-sm text-amber-900">
          Your conversations could not be refreshed. What you see may not be the latest.
        </p>
      ) : null}
      <Card title="Conversations">
        {data.threads.length === 0 ? (
          <p className="text-sm text-slate-700">No conversations yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {data.threads.map((thread) => (
              <li key={thread.id}>
                <Link
                  href={`${basePath}/${thread.id}` as Route}
                  className="flex flex-wrap items-center justify-between gap-3 rounded-md px-2 py-3 hover:bg-slate-50"
                >
                  <span className="min-w-0">
                    <span
                      className={`block truncate text-slate-900 ${thread.unread > 0 ? "font-bold" : "font-medium"}`}
                    >
                      {thread.counterpart.name}
                    </span>
                    <span className="block text-xs text-slate-600" suppressHydrationWarning>
                      {thread.lastMessageAt
                        ? `Last message ${formatFullTime(thread.lastMessageAt, timeZone)}`
                        : "No messages yet"}
                    </span>
                  </span>
                  {thread.unread > 0 ? (
                    <span className="rounded-full bg-brand-600 px-2.5 py-0.5 text-xs font-semibold text-white">
                      {thread.unread} unread
                    </span>
                  ) : null}
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Start a conversation">
        {partners.length === 0 ? (
          <p className="text-sm text-slate-700">
            {viewer === "patient"
              ? "You can message a doctor once you have a confirmed visit with them."
              : "You can message patients you have a confirmed visit with."}
          </p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {partners.map((partner) => {
              const threadId = partner.threadId ?? threadWith.get(partner.counterpart.id) ?? null;
              return (
                <li
                  key={partner.counterpart.id}
                  className="flex flex-wrap items-center justify-between gap-3 py-3"
                >
                  <span className="font-medium text-slate-900">{partner.counterpart.name}</span>
                  {threadId ? (
                    <Link
                      href={`${basePath}/${threadId}` as Route}
                      className="text-sm font-semibold text-brand-700 underline hover:text-brand-900"
                    >
                      Open the conversation<span className="sr-only"> with {partner.counterpart.name}</span>
                    </Link>
                  ) : (
                    <form action={openThreadAction}>
                      <input type="hidden" name="counterpartId" value={partner.counterpart.id} />
                      <OpenThreadButton name={partner.counterpart.name} />
                    </form>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Card>
    </>
  );
}
