// Documents: what may be uploaded, the messages people see, and the DTO the UI
// receives. No dependencies: the upload form and proxy.ts use the limits too.
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
/** A multipart body carrying one file of the maximum size plus the form's own bytes. */
export const MAX_UPLOAD_BODY_BYTES = MAX_DOCUMENT_BYTES + 64 * 1024;
export const MAX_FILE_NAME_LENGTH = 120;

export const ACCEPTED_TYPES = {
  "application/pdf": "pdf",
  "image/jpeg": "jpg",
  "image/png": "png",
} as const;
export type DocumentContentType = keyof typeof ACCEPTED_TYPES;
export const isAcceptedType = (mime: string | undefined): mime is DocumentContentType =>
  mime !== undefined && Object.hasOwn(ACCEPTED_TYPES, mime);

export const MESSAGES = {
  tooLarge: "The file is larger than 10 MB.",
  empty: "The file is empty.",
  wrongType: "This file is not a PDF, JPEG or PNG image.",
  infected: "The malware scanner rejected this file.",
  pending: "This file is waiting for the malware scan. Try again in a few minutes.",
  noFile: "Choose a file to upload.",
  storeFull: "The document store is full; nothing was saved. Try again later or tell the clinic.",
} as const;

/** "820 KB", "10.6 MB": a small file does not read as "0.0 MB". */
export const formatFileSize = (bytes: number) =>
  bytes < 1024 * 1024
    ? `${Math.max(1, Math.ceil(bytes / 1024))} KB`
    : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
export const tooLargeMessage = (bytes: number) =>
  `${MESSAGES.tooLarge} This one is ${formatFileSize(bytes)}.`;

export type DocumentScanStatus = "PENDING" | "CLEAN" | "NOT_SCANNED";

export interface DocumentView {
  id: string;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  scanStatus: DocumentScanStatus;
  scannedAt: Date | null;
  createdAt: Date;
  uploadedByPatient: boolean;
}

/** Only a file nobody is still waiting to scan is offered: clean, or honestly labelled unscanned. */
export const isDownloadable = (status: DocumentScanStatus) => status !== "PENDING";

export const SCAN_LABELS: Record<DocumentScanStatus, string> = {
  CLEAN: "Scanned: clean",
  PENDING: "Waiting for the malware scan",
  NOT_SCANNED: "Not scanned for malware",
};

/**
 * A file name for display: no folders, no control or bidirectional characters,
 * nothing a header or file system would misread, at most 120 characters with
 * the extension kept.
 */
export function sanitizeFileName(raw: string): string {
  const base = raw.normalize("NFC").split(/[\\/]/).at(-1) ?? "";
  const cleaned = base
    .replace(/[\p{Cc}\p{Cf}]/gu, "")
    .replace(/["<>:|?*]/g, "_")
    .replace(/\s+/g, " ")
    .replace(/^[\s.]+/, "")
    .trim();
  if (!cleaned) return "document";
  const characters = [...cleaned];
  if (characters.length <= MAX_FILE_NAME_LENGTH) return cleaned;
  const dot = cleaned.lastIndexOf(".");
  const extension = dot > 0 && cleaned.length - dot <= 10 ? cleaned.slice(dot) : "";
  return characters.slice(0, MAX_FILE_NAME_LENGTH - [...extension].length).join("") + extension;
}

/** The ASCII name a download is saved under (the original goes in filename*, sanitised). */
export const downloadFileName = (id: string, contentType: DocumentContentType) =>
  `document-${id.slice(0, 8)}.${ACCEPTED_TYPES[contentType]}`;
