// The sandbox payers: two pretend insurers that answer from documented test member ids, so a
// clinic (and the tests) can try the whole flow with no clearinghouse contract. They speak the
// real wire formats: "Haven Sandbox Health" is reached with an X12 005010X279A1 270 and answers
// a 271; "Haven Sandbox Care" is a FHIR R4 payer (CoverageEligibilityRequest → Response). Both
// travel as text, as they would over HTTP, so the formatters and parsers are exercised end to end.
//
// Test member ids (any name and date of birth; README "Insurance sandbox"):
//   SBX-ACTIVE-1001    active, "Sandbox Gold PPO", copay $25.00, coinsurance 20 %
//   SBX-ACTIVE-1002    active, "Sandbox Basic HMO", no cost share stated
//   SBX-INACTIVE-2002  inactive: the plan ended on 2026-06-30
//   SBX-NOTFOUND-3003  not found (so is any id not listed here)
//   SBX-ERROR-4004     the payer cannot answer now (retryable)
//   SBX-TIMEOUT-5005   the payer never answers (the check times out)
import "server-only";
import {
  fromCoverageEligibilityRequest,
  fromCoverageEligibilityResponse,
  toCoverageEligibilityErrorResponse,
  toCoverageEligibilityRequest,
  toCoverageEligibilityResponse,
} from "@/lib/domain/insurance/fhir/coverage-eligibility";
import {
  type EligibilityRequest,
  type EligibilityResult,
  type PayerAdapter,
  PayerError,
} from "@/lib/domain/insurance/payers/types";
import { format270, parse270, readEligibilityControl } from "@/lib/domain/insurance/x12/eligibility-270";
import { X12ValueError } from "@/lib/domain/insurance/x12/segments";
import { SUBSCRIBER_NOT_FOUND_REASONS } from "@/lib/domain/insurance/x12/aaa-reasons";
import { type Eligibility271Outcome, format271, parse271 } from "@/lib/domain/insurance/x12/eligibility-271";

export const SANDBOX_X12_PAYER = { id: "SBX-X12", name: "Haven Sandbox Health (X12)" } as const;
export const SANDBOX_FHIR_PAYER = { id: "SBX-FHIR", name: "Haven Sandbox Care (FHIR)" } as const;

type SandboxOutcome = EligibilityResult | "payer-error" | "timeout";

const NOT_FOUND: EligibilityResult = { status: "not_found", reason: SUBSCRIBER_NOT_FOUND_REASONS["75"] };

/** The documented test member ids and what the sandbox payers answer for each. */
export const SANDBOX_MEMBERS: Readonly<Record<string, SandboxOutcome>> = {
  "SBX-ACTIVE-1001": {
    status: "active",
    planName: "Sandbox Gold PPO",
    coverageStart: "2026-01-01",
    coverageEnd: "2026-12-31",
    copay: { amountMinor: 2500, currency: "USD" },
    coinsurancePercent: 20,
  },
  "SBX-ACTIVE-1002": { status: "active", planName: "Sandbox Basic HMO", coverageStart: "2026-01-01" },
  "SBX-INACTIVE-2002": { status: "inactive", planName: "Sandbox Silver EPO", coverageEnd: "2026-06-30" },
  "SBX-NOTFOUND-3003": NOT_FOUND,
  "SBX-ERROR-4004": "payer-error",
  "SBX-TIMEOUT-5005": "timeout",
};

/** What a sandbox payer decides for a subscriber (member ids compare without case). */
export function sandboxOutcome(memberId: string): SandboxOutcome {
  return SANDBOX_MEMBERS[memberId.toUpperCase()] ?? NOT_FOUND;
}

/** Waits like a network round trip; a timeout waits until the caller gives up. */
function payerLatency(signal: AbortSignal, milliseconds: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new PayerError("timeout", "The insurer did not answer in time."));
    const timer = Number.isFinite(milliseconds) ? setTimeout(resolve, milliseconds) : undefined;
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(new PayerError("timeout", "The insurer did not answer in time."));
      },
      { once: true },
    );
  });
}

let interchangeCounter = 0;
function nextControlNumber(): number {
  interchangeCounter = (interchangeCounter % 999_999_998) + 1;
  return interchangeCounter;
}

/** The X12 payer's side: reads the 270 it was sent and writes its 271. */
function answer270(inquiry: string): string {
  const request = parse270(inquiry);
  const outcome = sandboxOutcome(request.subscriber.memberId);
  const answer: Eligibility271Outcome =
    outcome === "payer-error"
      ? { status: "rejected", rejectReasonCode: "42", followUpAction: "R", loop: "information_source" }
      : typeof outcome === "string"
        ? NOT_FOUND
        : outcome;
  return format271(request, answer, {
    interchangeControlNumber: nextControlNumber(),
    senderId: SANDBOX_X12_PAYER.id,
    receiverId: "HAVEN",
    now: new Date(),
    // A payer echoes the inquiry's TRN, originator included.
    originatorId: readEligibilityControl(inquiry).originatorId,
  });
}

/** The FHIR payer's side: reads the CoverageEligibilityRequest and writes its response. */
function answerFhir(body: string): string {
  const request = fromCoverageEligibilityRequest(JSON.parse(body));
  const outcome = sandboxOutcome(request.subscriber.memberId);
  const response =
    outcome === "payer-error"
      ? toCoverageEligibilityErrorResponse(request, "unableToRespondNow", new Date())
      : toCoverageEligibilityResponse(request, typeof outcome === "string" ? NOT_FOUND : outcome, new Date());
  return JSON.stringify(response);
}

/** The 270, or a refusal naming the element X12 cannot carry (never its value). */
function inquiryFor(request: EligibilityRequest): string {
  try {
    return format270(request, {
      interchangeControlNumber: nextControlNumber(),
      senderId: "HAVEN",
      receiverId: SANDBOX_X12_PAYER.id,
      now: new Date(),
    });
  } catch (error) {
    if (error instanceof X12ValueError) throw new PayerError("rejected", error.message);
    throw error;
  }
}

async function checkWithX12(request: EligibilityRequest, signal: AbortSignal): Promise<EligibilityResult> {
  const inquiry = inquiryFor(request);
  await payerLatency(signal, sandboxOutcome(request.subscriber.memberId) === "timeout" ? Infinity : 150);
  const { traceNumber, result } = parse271(answer270(inquiry));
  if (traceNumber !== request.traceNumber) {
    throw new PayerError("unavailable", "The insurer answered another request.");
  }
  return result;
}

async function checkWithFhir(request: EligibilityRequest, signal: AbortSignal): Promise<EligibilityResult> {
  const body = JSON.stringify(toCoverageEligibilityRequest(request, new Date()));
  await payerLatency(signal, sandboxOutcome(request.subscriber.memberId) === "timeout" ? Infinity : 150);
  const { traceNumber, result } = fromCoverageEligibilityResponse(JSON.parse(answerFhir(body)));
  if (traceNumber !== request.traceNumber) {
    throw new PayerError("unavailable", "The insurer answered another request.");
  }
  return result;
}

export const sandboxPayerAdapter: PayerAdapter = {
  payers: [SANDBOX_X12_PAYER, SANDBOX_FHIR_PAYER],
  checkEligibility(request, signal) {
    return request.payer.id === SANDBOX_FHIR_PAYER.id
      ? checkWithFhir(request, signal)
      : checkWithX12(request, signal);
  },
};
