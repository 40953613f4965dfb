// The patient's data export as files: the names inside the zip and the JSON each file holds, shaped
// from the areas' own views into plain, readable fields (ISO times, words instead of codes where a
// person reads them). Pure functions of what export.ts read, so the shaping and the file naming are
// unit-tested without a database. Nothing here may carry ciphertext, file keys, storage keys or
// another person's personal data: the views passed in hold none, and the shapes copy named fields only.
import type {
  AppointmentStatus,
  ConsentKind,
  DataRequestKind,
  DataRequestStatus,
  PaymentProvider,
  PaymentStatus,
  RefundCause,
  RefundStatus,
} from "@/lib/db/generated/enums";
import {
  type ACCEPTED_TYPES,
  type DocumentView,
  SCAN_LABELS,
  isAcceptedType,
  isDownloadable,
  sanitizeFileName,
} from "@/lib/domain/documents/schemas";
import type { HealthSummary } from "@/lib/domain/health-profile/schemas";
import { REFUND_CAUSE_LABEL, REFUND_STATUS_LABEL, paymentStatusLabel } from "@/lib/domain/payments/labels";
import { formatMajorAmount } from "@/lib/domain/payments/money";
import type { PrescriptionView } from "@/lib/domain/prescriptions/schemas";
import type { DeviceView, ReadingView } from "@/lib/domain/readings/schemas";
import { deviceKindLabel, metricInfo } from "@/lib/domain/readings/schemas";
import { localDay } from "@/lib/domain/scheduling/format";
import { splitCorrectionDetails } from "./schemas";
import { STATUS_LABEL } from "@/lib/domain/scheduling/states";

/** The files at the top of the zip, in the order they are written. */
export const EXPORT_FILES = {
  readme: "README.txt",
  profile: "profile.json",
  medications: "medications.json",
  devicesAndReadings: "devices-and-readings.json",
  visits: "visits.json",
  notes: "notes.json",
  prescriptions: "prescriptions.json",
  messages: "messages.json",
  payments: "payments.json",
  consents: "consents.json",
  insurance: "insurance-checks.json",
  requests: "requests.json",
  recordAccess: "record-access.json",
  documents: "documents.json",
} as const;
export type ExportFileKey = keyof typeof EXPORT_FILES;

export const PRESCRIPTIONS_FOLDER = "prescriptions";
export const DOCUMENTS_FOLDER = "documents";

/** The first 8 characters of an id: enough to tell records apart, and what Haven's pages show. */
export const shortId = (id: string) => id.slice(0, 8);

/** "haven-export-2026-12-02.zip": the patient's local date, nothing that identifies them. */
export const exportZipName = (now: Date, timeZone: string) => `haven-export-${localDay(now, timeZone)}.zip`;

/** "prescriptions/2026-11-24-3f2a9c1e.pdf": the day it was signed, where the patient lives. */
export const prescriptionPdfPath = (prescription: { id: string; signedAt: Date }, timeZone: string) =>
  `${PRESCRIPTIONS_FOLDER}/${localDay(prescription.signedAt, timeZone)}-${shortId(prescription.id)}.pdf`;

