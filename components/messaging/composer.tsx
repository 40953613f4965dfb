"use client";
// Writing a message: Enter sends, Shift+Enter starts a new line. An attachment is
// uploaded through the documents service first (its type, size and malware checks)
// and then sent by id. Bad input never loses anything: the text and the uploaded
// file stay here, next to the reason.
import Link from "next/link";
import { type FormEvent, type KeyboardEvent, useId, useRef, useState } from "react";
import { sendTyping } from "@/components/realtime/realtime-provider";
import { Button } from "@/components/ui/form";
import {
  MAX_DOCUMENT_BYTES,
  MESSAGES as DOCUMENT_MESSAGES,
  formatFileSize,
  isAcceptedType,
  tooLargeMessage,
} from "@/lib/domain/documents/schemas";
import { sendMessageFormAction } from "@/lib/domain/messaging/actions";
import { MAX_MESSAGE_LENGTH, MESSAGING_MESSAGES } from "@/lib/domain/messaging/schemas";
import { ApiError, UNREACHABLE, uploadAttachment } from "./api";
import type { OutgoingMessage } from "./message-item";

/** Shown from this many characters left (and always once over the limit). */
const COUNT_FROM = 500;
const ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png";

export type Draft = Pick<OutgoingMessage, "body" | "attachment">;
/** What became of a send: `invalid` is the server's reason for refusing the input itself (a 422). */
export type SendOutcome = { invalid?: string };

const normalise = (text: string) => text.replace(/\r\n?/g, "\n").trim();

/** Sending is refused until the patient agrees to secure messaging: why, and (for the patient) where to. */
export interface ConsentNotice {
  message: string;
  /** The page where the patient turns the consent back on (absent for a doctor). */
  settings?: { href: "/patient/privacy"; label: string };
}

