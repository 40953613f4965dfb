// The insurance area's boundaries: what the browser encrypts, what it posts, and what the pages
// receive. Shared by the browser (it validates before encrypting) and the server (it validates
// again after decrypting). Names and member ids may not hold X12's delimiters (* ~ : ^), which
// the 270 cannot escape.
import { z } from "zod";
import { envelopeSchema } from "./envelope";

// Latin letters (accents included): payers hold names that way, and X12 carries nothing else.
const NAME = /^\p{Script=Latin}[\p{Script=Latin}\p{M} .'-]*$/u;

function isPastDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.getTime() <= Date.now() && value >= "1900-01-01";
}

/** The insurance details as the patient types them (encrypted in the browser). */
export const insuranceDetailsSchema = z.object({
  payerId: z.string().trim().min(1, { error: "Choose your insurer." }).max(40),
  memberId: z
    .string()
    .trim()
    .min(2, { error: "Enter the member id from your insurance card." })
    .max(30, { error: "A member id has at most 30 characters." })
    .regex(/^[A-Za-z0-9-]+$/, { error: "Use only the letters, digits and dashes on your card." }),
  groupNumber: z
    .string()
    .trim()
    .max(30, { error: "A group number has at most 30 characters." })
    .regex(/^[A-Za-z0-9-]*$/, { error: "Use only the letters, digits and dashes on your card." })
    .optional()
    .transform((value) => (value ? value : undefined)),
  subscriberFirstName: z
    .string()
    .trim()
    .min(1, { error: "Enter the subscriber's first name." })
    .max(35, { error: "At most 35 characters." })
    .regex(NAME, {
      error: "Enter the name as printed on your card (Latin letters, spaces, apostrophes, hyphens).",
    }),
  subscriberLastName: z
    .string()
    .trim()
    .min(1, { error: "Enter the subscriber's last name." })
    .max(60, { error: "At most 60 characters." })
    .regex(NAME, {
      error: "Enter the name as printed on your card (Latin letters, spaces, apostrophes, hyphens).",
    }),
  subscriberDateOfBirth: z.iso
    .date({ error: "Enter the subscriber's date of birth." })
    .refine(isPastDate, { error: "The date of birth must be in the past." }),
});
export type InsuranceDetailsInput = z.input<typeof insuranceDetailsSchema>;
export type InsuranceDetails = z.output<typeof insuranceDetailsSchema>;

/** POST /api/insurance/verify */
export const verifyRequestSchema = z.object({
  sessionId: z.uuid({ error: "sessionId must be a session id." }),
  encryptedPayload: envelopeSchema,
  timestamp: z.number({ error: "timestamp must be milliseconds since 1970." }).int().positive(),
  patientConsent: z.literal(true, {
    error: "Agree to your details being sent to your insurer for this check.",
  }),
});
export type VerifyRequest = z.infer<typeof verifyRequestSchema>;

/** The X-Session-ID header of verify and cleanup-session. */
export const sessionIdHeaderSchema = z.uuid({ error: "The X-Session-ID header must be a session id." });

export type CoverageStatus = "ACTIVE" | "INACTIVE" | "NOT_FOUND" | "PAYER_ERROR";

/** What init-session returns. */
export interface VerificationSessionView {
  sessionId: string;
  publicKey: { kty: "EC"; crv: "P-256"; x: string; y: string };
  expiresAt: string;
  /** The server's clock, so that a browser whose clock is off still sends a fresh timestamp. */
  serverTime: number;
}

/** What the patient sees of one check (their own: plan and cost share, the member id masked). */
export interface VerificationView {
  referenceNumber: string;
  status: CoverageStatus;
  payerName: string;
  /** The last four characters only. */
  memberIdEnding: string;
  planName: string | null;
  coverageStart: string | null;
  coverageEnd: string | null;
  copay: { amountMinor: number; currency: string } | null;
  coinsurancePercent: number | null;
  /** Why not found, or what went wrong with the payer (safe words, no member details). */
  message: string | null;
  checkedAt: string;
}

/** What the patient's doctors and the admins see: the status and when, never the details. */
export interface CoverageStatusView {
  status: CoverageStatus;
  referenceNumber: string;
  checkedAt: Date;
}

export const COVERAGE_STATUS_LABEL: Record<CoverageStatus, string> = {
  ACTIVE: "Coverage active",
  INACTIVE: "Coverage inactive",
  NOT_FOUND: "Member not found",
  PAYER_ERROR: "Insurer did not answer",
};
