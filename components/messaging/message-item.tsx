"use client";
// One message in a conversation: a stored one (with read state and, for a few
// minutes, a way to retract it) or one of the viewer's own still on its way.
import { type ComponentProps, type ReactNode, useState } from "react";
import { formatFileSize } from "@/lib/domain/documents/schemas";
import type { AttachmentView, MessageView } from "@/lib/domain/messaging/schemas";
import { formatFullTime, formatMessageTime } from "./format";
import { MessageText } from "./message-text";

/** A message the viewer sent that the server has not confirmed (yet). */
export interface OutgoingMessage {
  id: string;
  body: string;
  attachment: { id: string; fileName: string; sizeBytes: number } | null;
  createdAt: string;
  status: "sending" | "failed";
  error: string | null;
}

/** Buttons inside a message: smaller than the form buttons (components/ui/form.tsx), same look. */
function SmallButton({ variant, ...props }: ComponentProps<"button"> & { variant: "secondary" | "danger" }) {
  const styles = {
    secondary: "border border-slate-300 bg-white text-slate-800 hover:bg-slate-50",
    danger: "bg-red-700 text-white hover:bg-red-800",
  }[variant];
  return (
    <button
      type="button"
      className={`inline-flex items-center rounded-md px-2 py-1 text-xs font-semibold disabled:opacity-60 ${styles}`}
      {...props}
    />
  );
}

function Bubble({
  mine,
  sender,
  createdAt,
  timeZone,
  children,
  footer,
}: {
  mine: boolean;
  sender: string;
  createdAt: string;
  timeZone: string;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <li className={`flex ${mine ? "justify-end" : "justify-start"}`}>
      <article
        className={`max-w-[85%] space-y-1 rounded-lg border px-4 py-2 text-sm text-slate-900 sm:max-w-[70%] ${
          mine ? "border-brand-100 bg-brand-50" : "border-slate-200 bg-white"
        }`}
      >
        <p className="text-xs text-slate-600">
          <span className="font-semibold text-slate-800">{sender}</span>
          <span aria-hidden="true"> · </span>
          <span className="sr-only">, </span>
          {/* The server and the browser may spell a zone's time differently (ICU versions). */}
          <time dateTime={createdAt} title={formatFullTime(createdAt, timeZone)} suppressHydrationWarning>
            {formatMessageTime(createdAt, timeZone)}
          </time>
        </p>
        {children}
        {footer ? (
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1 pt-1 text-xs">{footer}</div>
        ) : null}
      </article>
    </li>
  );
}

function Attachment({ attachment }: { attachment: AttachmentView }) {
  const size = formatFileSize(attachment.sizeBytes);
  if (!attachment.downloadable) {
    return (
      <p className="text-slate-700">
        <span className="font-medium">{attachment.fileName}</span> ({size}) · Waiting for the malware scan
      </p>
    );
  }
  return (
    <p>
      <a
        href={`/api/documents/${attachment.id}`}
        download
        className="font-medium text-brand-700 underline hover:text-brand-900"
      >
        <span className="sr-only">Download attachment </span>
        {attachment.fileName}
      </a>{" "}
      <span className="text-slate-600">({size})</span>
    </p>
  );
}

export function StoredMessage({
  message,
  sender,
  timeZone,
  now,
  onRetract,
}: {
  message: MessageView;
  sender: string;
  timeZone: string;
  /** For the retract window; the thread view ticks it when a window closes. */
  now: number;
  onRetract: (messageId: string) => Promise<string | null>;
}) {
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const time = formatMessageTime(message.createdAt, timeZone);
  const retractable =
    message.mine &&
    message.retractedAt === null &&
    message.retractableUntil !== null &&
    Date.parse(message.retractableUntil) > now;

  async function retract() {
    setPending(true);
    const failure = await onRetract(message.id);
    setPending(false);
    setConfirming(false);
    setError(failure);
  }

  const footer = (
    <>
      {message.mine && message.retractedAt === null ? (
        <span className="text-slate-600">{message.readAt ? "Read" : "Delivered"}</span>
      ) : null}
      {retractable && !confirming ? (
        <button
          type="button"
          onClick={() => {
            setError(null);
            setConfirming(true);
          }}
          className="font-semibold text-slate-700 underline hover:text-red-800"
        >
          Retract<span className="sr-only"> your message sent {time}</span>
        </button>
      ) : null}
      {retractable && confirming ? (
        <span className="flex flex-wrap items-center gap-2" role="group" aria-label="Confirm retraction">
          <span className="text-slate-800">Retract this message for both of you?</span>
          <SmallButton variant="danger" disabled={pending} onClick={() => void retract()}>
            {pending ? "Retracting…" : "Yes, retract"}
          </SmallButton>
          <SmallButton variant="secondary" disabled={pending} onClick={() => setConfirming(false)}>
            Keep it
          </SmallButton>
        </span>
      ) : null}
      {error ? (
        <span role="alert" className="text-red-700">
          {error}
        </span>
      ) : null}
    </>
  );

  return (
    <Bubble
      mine={message.mine}
      sender={sender}
      createdAt={message.createdAt}
      timeZone={timeZone}
      footer={footer}
    >
      {message.retractedAt !== null || message.body === null ? (
        <p className="text-slate-600 italic">This message was retracted.</p>
      ) : (
        <>
          {message.body ? <MessageText text={message.body} /> : null}
          {message.attachment ? <Attachment attachment={message.attachment} /> : null}
        </>
      )}
    </Bubble>
  );
}

export function PendingMessage({
  message,
  timeZone,
  onRetry,
  onDiscard,
}: {
  message: OutgoingMessage;
  timeZone: string;
  onRetry: () => void;
  onDiscard: () => void;
}) {
  const time = formatMessageTime(message.createdAt, timeZone);
  const footer =
    message.status === "sending" ? (
      <span className="text-slate-600">Sending…</span>
    ) : (
      <>
        <span role="alert" className="text-red-700">
          <span className="font-semibold">Not sent.</span> {message.error}
        </span>
        <SmallButton variant="secondary" onClick={onRetry}>
          Retry<span className="sr-only"> sending your message from {time}</span>
        </SmallButton>
        <SmallButton variant="secondary" onClick={onDiscard}>
          Discard<span className="sr-only"> your unsent message from {time}</span>
        </SmallButton>
      </>
    );
  return (
    <Bubble mine sender="You" createdAt={message.createdAt} timeZone={timeZone} footer={footer}>
      {message.body ? <MessageText text={message.body} /> : null}
      {message.attachment ? (
        <p className="text-slate-700">
          <span className="font-medium">{message.attachment.fileName}</span> (
          {formatFileSize(message.attachment.sizeBytes)})
        </p>
      ) : null}
    </Bubble>
  );
}
