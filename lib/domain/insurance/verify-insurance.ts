// One eligibility check: the browser's encrypted details are accepted once, fresh, in the
// patient's own live session, with their agreement; decrypted only here; validated; sent to the
// payer through its adapter; and the question and the answer are stored encrypted under a reference
// number. Nothing of the details reaches a log, an error message or an audit row.
import "server-only";
import { randomBytes } from "node:crypto";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { confirmConsentHeld, requireConsent } from "@/lib/domain/consent/require-consent";
import { getDb, recordAuditEvent, transaction, transactionClient } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError, validationError } from "@/lib/http/errors";
import { describeError, logger } from "@/lib/logger";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { EnvelopeError, envelopeDigest, openPayload } from "./envelope";
import { payerAdapter } from "./payers";
import { type EligibilityRequest, type EligibilityResult, PayerError } from "./payers/types";
import { type StoredResult, toVerificationView } from "./queries";
import {
  type InsuranceDetails,
  type VerificationView,
  type VerifyRequest,
  insuranceDetailsSchema,
} from "./schemas";
import { assertInsurancePatient } from "./sessions";

/** Checks one session may carry (a typo corrected, a second insurer); then a new session. */
export const CHECKS_PER_SESSION = 5;

const REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** "HVN-" and 12 random Crockford base32 characters (60 bits): quotable, and says nothing. */
export function newReferenceNumber(): string {
  const bytes = randomBytes(12);
  let text = "";
  for (const byte of bytes) text += REFERENCE_ALPHABET[byte % 32];
  return `HVN-${text.slice(0, 4)}-${text.slice(4, 8)}-${text.slice(8, 12)}`;
}

type Refusal = "stale" | "session-ended" | "replayed" | "session-used-up" | "undecryptable" | "invalid";

async function refuse(actor: AuthenticatedActor, sessionId: string, reason: Refusal): Promise<void> {
  await recordAuditEvent({
    action: "insurance.verify.refused",
    resourceType: "InsuranceSession",
    resourceId: sessionId,
    subjectId: actor.userId,
    outcome: "DENIED",
    details: { reason },
  });
}

const START_AGAIN = "Start the check again.";

/**
 * Accepts the payload once (the replay guard) and hands back the session's private key, or says
 * why not. The refusal's audit row commits with the transaction, so the caller throws afterwards.
 */
async function claimPayload(
  actor: AuthenticatedActor,
  request: VerifyRequest,
): Promise<{ privateKey: JsonWebKey } | { refused: Refusal }> {
  const digest = await envelopeDigest(request.encryptedPayload);
  // The session must outlive the payer's answer, so that the expiry job cannot take it meanwhile.
  const liveUntil = new Date(Date.now() + getEnv().INSURANCE_PAYER_TIMEOUT_MS + 5_000);
  return transaction(async () => {
    const db = getDb();
    // Claiming a check locks the session row: a cleanup from another tab waits for this transaction,
    // and two concurrent payloads cannot both take the last check.
    const claimed = await db.insuranceSession.updateMany({
      where: {
        id: request.sessionId,
        patientId: actor.userId,
        expiresAt: { gt: liveUntil },
        verificationCount: { lt: CHECKS_PER_SESSION },
      },
      data: { verificationCount: { increment: 1 } },
    });
    if (claimed.count === 0) {
      const usedUp =
        (await db.insuranceSession.count({
          where: { id: request.sessionId, patientId: actor.userId, expiresAt: { gt: liveUntil } },
        })) > 0;
      const reason = usedUp ? ("session-used-up" as const) : ("session-ended" as const);
      await refuse(actor, request.sessionId, reason);
      return { refused: reason };
    }
    const { count } = await db.insurancePayloadSeen.createMany({
      data: [{ sessionId: request.sessionId, digest }],
      skipDuplicates: true,
    });
    if (count === 0) {
      await refuse(actor, request.sessionId, "replayed");
      return { refused: "replayed" as const };
    }
    const keys = await db.insuranceSession.findUniqueOrThrow({
      where: { id: request.sessionId },
      select: { privateKey: true },
    });
    return { privateKey: JSON.parse(keys.privateKey) as JsonWebKey };
  });
}

const REFUSAL_ERROR: Record<Exclude<Refusal, "invalid">, AppError> = {
  stale: new AppError(
    "BAD_REQUEST",
    `This request is out of date: it was sent too long ago, or this device's clock is wrong. ${START_AGAIN}`,
  ),
  "session-ended": new AppError("NOT_FOUND", `This verification session has ended. ${START_AGAIN}`),
  replayed: new AppError("CONFLICT", `This request was already received once. ${START_AGAIN}`),
  "session-used-up": new AppError(
    "CONFLICT",
    `This session has been used for ${CHECKS_PER_SESSION} checks. ${START_AGAIN}`,
  ),
  undecryptable: new AppError("BAD_REQUEST", `Your insurance details could not be read. ${START_AGAIN}`),
};

async function askPayer(request: EligibilityRequest): Promise<EligibilityResult | PayerError> {
  const adapter = payerAdapter();
  if (!adapter) throw new AppError("NOT_FOUND", "Not found.");
  try {
    return await adapter.checkEligibility(request, AbortSignal.timeout(getEnv().INSURANCE_PAYER_TIMEOUT_MS));
  } catch (error) {
    if (error instanceof PayerError) return error;
    if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return new PayerError("timeout", "The insurer did not answer in time.");
    }
    // An adapter's own failure: logged by kind only (its message could quote the request).
    logger.error("payer adapter failed", { name: error instanceof Error ? error.name : typeof error });
    return new PayerError("unavailable", "The insurer could not be reached.");
  }
}

