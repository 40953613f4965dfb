// A patient's documents with an honest scan label; a download link only for a
// file that may be downloaded (never one still waiting for its scan).
import { formatDateTime } from "@/lib/domain/scheduling/format";
import {
  type DocumentView,
  SCAN_LABELS,
  formatFileSize,
  isDownloadable,
} from "@/lib/domain/documents/schemas";

const KIND: Record<string, string> = {
  "application/pdf": "PDF",
  "image/jpeg": "JPEG image",
  "image/png": "PNG image",
};

const LABEL_STYLE = {
  CLEAN: "bg-emerald-50 text-emerald-900 border-emerald-200",
  PENDING: "bg-amber-50 text-amber-900 border-amber-200",
  NOT_SCANNED: "bg-slate-50 text-slate-800 border-slate-300",
} as const;

export function DocumentList({
  documents,
  timeZone,
  viewer,
}: {
  documents: readonly DocumentView[];
  timeZone: string;
  viewer: "patient" | "doctor";
}) {
  if (!documents.length) return <p className="text-sm text-slate-700">No documents yet.</p>;
  return (
    <ul className="divide-y divide-slate-100">
      {documents.map((document) => (
        <li key={document.id} className="flex flex-wrap items-center justify-between gap-3 py-3">
          <div className="min-w-0">
            <p className="truncate font-medium text-slate-900">{document.fileName}</p>
            <p className="text-xs text-slate-600">
              {KIND[document.contentType] ?? "File"} · {formatFileSize(document.sizeBytes)} · uploaded{" "}
              {formatDateTime(document.createdAt, timeZone)}
              {document.uploadedByPatient
                ? viewer === "doctor"
                  ? " by the patient"
                  : " by you"
                : viewer === "doctor"
                  ? " by a doctor"
                  : " by your doctor"}
            </p>
          </div>
          <div className="flex items-center gap-3">
            <span
              className={`rounded-md border px-2 py-0.5 text-xs font-medium ${LABEL_STYLE[document.scanStatus]}`}
            >
              {SCAN_LABELS[document.scanStatus]}
            </span>
            {isDownloadable(document.scanStatus) ? (
              <a
                href={`/api/documents/${document.id}`}
                download
                className="text-sm font-semibold text-brand-700 underline hover:text-brand-900"
              >
                Download<span className="sr-only"> {document.fileName}</span>
              </a>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
