// README.txt of the patient's data export: what each file holds, how to read it, what is not in it
// and why, and how to ask for a correction or an erasure. Plain text, wrapped for any viewer.
import { DOCUMENTS_FOLDER, EXPORT_FILES, type ExportCounts, PRESCRIPTIONS_FOLDER } from "./export-files";

export interface ReadmeInput {
  clinicName: string;
  appUrl: string;
  /** The patient's name as in their profile (null before they filled it in). */
  patientName: string | null;
  madeAt: Date;
  timeZone: string;
  requestId: string;
  counts: ExportCounts;
  documentsLeftOut: number;
  /** DATA_REQUEST_DEADLINE_DAYS: how long Haven has to answer a request. */
  deadlineDays: number;
}

const FILE_DESCRIPTIONS: [file: string, what: string][] = [
  [
    EXPORT_FILES.profile,
    "Your account (email, time zone, when it was made), your profile (name, date of birth, phone, address, country), your health profile (medical history, allergies, emergency contact) and any use of the emergency button.",
  ],
  [EXPORT_FILES.medications, "The medications you recorded, current and past."],
  [EXPORT_FILES.devicesAndReadings, "Your measuring devices and every reading from each of them."],
  [
    EXPORT_FILES.visits,
    "Every visit you booked: the doctor, the times, the status, the reason you gave, the fee, and for a cancelled visit who cancelled it and why.",
  ],
  [
    EXPORT_FILES.notes,
    "The consultation notes your doctors signed, with any amendments (dated corrections) added afterwards. Drafts a doctor has not signed are not part of your record yet.",
  ],
  [
    EXPORT_FILES.prescriptions,
    `Your prescriptions, each medicine in full, with the code anyone can check on {appUrl}/verify. The same PDFs you download from Haven are in the folder ${PRESCRIPTIONS_FOLDER}/.`,
  ],
  [
    EXPORT_FILES.messages,
    "Your conversations with your doctors: each message with who sent it, when, and its text. A message its sender took back (retracted) is kept as a marker without its text.",
  ],
  [
    EXPORT_FILES.payments,
    "Your payments: amount, currency, status, payment provider, dates and refunds. Haven never receives your card details, so there are none.",
  ],
  [
    EXPORT_FILES.consents,
    "Every consent you gave or withdrew, with the version of the text and its SHA-256 fingerprint.",
  ],
  [
    EXPORT_FILES.insurance,
    "Your insurance checks: the insurer, the details you sent (member id, group number, subscriber name and date of birth), the insurer's answer and the reference number.",
  ],
  [
    EXPORT_FILES.requests,
    "Your requests under your data rights (exports like this one, corrections, erasure) and each step taken on them.",
  ],
  [
    EXPORT_FILES.recordAccess,
    "Who read your record: each time a doctor, an administrator or an automated task opened your chart or read its clinical content, with the time, their role, the doctor's name, what they read and whether it was allowed. Your own reads are not listed.",
  ],
  [
    EXPORT_FILES.documents,
    `The documents in your record (uploaded by you or your care team). The files themselves, exactly as uploaded, are in the folder ${DOCUMENTS_FOLDER}/, named by the first 8 characters of the document's id and its file name. This file is written last, after the documents, so it can say truthfully which files are in the zip and why any are not.`,
  ],
];

const NOT_INCLUDED = [
  "Other people's personal data: the other party's private details (a doctor's contact details, other patients), except what is part of your own care (your doctor's name, what they wrote to you or about you).",
  "Security secrets: your password (Haven keeps only a one-way hash), your two-step sign-in secret and recovery codes, your sessions, and the encryption keys and storage locations of your data. They are of no use outside Haven and would put your account at risk if the file were lost.",
  "Notes your doctor is still drafting: they become part of your record, and of your next export, once signed.",
  "Documents still waiting for the malware scan: documents.json lists them and says so.",
  "Haven's internal logs beyond record-access.json: they hold identifiers, not your data.",
];

