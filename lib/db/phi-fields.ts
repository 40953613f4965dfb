// The one declaration of which columns hold PHI. The data layer encrypts and
// decrypts exactly these, keeps their blind indexes, and audits their access.
// Every entry says why it is PHI. A PHI model needs a String `id` primary key:
// the row id is part of each value's associated data.
import { type Normalizer, normalizeEmail, normalizePhone } from "@/lib/crypto/blind-index";

/** Values compared exactly as stored (they are produced by Haven, not typed by people). */
const exactValue: Normalizer = (value) => value;

export interface PhiFieldSpec {
  reason: string;
  /** Equality lookups go through this HMAC column instead of the ciphertext. */
  blindIndex?: { field: string; normalize: Normalizer };
}

export const PHI_MODELS = {
  User: {
    email: {
      reason: "identifies a person and links them to their care; needed to sign in and to contact them",
      blindIndex: { field: "emailIndex", normalize: normalizeEmail },
    },
    mfaSecret: {
      reason: "not PHI but a credential: encrypted so a dump cannot be used to mint sign-in codes",
    },
  },
  PatientProfile: {
    fullName: { reason: "identifies the patient" },
    dateOfBirth: { reason: "identifies the patient (HIPAA identifier)" },
    phone: {
      reason: "contact identifier (HIPAA identifier)",
      blindIndex: { field: "phoneIndex", normalize: normalizePhone },
    },
    address: { reason: "geographic identifier smaller than a state (HIPAA identifier)" },
    medicalHistory: { reason: "clinical information" },
    allergies: { reason: "clinical information" },
    emergencyContact: { reason: "identifies a third person and their relation to the patient" },
  },
  Appointment: {
    reason: { reason: "why the patient seeks care: clinical information in their own words" },
    cancelReason: { reason: "may describe the patient's health or circumstances" },
  },
  ClinicalNote: {
    subjective: { reason: "clinical information: what the patient reports" },
    objective: { reason: "clinical information: findings" },
    assessment: { reason: "clinical information: diagnoses" },
    plan: { reason: "clinical information: treatment" },
  },
  NoteAmendment: {
    text: { reason: "clinical information: a correction to a note" },
  },
  PrescriptionItem: {
    medicine: { reason: "clinical information: what was prescribed" },
    strength: { reason: "clinical information: part of the prescribed medicine" },
    form: { reason: "clinical information: part of the prescribed medicine" },
    dose: { reason: "clinical information: treatment" },
    route: { reason: "clinical information: treatment" },
    frequency: { reason: "clinical information: treatment" },
    duration: { reason: "clinical information: treatment" },
    quantity: { reason: "clinical information: treatment" },
    instructions: { reason: "clinical information: treatment" },
  },
  Medication: {
    name: { reason: "clinical information: what the patient takes" },
    dosage: { reason: "clinical information: treatment" },
    startedOn: { reason: "a date of care (HIPAA identifier)" },
    stoppedOn: { reason: "a date of care (HIPAA identifier)" },
  },
  Document: {
    fileName: { reason: "file names often name the patient or the condition" },
    fileKey: { reason: "not PHI but the key to a PHI file: kept under the patient's data key" },
  },
  Device: {
    vendor: { reason: "describes the patient's care (which devices they use)" },
    model: { reason: "describes the patient's care (which devices they use)" },
  },
  Reading: {
    value: { reason: "clinical information: a measurement" },
  },
  Refund: {
    note: { reason: "an admin's reason for a refund may describe the patient's health or circumstances" },
  },
  Message: {
    body: { reason: "clinical information: what a patient and their doctor write to each other" },
  },
  BreakGlassGrant: {
    reason: { reason: "why a doctor needed the chart in an emergency describes the patient's condition" },
    reviewNote: { reason: "the reviewer's finding may describe the patient's care" },
  },
  DataRequest: {
    details: { reason: "what the patient asks to be corrected describes their health or identity" },
    resolution: { reason: "the answer to a request may quote the corrected record" },
  },
  LegalHold: {
    reason: { reason: "why a patient's data is held may describe an investigation into their care" },
    releaseNote: { reason: "why a hold ended may describe the same investigation" },
  },
  InsuranceSession: {
    privateKey: {
      reason: "not PHI but the key that opens the member details sent in the session",
    },
    clientAddress: {
      reason: "the patient's network address (personal data); counted per address through its blind index",
      blindIndex: { field: "clientAddressIndex", normalize: exactValue },
    },
  },
  InsuranceVerification: {
    request: { reason: "member id, group number, subscriber name and date of birth (HIPAA identifiers)" },
    result: { reason: "the patient's coverage, plan and cost share with their insurer" },
  },
} as const satisfies Record<string, Record<string, PhiFieldSpec>>;

export function phiFieldsOf(model: string): Readonly<Record<string, PhiFieldSpec>> | undefined {
  return (PHI_MODELS as Record<string, Record<string, PhiFieldSpec>>)[model];
}

/**
 * Whose data key encrypts each PHI model's values (lib/db/data-keys.ts): the
 * column holding that person's user id, or "id" when the row is the person.
 */
export const PHI_OWNERS: Record<keyof typeof PHI_MODELS, string> = {
  User: "id",
  PatientProfile: "userId",
  Appointment: "patientId",
  ClinicalNote: "patientId",
  NoteAmendment: "patientId",
  PrescriptionItem: "patientId",
  Medication: "patientId",
  Document: "patientId",
  Device: "patientId",
  Reading: "patientId",
  Refund: "patientId",
  Message: "patientId",
  BreakGlassGrant: "patientId",
  DataRequest: "patientId",
  LegalHold: "patientId",
  InsuranceSession: "patientId",
  InsuranceVerification: "patientId",
};

/** The owner column of a PHI model (it must have one). */
export function phiOwnerField(model: string): string {
  const field = phiOwnerFieldOf(model);
  if (!field) throw new Error(`PHI model ${model} has no owner in PHI_OWNERS`);
  return field;
}

/** The owner column of a model, or undefined when it holds no PHI. */
export function phiOwnerFieldOf(model: string): string | undefined {
  return (PHI_OWNERS as Record<string, string>)[model];
}
