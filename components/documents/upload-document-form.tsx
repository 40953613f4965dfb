"use client";
// Uploads one file to POST /api/documents (a route handler: server actions stop
// at 1 MB). XMLHttpRequest rather than fetch, for upload progress. The server's
// own message is shown next to the field; the size is checked here first so
// nobody waits for 11 MB to travel only to be refused.
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useRef, useState } from "react";
import { Alert, Button } from "@/components/ui/form";
import { MAX_DOCUMENT_BYTES, MESSAGES, tooLargeMessage } from "@/lib/domain/documents/schemas";

type Status =
  | { kind: "idle" }
  | { kind: "uploading"; percent: number }
  | { kind: "error"; message: string }
  | { kind: "done"; message: string };

const DONE_MESSAGE: Record<string, string> = {
  CLEAN: "Uploaded. The malware scan found nothing.",
  PENDING: "Uploaded. It can be downloaded once the malware scan has run.",
  NOT_SCANNED: "Uploaded. It was not scanned for malware (no scanner is set up).",
};

function errorMessageOf(request: XMLHttpRequest): string {
  try {
    const body = JSON.parse(request.responseText) as {
      error?: { message?: string; fields?: { message: string }[] };
    };
    return body.error?.fields?.[0]?.message ?? body.error?.message ?? "The upload failed. Try again.";
  } catch {
    return request.status === 413 ? MESSAGES.tooLarge : "The upload failed. Try again.";
  }
}

export function UploadDocumentForm({
  patientId,
  label = "Upload a document",
}: {
  patientId: string;
  label?: string;
}) {
  const router = useRouter();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<Status>({ kind: "idle" });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return setStatus({ kind: "error", message: MESSAGES.noFile });
    if (file.size > MAX_DOCUMENT_BYTES)
      return setStatus({ kind: "error", message: tooLargeMessage(file.size) });
    const body = new FormData();
    body.set("patientId", patientId);
    body.set("file", file);
    const request = new XMLHttpRequest();
    request.open("POST", "/api/documents");
    request.responseType = "text";
    request.upload.onprogress = (progress) => {
      if (progress.lengthComputable) {
        setStatus({ kind: "uploading", percent: Math.round((progress.loaded / progress.total) * 100) });
      }
    };
    request.onload = () => {
      if (request.status === 201) {
        const { scanStatus } = JSON.parse(request.responseText) as { scanStatus: string };
        setStatus({ kind: "done", message: DONE_MESSAGE[scanStatus] ?? "Uploaded." });
        if (input.current) input.current.value = "";
        router.refresh();
      } else {
        setStatus({ kind: "error", message: errorMessageOf(request) });
      }
    };
    request.onerror = () =>
      setStatus({
        kind: "error",
        message: "The upload did not reach Haven. Check your connection and try again.",
      });
    setStatus({ kind: "uploading", percent: 0 });
    request.send(body);
  }

  const fieldId = `${id}-file`;
  const error = status.kind === "error" ? status.message : undefined;
  return (
    <form
      onSubmit={submit}
      method="post"
      action="/api/documents"
      encType="multipart/form-data"
      className="space-y-3"
    >
      <div className="space-y-1">
        <label htmlFor={fieldId} className="block text-sm font-medium text-slate-800">
          {label}
        </label>
        <input
          ref={input}
          id={fieldId}
          name="file"
          type="file"
          accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
          aria-invalid={error ? true : undefined}
          aria-describedby={`${fieldId}-hint${error ? ` ${fieldId}-error` : ""}`}
          onChange={() => setStatus({ kind: "idle" })}
          className="block w-full text-sm text-slate-800 file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-2 file:text-sm file:font-semibold file:text-slate-800 hover:file:bg-slate-50"
        />
        <p id={`${fieldId}-hint`} className="text-xs text-slate-600">
          PDF, JPEG or PNG, up to 10 MB. Files are encrypted when stored.
        </p>
        {error ? (
          <p id={`${fieldId}-error`} role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={status.kind === "uploading"}>
          Upload
        </Button>
        {status.kind === "uploading" ? (
          <span className="flex items-center gap-2 text-sm text-slate-700">
            <progress max={100} value={status.percent} aria-label="Upload progress" className="h-2 w-32" />
            <span role="status">Uploading… {status.percent}%</span>
          </span>
        ) : null}
      </div>
      {status.kind === "done" ? <Alert tone="success">{status.message}</Alert> : null}
    </form>
  );
}