function payerFailure(error: PayerError, payerName: string, referenceNumber: string): AppError {
  const reference = `Reference ${referenceNumber}.`;
  if (error.kind === "rejected") {
    return new AppError(
      "BAD_REQUEST",
      `${payerName} could not process this check. Check the insurer and the details on your card, then try again. ${reference}`,
    );
  }
  const what = error.kind === "timeout" ? "did not answer in time" : "is not answering right now";
  return new AppError(
    "SERVICE_UNAVAILABLE",
    `${payerName} ${what}. Nothing is wrong with your details: try again in a few minutes. ${reference}`,
    { retryAfterSeconds: 60 },
  );
}

/** POST /api/insurance/verify: the check, or a specific refusal. */
export async function verifyInsurance(
  actor: AuthenticatedActor,
  headerSessionId: string,
  request: VerifyRequest,
): Promise<VerificationView> {
  assertInsurancePatient(actor);
  const env = getEnv();
  if (headerSessionId !== request.sessionId) {
    throw new AppError("BAD_REQUEST", "The X-Session-ID header and the body's sessionId differ.");
  }
  if (Math.abs(Date.now() - request.timestamp) > env.INSURANCE_PAYLOAD_MAX_AGE_SECONDS * 1000) {
    await refuse(actor, request.sessionId, "stale");
    throw REFUSAL_ERROR.stale;
  }
  await requireConsent(actor.userId, "PRIVACY");
  await consumeRateLimit("insuranceVerify", `user:${actor.userId}`);

  const claim = await claimPayload(actor, request);
  if ("refused" in claim) throw REFUSAL_ERROR[claim.refused as Exclude<Refusal, "invalid">];

  let details: InsuranceDetails;
  try {
    const plaintext = await openPayload(
      claim.privateKey,
      request.sessionId,
      request.timestamp,
      request.encryptedPayload,
    );
    const parsed = insuranceDetailsSchema.safeParse(JSON.parse(plaintext));
    if (!parsed.success) {
      await refuse(actor, request.sessionId, "invalid");
      throw validationError(parsed.error);
    }
    details = parsed.data;
  } catch (error) {
    if (AppError.is(error)) throw error;
    if (!(error instanceof EnvelopeError) && !(error instanceof SyntaxError)) {
      logger.error("insurance payload failed", describeError(error));
    }
    await refuse(actor, request.sessionId, "undecryptable");
    throw REFUSAL_ERROR.undecryptable;
  }

  const payer = payerAdapter()?.payers.find((candidate) => candidate.id === details.payerId);
  if (!payer) {
    await refuse(actor, request.sessionId, "invalid");
    throw new AppError("VALIDATION_FAILED", "Some fields are invalid.", {
      fields: [{ field: "payerId", message: "Choose your insurer from the list." }],
    });
  }

  const referenceNumber = newReferenceNumber();
  const eligibilityRequest: EligibilityRequest = {
    traceNumber: referenceNumber,
    payer,
    provider: { npi: env.INSURANCE_PROVIDER_NPI, name: env.CLINIC_NAME },
    subscriber: {
      memberId: details.memberId,
      ...(details.groupNumber ? { groupNumber: details.groupNumber } : {}),
      firstName: details.subscriberFirstName,
      lastName: details.subscriberLastName,
      dateOfBirth: details.subscriberDateOfBirth,
    },
    serviceDate: new Date().toISOString().slice(0, 10),
  };
  // The disclosure to the payer is on record before it happens, whatever becomes of the answer.
  await recordAuditEvent({
    action: "insurance.payer.asked",
    resourceType: "InsuranceSession",
    resourceId: request.sessionId,
    subjectId: actor.userId,
    details: { referenceNumber },
  });
  const answer = await askPayer(eligibilityRequest);
  const stored: StoredResult =
    answer instanceof PayerError ? { status: "payer_error", kind: answer.kind } : answer;
  const status =
    stored.status === "active"
      ? "ACTIVE"
      : stored.status === "inactive"
        ? "INACTIVE"
        : stored.status === "not_found"
          ? "NOT_FOUND"
          : "PAYER_ERROR";

  const saved = await transaction(async () => {
    // A consent withdrawn, or an erasure carried out, while the payer answered: nothing is stored.
    await confirmConsentHeld(actor.userId, "PRIVACY");
    const [session] = await transactionClient().$queryRaw<{ id: string }[]>`
      SELECT id::text FROM insurance_sessions WHERE id = ${request.sessionId}::uuid FOR KEY SHARE`;
    const row = await getDb().insuranceVerification.create({
      data: {
        patientId: actor.userId,
        // The session may have been cleaned up meanwhile (another tab): the check stands alone.
        sessionId: session?.id ?? null,
        referenceNumber,
        status,
        consentGiven: request.patientConsent,
        request: JSON.stringify({ ...details, payerName: payer.name }),
        result: JSON.stringify(stored),
        completedAt: new Date(),
      },
      select: { id: true, createdAt: true },
    });
    await recordAuditEvent({
      action: "insurance.verified",
      resourceType: "InsuranceVerification",
      resourceId: row.id,
      subjectId: actor.userId,
      outcome: status === "PAYER_ERROR" ? "FAILURE" : "SUCCESS",
      details: {
        status,
        referenceNumber,
        ...(answer instanceof PayerError ? { payerFailure: answer.kind } : {}),
      },
    });
    return row;
  });
  if (answer instanceof PayerError) throw payerFailure(answer, payer.name, referenceNumber);
  return toVerificationView({
    referenceNumber,
    status,
    request: { ...details, payerName: payer.name },
    result: stored,
    completedAt: saved.createdAt,
  });
}
