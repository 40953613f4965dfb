// Pure pieces of `npm run bench`'s clinic scenarios: the mixed workload's
// operations and shares, the picker that interleaves them, and the upload body
// a browser sends. No database, no server: unit-tested in tests/unit/bench/.
import { randomBytes } from "node:crypto";

/** One kind of request in the mixed workload, and its share of all requests. */
export interface WorkloadShare<Name extends string = string> {
  name: Name;
  /** Relative weight; the shares are the weights over their sum. */
  weight: number;
  kind: "read" | "write" | "booking-or-upload";
}

export type ClinicOperation =
  | "visit-list"
  | "chart"
  | "thread"
  | "unread"
  | "slots"
  | "document-download"
  | "message-send"
  | "document-upload"
  | "booking";

/**
 * A clinic day as the server sees it, in percent of requests. Patients make most
 * of a clinic's traffic and nearly all of it is looking: a patient opens the
 * visit list, the chart (profile, allergies, medications), a conversation and
 * the unread badge many times for every message they write, and books or
 * uploads a file at most once or twice a day. So: 80 % reads (visit list page,
 * chart API, thread API, the unread badge the page polls, a doctor's free
 * times page, a document download), 15 % writes (messages, the most frequent
 * write in a telehealth day), 5 % bookings and uploads (the heaviest requests:
 * a booking is a contended insert plus jobs; an upload is a 200 KB body, a
 * clamd scan and encryption). Pages (visit list, slots) are the expensive reads,
 * so they are a smaller share than the JSON reads a single page view triggers.
 */
export const CLINIC_DAY_MIX: readonly WorkloadShare<ClinicOperation>[] = [
  { name: "visit-list", weight: 15, kind: "read" },
  { name: "chart", weight: 20, kind: "read" },
  { name: "thread", weight: 20, kind: "read" },
  { name: "unread", weight: 15, kind: "read" },
  { name: "slots", weight: 5, kind: "read" },
  { name: "document-download", weight: 5, kind: "read" },
  { name: "message-send", weight: 15, kind: "write" },
  { name: "document-upload", weight: 3, kind: "booking-or-upload" },
  { name: "booking", weight: 2, kind: "booking-or-upload" },
];

/** The golden ratio's fractional part: i × φ mod 1 spreads any prefix of i evenly over [0, 1). */
const PHI_FRACTION = (Math.sqrt(5) - 1) / 2;

/**
 * Returns the operation for the i-th request (i = 0, 1, 2, …). Deterministic and
 * evenly interleaved (a low-discrepancy sequence, not random draws): every run
 * issues the same sequence, and even a short window of requests has the
 * intended shares, so 10 s at a few hundred requests per second measures the mix.
 */
export function operationPicker<Name extends string>(
  shares: readonly WorkloadShare<Name>[],
): (i: number) => Name {
  if (shares.length === 0) throw new Error("the workload needs at least one operation");
  if (shares.some((share) => !(share.weight > 0) || !Number.isFinite(share.weight))) {
    throw new Error("every operation's weight must be a positive number");
  }
  const total = shares.reduce((sum, share) => sum + share.weight, 0);
  const bounds: number[] = [];
  let running = 0;
  for (const share of shares) {
    running += share.weight / total;
    bounds.push(running);
  }
  return (i: number) => {
    if (!Number.isInteger(i) || i < 0) throw new Error(`request index must be a whole number ≥ 0, got ${i}`);
    const position = (i * PHI_FRACTION) % 1;
    const index = bounds.findIndex((bound) => position < bound);
    return shares[index === -1 ? shares.length - 1 : index]!.name;
  };
}

/** Each share of a workload in percent (rounded to 0.1), e.g. for printing. */
export function sharesInPercent<Name extends string>(
  shares: readonly WorkloadShare<Name>[],
): Record<Name, number> {
  const total = shares.reduce((sum, share) => sum + share.weight, 0);
  return Object.fromEntries(
    shares.map((share) => [share.name, Math.round((share.weight / total) * 1000) / 10]),
  ) as Record<Name, number>;
}

/**
 * A PDF of exactly `size` bytes that file-type recognises as application/pdf:
 * a header, one stream of random (incompressible, like a scan) bytes and a trailer.
 */
export function benchPdf(size: number): Buffer {
  const head = Buffer.from("%PDF-1.7\n1 0 obj\n<< /Length 0 >>\nstream\n");
  const tail = Buffer.from("\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
  const fill = size - head.length - tail.length;
  if (fill < 0) throw new Error(`a bench PDF needs at least ${head.length + tail.length} bytes`);
  return Buffer.concat([head, randomBytes(fill), tail]);
}

/** The multipart body a browser's FormData upload sends: text fields, then one file. */
export function multipartUpload(
  fields: Record<string, string>,
  file: { field: string; name: string; type: string; bytes: Buffer },
  boundary = "----havenbenchupload",
): { body: Buffer; contentType: string } {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n` +
        `Content-Type: ${file.type}\r\n\r\n`,
    ),
    file.bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