export function Composer({
  threadId,
  patientId,
  attachmentNote,
  onSend,
  consentNotice = null,
}: {
  threadId: string;
  patientId: string;
  /** Where an attached file also ends up (the patient's documents). */
  attachmentNote: string;
  onSend: (draft: Draft) => Promise<SendOutcome>;
  /** Shown before anything is typed when the patient has not agreed to secure messaging. */
  consentNotice?: ConsentNotice | null;
}) {
  const id = useId();
  const textArea = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [text, setText] = useState("");
  const [file, setFile] = useState<File | null>(null);
  /** Uploaded but not sent yet (the send failed as invalid, or it is waiting for its scan). */
  const [uploaded, setUploaded] = useState<Draft["attachment"]>(null);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);

  const length = normalise(text).length;
  const left = MAX_MESSAGE_LENGTH - length;

  function clearFile() {
    setFile(null);
    if (fileInput.current) fileInput.current.value = "";
  }

  async function upload(chosen: File): Promise<Draft["attachment"]> {
    if (chosen.size > MAX_DOCUMENT_BYTES) {
      setFileError(tooLargeMessage(chosen.size));
      return null;
    }
    // The server looks at the bytes; this only spares an obvious round trip.
    if (chosen.type && !isAcceptedType(chosen.type)) {
      setFileError(DOCUMENT_MESSAGES.wrongType);
      return null;
    }
    setUploading(true);
    try {
      const { id: documentId } = await uploadAttachment(patientId, chosen);
      const attachment = { id: documentId, fileName: chosen.name, sizeBytes: chosen.size };
      setUploaded(attachment);
      clearFile();
      return attachment;
    } catch (failure) {
      setFileError(failure instanceof ApiError ? failure.message : UNREACHABLE);
      return null;
    } finally {
      setUploading(false);
    }
  }

  async function submit() {
    if (uploading) return;
    const body = normalise(text);
    if (body.length > MAX_MESSAGE_LENGTH) return setError(MESSAGING_MESSAGES.tooLong(body.length));
    if (!body && !file && !uploaded) return setError(MESSAGING_MESSAGES.empty);
    setError(null);
    setFileError(null);
    let attachment = uploaded;
    if (file && !attachment) {
      attachment = await upload(file);
      if (!attachment) return;
    }
    // Shown in the conversation at once; the composer is free for the next message.
    setText("");
    setUploaded(null);
    const outcome = await onSend({ body, attachment });
    if (outcome.invalid === undefined) return;
    setText((current) => (normalise(current) ? `${body}\n\n${current}` : body));
    setUploaded((current) => current ?? attachment);
    setError(outcome.invalid);
    textArea.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key !== "Enter" || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    void submit();
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void submit();
  }

  const textId = `${id}-message`;
  const fileId = `${id}-file`;
  const countText =
    left < 0
      ? `${(-left).toLocaleString("en")} characters over the limit`
      : left <= COUNT_FROM
        ? `${left.toLocaleString("en")} characters left`
        : null;
  return (
    // Without JavaScript the form posts to a server action (never its text into the URL).
    <form
      action={sendMessageFormAction}
      onSubmit={onSubmit}
      className="space-y-3"
      aria-label="Write a message"
    >
      <input type="hidden" name="threadId" value={threadId} />
      {consentNotice ? (
        <div
          id={`${id}-consent`}
          className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950"
        >
          <p className="font-semibold">Secure messaging is off</p>
          <p>{consentNotice.message}</p>
          {consentNotice.settings ? (
            <p className="mt-1">
              <Link href={consentNotice.settings.href} className="font-semibold text-brand-800 underline">
                {consentNotice.settings.label}
              </Link>
            </p>
          ) : null}
        </div>
      ) : null}
      <div className="space-y-1">
        <label htmlFor={textId} className="block text-sm font-medium text-slate-800">
          Message
        </label>
        <textarea
          ref={textArea}
          id={textId}
          name="body"
          rows={3}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            if (error) setError(null);
            if (event.target.value.trim()) sendTyping(threadId);
          }}
          onKeyDown={onKeyDown}
          aria-invalid={error || left < 0 ? true : undefined}
          aria-describedby={`${textId}-hint${error ? ` ${textId}-error` : ""}${consentNotice ? ` ${id}-consent` : ""}`}
          className="block w-full rounded-md border border-slate-300 px-3 py-2 text-slate-900 shadow-sm focus:border-brand-600 focus:ring-2 focus:ring-brand-100 focus:outline-none aria-invalid:border-red-600"
        />
        <p id={`${textId}-hint`} className="flex flex-wrap justify-between gap-2 text-xs text-slate-600">
          <span>Enter sends; Shift+Enter starts a new line.</span>
          {countText ? (
            <span className={left < 0 ? "font-semibold text-red-700" : ""}>{countText}</span>
          ) : null}
        </p>
        {error ? (
          <p id={`${textId}-error`} role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </div>

      {uploaded ? (
        <p className="flex flex-wrap items-center gap-2 text-sm text-slate-800">
          <span>
            Attached: <span className="font-medium">{uploaded.fileName}</span> (
            {formatFileSize(uploaded.sizeBytes)})
          </span>
          <button
            type="button"
            onClick={() => setUploaded(null)}
            className="font-semibold text-slate-700 underline hover:text-red-800"
          >
            Remove<span className="sr-only"> the attachment {uploaded.fileName}</span>
          </button>
        </p>
      ) : (
        <div className="space-y-1">
          <label htmlFor={fileId} className="block text-sm font-medium text-slate-800">
            Attach a file
          </label>
          <input
            ref={fileInput}
            id={fileId}
            name="file"
            type="file"
            accept={ACCEPT}
            aria-invalid={fileError ? true : undefined}
            aria-describedby={`${fileId}-hint${fileError ? ` ${fileId}-error` : ""}`}
            onChange={(event) => {
              setFile(event.target.files?.[0] ?? null);
              setFileError(null);
            }}
            className="block w-full text-sm text-slate-800 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-2 file:text-sm file:font-semibold file:text-slate-800 hover:file:bg-slate-50"
          />
          <p id={`${fileId}-hint`} className="text-xs text-slate-600">
            PDF, JPEG or PNG, up to 10 MB. {attachmentNote}
          </p>
          {fileError ? (
            <p id={`${fileId}-error`} role="alert" className="text-sm text-red-700">
              {fileError}
            </p>
          ) : null}
        </div>
      )}

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={uploading}>
          Send
        </Button>
        {uploading ? (
          <span role="status" className="text-sm text-slate-700">
            Uploading the file…
          </span>
        ) : null}
        {file && !uploading ? (
          <button
            type="button"
            onClick={clearFile}
            className="text-sm font-semibold text-slate-700 underline"
          >
            Remove the file
          </button>
        ) : null}
      </div>
    </form>
  );
}