const EXTENSIONS: Record<keyof typeof ACCEPTED_TYPES, readonly string[]> = {
  "application/pdf": [".pdf"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/png": [".png"],
};

/**
 * "documents/3f2a9c1e-blood test.pdf": the uploaded name made safe for every unzip tool (no folders,
 * no "..", no control, bidirectional or reserved characters, no trailing dots or spaces), prefixed with
 * the document's short id (so two uploads with one name never collide, and no name can be a device
 * name such as CON), and ending in the extension of the type detected at upload.
 */
export function documentPath(document: { id: string; fileName: string; contentType: string }): string {
  let name = sanitizeFileName(document.fileName)
    .replace(/[\\/]/g, "_")
    .replace(/\.{2,}/g, ".")
    .replace(/[\s.]+$/, "");
  if (!name) name = "document";
  if (isAcceptedType(document.contentType)) {
    const extensions = EXTENSIONS[document.contentType];
    if (!extensions.some((extension) => name.toLowerCase().endsWith(extension))) name += extensions[0];
  }
  return `${DOCUMENTS_FOLDER}/${shortId(document.id)}-${name}`;
}

/** Pretty-printed JSON (dates as ISO 8601 in UTC), ending with a newline, as UTF-8 bytes. */
export function jsonFile(value: unknown): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`);
}

/** Doctors' display names by user id (public, as on the directory). */
export type DoctorNames = ReadonlyMap<string, string>;
const doctorName = (names: DoctorNames, id: string | null | undefined) =>
  (id ? names.get(id) : undefined) ?? "Your doctor";

// ---------------------------------------------------------------------------
// profile.json, medications.json, devices-and-readings.json

export interface AccountFacts {
  email: string;
  createdAt: Date;
  timeZone: string;
  emailVerifiedAt: Date | null;
  twoStepSignIn: boolean;
}

export interface EmergencyAlertFacts {
  id: string;
  createdAt: Date;
  country: string;
  acknowledgedAt: Date | null;
}

export function profileJson(
  account: AccountFacts,
  health: HealthSummary,
  emergencyAlerts: readonly EmergencyAlertFacts[],
) {
  const profile = health.profile;
  return {
    account: {
      email: account.email,
      createdAt: account.createdAt,
      emailVerifiedAt: account.emailVerifiedAt,
      timeZone: account.timeZone,
      twoStepSignInEnabled: account.twoStepSignIn,
    },
    profile: profile
      ? {
          fullName: profile.fullName,
          dateOfBirth: profile.dateOfBirth,
          phone: profile.phone,
          address: profile.address,
          country: profile.country,
        }
      : null,
    healthProfile: profile
      ? {
          medicalHistory: profile.medicalHistory,
          allergies: profile.allergies,
          emergencyContact: profile.emergencyContact,
        }
      : null,
    emergencyButtonPresses: emergencyAlerts.map((alert) => ({
      id: alert.id,
      pressedAt: alert.createdAt,
      countryShown: alert.country,
      seenByYourDoctorAt: alert.acknowledgedAt,
    })),
  };
}

export function medicationsJson(health: HealthSummary) {
  const shape = (medication: HealthSummary["current"][number]) => ({
    id: medication.id,
    name: medication.name,
    dosage: medication.dosage,
    startedOn: medication.startedOn,
    stoppedOn: medication.stoppedOn,
    addedAt: medication.createdAt,
  });
  return { current: health.current.map(shape), past: health.past.map(shape) };
}

export function devicesAndReadingsJson(devices: readonly DeviceView[], readings: readonly ReadingView[]) {
  return {
    devices: devices.map((device) => ({
      id: device.id,
      kind: deviceKindLabel(device.kind),
      maker: device.vendor,
      model: device.model,
      addedAt: device.createdAt,
      readings: readings
        .filter((reading) => reading.deviceId === device.id)
        .map((reading) => {
          const metric = metricInfo(reading.metric);
          return {
            id: reading.id,
            measuredAt: reading.measuredAt,
            metric: metric.label,
            value: reading.value,
            unit: metric.unit,
          };
        }),
    })),
  };
}

// ---------------------------------------------------------------------------
// visits.json

export interface VisitFacts {
  id: string;
  doctorId: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  reason: string;
  cancelReason: string | null;
  cancelledById: string | null;
  confirmedAt: Date | null;
  feeMinor: number;
  currency: string;
  createdAt: Date;
}

export function visitsJson(patientId: string, visits: readonly VisitFacts[], names: DoctorNames) {
  return visits.map((visit) => ({
    id: visit.id,
    doctor: doctorName(names, visit.doctorId),
    startsAt: visit.startsAt,
    endsAt: visit.endsAt,
    status: STATUS_LABEL[visit.status],
    reason: visit.reason,
    bookedAt: visit.createdAt,
    confirmedAt: visit.confirmedAt,
    fee: { amount: formatMajorAmount(visit.feeMinor, visit.currency), currency: visit.currency },
    cancellation:
      visit.status === "CANCELLED"
        ? {
            cancelledBy:
              visit.cancelledById === patientId
                ? "you"
                : visit.cancelledById === visit.doctorId
                  ? doctorName(names, visit.doctorId)
                  : visit.cancelledById
                    ? "the clinic"
                    : "Haven (automatically)",
            reason: visit.cancelReason,
          }
        : null,
  }));
}

// ---------------------------------------------------------------------------
// notes.json, prescriptions.json

export interface NoteFacts {
  id: string;
  authorId: string;
  appointmentId: string | null;
  status: "DRAFT" | "SIGNED";
  signedAt: Date | null;
  createdAt: Date;
  subjective: string;
  objective: string;
  assessment: string;
  plan: string;
  amendments: { id: string; authorId: string; text: string; createdAt: Date }[];
}

export function notesJson(notes: readonly NoteFacts[], names: DoctorNames) {
  return notes.map((note) => ({
    id: note.id,
    doctor: doctorName(names, note.authorId),
    visitId: note.appointmentId,
    writtenAt: note.createdAt,
    signedAt: note.signedAt,
    subjective: note.subjective,
    objective: note.objective,
    assessment: note.assessment,
    plan: note.plan,
    amendments: note.amendments.map((amendment) => ({
      id: amendment.id,
      doctor: doctorName(names, amendment.authorId),
      addedAt: amendment.createdAt,
      text: amendment.text,
    })),
  }));
}

export function prescriptionsJson(prescriptions: readonly PrescriptionView[], timeZone: string) {
  return prescriptions.map((prescription) => ({
    id: prescription.id,
    doctor: prescription.doctorName,
    doctorLicenceNumber: prescription.licenseNumber,
    visitId: prescription.appointmentId,
    signedAt: prescription.signedAt,
    verificationCode: prescription.verificationCode,
    pdf: prescriptionPdfPath(prescription, timeZone),
    items: prescription.items.map((item) => ({
      position: item.position,
      medicine: item.medicine,
      strength: item.strength,
      form: item.form,
      dose: item.dose,
      route: item.route,
      frequency: item.frequency,
      duration: item.duration,
      quantity: item.quantity,
      refills: item.refills,
      instructions: item.instructions,
    })),
  }));
}

// ---------------------------------------------------------------------------
// messages.json

export interface ThreadFacts {
  id: string;
  doctorId: string;
  createdAt: Date;
  messages: {
    id: string;
    senderId: string;
    /** null once retracted. */
    body: string | null;
    createdAt: string;
    readAt: string | null;
    retractedAt: string | null;
    attachment: { id: string; fileName: string } | null;
  }[];
}

export function messagesJson(patientId: string, threads: readonly ThreadFacts[], names: DoctorNames) {
  return threads.map((thread) => ({
    id: thread.id,
    doctor: doctorName(names, thread.doctorId),
    startedAt: thread.createdAt,
    messages: thread.messages.map((message) => ({
      id: message.id,
      from: message.senderId === patientId ? "you" : doctorName(names, thread.doctorId),
      sentAt: message.createdAt,
      readAt: message.readAt,
      retracted: message.retractedAt !== null,
      retractedAt: message.retractedAt,
      text: message.retractedAt !== null ? null : message.body,
      attachment: message.attachment
        ? { documentId: message.attachment.id, fileName: message.attachment.fileName }
        : null,
    })),
  }));
}

// ---------------------------------------------------------------------------
// documents.json

/** Whether a document's bytes go into the zip: the same rule as the documents page's download. */
export const isExportable = (document: Pick<DocumentView, "scanStatus" | "contentType">) =>
  isDownloadable(document.scanStatus) && isAcceptedType(document.contentType);

export const NOT_INCLUDED_PENDING_SCAN =
  "Not included: the file is still waiting for the malware scan. Download it from your documents page once it has been scanned, or export again later.";
export const NOT_INCLUDED_MISSING =
  "Not included: the file could not be read from storage. Please contact us so we can look into it.";

export interface DocumentEntry {
  document: DocumentView;
  /** The path inside the zip, or null with the reason it is not there. */
  path: string | null;
  notIncluded: string | null;
}

export function documentsJson(entries: readonly DocumentEntry[]) {
  return entries.map(({ document, path, notIncluded }) => ({
    id: document.id,
    fileName: document.fileName,
    type: document.contentType,
    sizeBytes: document.sizeBytes,
    uploadedBy: document.uploadedByPatient ? "you" : "your care team",
    uploadedAt: document.createdAt,
    malwareScan: SCAN_LABELS[document.scanStatus],
    scannedAt: document.scannedAt,
    file: path,
    ...(notIncluded ? { notIncluded } : {}),
  }));
}

// ---------------------------------------------------------------------------
// payments.json, consents.json, requests.json

export interface PaymentFacts {
  id: string;
  appointmentId: string;
  doctorId: string;
  provider: PaymentProvider;
  amountMinor: number;
  currency: string;
  status: PaymentStatus;
  failureCode: string | null;
  capturedMinor: number;
  refundedMinor: number;
  expiresAt: Date;
  paidAt: Date | null;
  createdAt: Date;
  refunds: {
    id: string;
    amountMinor: number;
    currency: string;
    status: RefundStatus;
    cause: RefundCause;
    createdAt: Date;
    updatedAt: Date;
  }[];
}

const PROVIDER_LABEL: Record<PaymentProvider, string> = {
  STRIPE: "Stripe",
  RAZORPAY: "Razorpay",
  TEST: "Test checkout (no real money)",
};

export function paymentsJson(payments: readonly PaymentFacts[], names: DoctorNames, now: Date) {
  return payments.map((payment) => ({
    id: payment.id,
    visitId: payment.appointmentId,
    doctor: doctorName(names, payment.doctorId),
    provider: PROVIDER_LABEL[payment.provider],
    amount: formatMajorAmount(payment.amountMinor, payment.currency),
    currency: payment.currency,
    status: paymentStatusLabel(payment, now),
    startedAt: payment.createdAt,
    paidAt: payment.paidAt,
    amountCaptured: formatMajorAmount(payment.capturedMinor, payment.currency),
    amountRefunded: formatMajorAmount(payment.refundedMinor, payment.currency),
    refunds: payment.refunds.map((refund) => ({
      id: refund.id,
      amount: formatMajorAmount(refund.amountMinor, refund.currency),
      currency: refund.currency,
      status: REFUND_STATUS_LABEL[refund.status],
      why: REFUND_CAUSE_LABEL[refund.cause],
      requestedAt: refund.createdAt,
      settledAt: refund.status === "PENDING" ? null : refund.updatedAt,
    })),
  }));
}

export interface ConsentFacts {
  id: string;
  kind: ConsentKind;
  version: string;
  documentHash: string | null;
  acceptedAt: Date;
  withdrawnAt: Date | null;
}

const CONSENT_KIND_LABEL: Record<ConsentKind, string> = {
  TELEHEALTH: "Telehealth consent",
  PRIVACY: "Data processing",
  MESSAGING: "Secure messaging",
};

/** Every grant, oldest first: withdrawing keeps the grant (with its withdrawal), granting again adds one. */
export function consentsJson(consents: readonly ConsentFacts[]) {
  return consents.map((consent) => ({
    id: consent.id,
    consent: CONSENT_KIND_LABEL[consent.kind],
    version: consent.version,
    textSha256: consent.documentHash,
    agreedAt: consent.acceptedAt,
    withdrawnAt: consent.withdrawnAt,
  }));
}

export interface RequestFacts {
  id: string;
  kind: DataRequestKind;
  status: DataRequestStatus;
  receivedAt: Date;
  dueAt: Date;
  completedAt: Date | null;
  targetType: string | null;
  targetId: string | null;
  details: string | null;
  resolution: string | null;
  outcome: unknown;
  events: { at: Date; step: string; toStatus: DataRequestStatus; actorId: string | null }[];
}

export function requestsJson(
  patientId: string,
  requests: readonly RequestFacts[],
  labels: { kind: Record<DataRequestKind, string>; status: Record<DataRequestStatus, string> },
) {
  return requests.map((request) => ({
    id: request.id,
    kind: labels.kind[request.kind],
    status: labels.status[request.status],
    receivedAt: request.receivedAt,
    dueBy: request.dueAt,
    completedAt: request.completedAt,
    concerns: request.targetType ? { type: request.targetType, id: request.targetId } : null,
    // A correction's details hold the request and, after a refusal, the patient's statement of disagreement.
    yourWords: splitCorrectionDetails(request.details).request,
    yourStatementOfDisagreement: splitCorrectionDetails(request.details).statement,
    answer: request.resolution,
    outcome: request.outcome ?? null,
    steps: request.events.map((event) => ({
      at: event.at,
      step: event.step,
      status: labels.status[event.toStatus],
      by: event.actorId === null ? "Haven" : event.actorId === patientId ? "you" : "the clinic",
    })),
  }));
}

// ---------------------------------------------------------------------------
// record-access.json

export interface RecordAccessFacts {
  occurredAt: Date;
  actorId: string | null;
  actorRole: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  outcome: string;
}

const ACTION_LABEL: Record<string, string> = {
  "chart.viewed": "Opened your chart",
  "phi.read": "Read part of your record",
  "break-glass.granted": "Emergency (break-glass) access to your record",
};

const RESOURCE_LABEL: Record<string, string> = {
  ClinicalNote: "consultation note",
  NoteAmendment: "amendment to a note",
  PrescriptionItem: "prescription",
  Medication: "medication",
  Document: "document",
  Device: "device",
  Reading: "device reading",
  Chart: "chart",
  BreakGlassGrant: "emergency access",
};

/** Who read the patient's record: staff by role and display name, never another patient's identity. */
export function recordAccessJson(rows: readonly RecordAccessFacts[], names: DoctorNames) {
  return rows.map((row) => ({
    at: row.occurredAt,
    who:
      row.actorRole === "DOCTOR"
        ? doctorName(names, row.actorId)
        : row.actorRole === "ADMIN"
          ? "A Haven administrator"
          : row.actorRole === "SYSTEM"
            ? "Haven (automated task)"
            : "Another account",
    role: row.actorRole.charAt(0) + row.actorRole.slice(1).toLowerCase(),
    action: ACTION_LABEL[row.action] ?? row.action,
    what: RESOURCE_LABEL[row.resourceType] ?? row.resourceType,
    recordId: row.resourceId,
    outcome: row.outcome === "SUCCESS" ? "allowed" : row.outcome.toLowerCase(),
  }));
}

// ---------------------------------------------------------------------------

/** How many records each file holds (the request's outcome, and the README's table). */
export type ExportCounts = Record<string, number>;