/** The whole README, with lines wrapped at 100 characters. */
export function exportReadme(input: ReadmeInput): string {
  const madeAt = input.madeAt.toISOString();
  const lines: string[] = [
    `${input.clinicName}: your data`,
    "=".repeat(`${input.clinicName}: your data`.length),
    "",
    `This archive holds everything ${input.clinicName} keeps about you${input.patientName ? ` (${input.patientName})` : ""}, decrypted and in readable form. It was made at ${madeAt} (UTC; your time zone is ${input.timeZone}) at your request, recorded as data request ${input.requestId}.`,
    "",
    "Keep it safe: it contains your health information. Anyone who has this file can read it.",
    "",
    "What each file holds",
    "--------------------",
    "",
    `${EXPORT_FILES.readme}: this file.`,
    "",
  ];
  for (const [file, what] of FILE_DESCRIPTIONS) {
    const count = input.counts[file];
    const suffix = count === undefined ? "" : ` (${count} ${count === 1 ? "record" : "records"})`;
    lines.push(`${file}${suffix}: ${what.replace("{appUrl}", input.appUrl)}`, "");
  }
  const pdfs = input.counts[`${PRESCRIPTIONS_FOLDER}/`] ?? 0;
  const files = input.counts[`${DOCUMENTS_FOLDER}/`] ?? 0;
  lines.push(
    `${PRESCRIPTIONS_FOLDER}/: ${pdfs} prescription ${pdfs === 1 ? "PDF" : "PDFs"}, named <date signed>-<first 8 characters of the prescription id>.pdf; prescriptions.json names each one under "pdf".`,
    "",
    `${DOCUMENTS_FOLDER}/: ${files} ${files === 1 ? "file" : "files"}, byte for byte as uploaded; documents.json names each one under "file".${input.documentsLeftOut ? ` ${input.documentsLeftOut} ${input.documentsLeftOut === 1 ? "document is" : "documents are"} not included (see documents.json for why).` : ""}`,
    "",
    "How to read the JSON files",
    "--------------------------",
    "",
    "- They are UTF-8 JSON, indented for reading; any text editor opens them.",
    '- Times are ISO 8601 in UTC, e.g. "2026-11-24T13:30:00.000Z" (Z means UTC). Dates without a time (a date of birth, when a medication was started) are YYYY-MM-DD.',
    '- Amounts are written in the currency\'s usual units as text, e.g. "45.00" with "currency": "EUR".',
    '- Each record has an "id": Haven\'s identifier for it. Quote it if you ask us about that record. Records refer to each other by id (a note\'s "visitId" is the "id" of a visit in visits.json).',
    "- A value of null means there is nothing there (no stop date: still taken).",
    "",
    "What is not included, and why",
    "-----------------------------",
    "",
    ...NOT_INCLUDED.map((item) => `- ${item}`),
    "",
    "Corrections and erasure",
    "-----------------------",
    "",
    `If something here is wrong, ask for a correction: sign in to ${input.appUrl}, open Privacy and your data (${input.appUrl}/patient/privacy) and describe what should change. The doctor responsible answers it; a signed note is never rewritten, but a correction is added to it as an amendment.`,
    "",
    `To have your personal data erased, ask on the same page. Some records (signed notes, prescriptions, payments) must be kept for the period the law sets for medical and financial records; the answer to your request says what was erased and what was kept, and why.`,
    "",
    `We answer every request within ${input.deadlineDays} days. You can also complain to your data protection authority.`,
    "",
  );
  return lines.flatMap((line) => wrap(line, 100)).join("\n");
}

/** Wraps a line at spaces, keeping a list item's indentation on its continuation lines. */
export function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = line.startsWith("- ") ? "  " : "";
  const out: string[] = [];
  let current = "";
  for (const word of line.split(" ")) {
    const candidate = current ? `${current} ${word}` : word;
    if (candidate.length > width && current) {
      out.push(current);
      current = `${indent}${word}`;
    } else {
      current = candidate;
    }
  }
  if (current) out.push(current);
  return out;
}
