// FHIR R4 (4.0.1) CoverageEligibilityRequest / CoverageEligibilityResponse ↔ Haven's payer
// interface. Pure translation, no I/O: the FHIR payer adapter sends what
// `toCoverageEligibilityRequest` builds and reads answers with `fromCoverageEligibilityResponse`;
// the sandbox FHIR payer does the opposite with the other two functions.
//
// Shape of what Haven sends (R4 rules followed):
// - Everything the payer needs travels inside the request as contained resources (Patient,
//   the insurer and the clinic as Organizations, the Coverage), referenced as "#id" as R4
//   requires for contained resources; every contained resource is referenced (dom-3).
// - `identifier` carries Haven's trace number; the payer echoes it in the response's `request`
//   as a logical reference (Reference.identifier), which is how an answer finds its question.
// - `item[0].category` asks for X12 service type 30 (Health Benefit Plan Coverage), the
//   general "is this member covered" question of an X12 270.
//
// Shape of an answer (what we write and what we read):
// - `outcome` "complete" with `insurance[0].inforce` true (active) or false (inactive) and
//   `insurance[0].benefitPeriod` as the coverage's start and end.
// - Benefits sit in an `insurance[0].item` of category 30: benefit type "copay" with
//   `allowedMoney` is the fixed co-payment; "copay-percent" with `allowedUnsignedInt` (or
//   `allowedString` for a fraction such as "12.5") is the coinsurance percent, as in the spec's
//   example E2502 (http://terminology.hl7.org/CodeSystem/benefit-type).
// - The plan's name is the `display` of `insurance[0].coverage`. R4 has no element for a
//   plan name in this resource; Reference.display is the human-readable name of the Coverage
//   evaluated, and Coverage.class "plan" would need the plan's identifier (`value`, 1..1),
//   which Haven does not have. The group number is the payer's Coverage (contained, the
//   target of `insurance[0].coverage`) `class` of type "group", as in the request.
// - `outcome` "error" lists `error[].code`: HL7's adjudication-error codes (a001, a002) or X12
//   AAA03 reject reasons (https://codesystem.x12.org/005010/901, the system Da Vinci uses).
//   The X12 codes mean what they mean in a 271 (../x12/aaa-reasons): 58/71/72/73/75 (date of
//   birth, member id, name, subscriber not found) become status "not_found"; 42 and 80
//   ("unable to respond at current time", "no response received") a retryable
//   PayerError("unavailable"); anything else PayerError("rejected").
//
// No free text from the payer reaches the patient: a not-found reason and an error message
// come from Haven's own wording for the code, so a payer that writes member details into
// `disposition` or a coding's display cannot leak them into Haven's screens or logs. The
// reverse holds for the sandbox payer: a not-found reason is written as the code whose
// wording it is (else 75), so only Haven's own sentences round-trip exactly.
import type {
  Coding,
  Coverage,
  CoverageEligibilityRequest,
  CoverageEligibilityResponse,
  CoverageEligibilityResponseInsurance,
  CoverageEligibilityResponseInsuranceItemBenefit,
  Organization,
  Patient,
} from "fhir/r4";
import { z } from "zod";
import { currencyExponent, isCurrency, parseMajorAmount } from "@/lib/domain/payments/money";
import {
  PAYER_REJECTION_REASONS,
  PAYER_UNAVAILABLE_REASONS,
  SUBSCRIBER_NOT_FOUND_REASONS,
  describeRejectReason,
  isSubscriberNotFoundCode,
  subscriberNotFoundCode,
} from "@/lib/domain/insurance/x12/aaa-reasons";
import {
  PayerError,
  type EligibilityRequest,
  type EligibilityResult,
  type MoneyAmount,
} from "@/lib/domain/insurance/payers/types";

/** System of Haven's trace number (X12 TRN02) on the request's `identifier`. */
export const HAVEN_REFERENCE_SYSTEM = "urn:haven:insurance:reference";
/** System of the payer id on the insurer Organization (X12 NM109 with qualifier PI). */
export const HAVEN_PAYER_SYSTEM = "urn:haven:insurance:payer";
export const NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi";
export const X12_SERVICE_TYPE_SYSTEM = "https://x12.org/codes/service-type-codes";
/** The spec's own examples code the same X12 service types in this example code system. */
export const EXAMPLE_BENEFIT_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/ex-benefitcategory";
export const BENEFIT_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/benefit-type";
export const COVERAGE_CLASS_SYSTEM = "http://terminology.hl7.org/CodeSystem/coverage-class";
export const SUBSCRIBER_RELATIONSHIP_SYSTEM = "http://terminology.hl7.org/CodeSystem/subscriber-relationship";
export const ADJUDICATION_ERROR_SYSTEM = "http://terminology.hl7.org/CodeSystem/adjudication-error";
/** X12 element 901, the AAA03 reject reason of a 271. */
export const X12_REJECT_REASON_SYSTEM = "https://codesystem.x12.org/005010/901";
const IDENTIFIER_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0203";

/** X12 service type 30: the plan's coverage and general benefits. */
const HEALTH_BENEFIT_PLAN_COVERAGE: Coding = {
  system: X12_SERVICE_TYPE_SYSTEM,
  code: "30",
  display: "Health Benefit Plan Coverage",
};

// The ids of the contained resources Haven writes. Readers never rely on them: they follow
// the references.
const PATIENT_ID = "patient";
const INSURER_ID = "insurer";
const PROVIDER_ID = "provider";
const COVERAGE_ID = "coverage";

/**
 * The error codes the sandbox payer can answer with (`toCoverageEligibilityErrorResponse`),
 * with their code systems' displays. What each X12 code means for Haven (not found, try
 * later, refused) and the words shown for it are the X12 adapter's (`../x12/aaa-reasons`),
 * so a patient reads the same sentence whichever way their payer is reached.
 */
export const ELIGIBILITY_ERRORS = {
  missingIdentifier: { system: ADJUDICATION_ERROR_SYSTEM, code: "a001", display: "Missing Identifier" },
  missingCreationDate: { system: ADJUDICATION_ERROR_SYSTEM, code: "a002", display: "Missing Creation Date" },
  requiredDataMissing: {
    system: X12_REJECT_REASON_SYSTEM,
    code: "15",
    display: "Required application data missing",
  },
  accessRestricted: {
    system: X12_REJECT_REASON_SYSTEM,
    code: "41",
    display: "Authorization/Access Restrictions",
  },
  unableToRespondNow: {
    system: X12_REJECT_REASON_SYSTEM,
    code: "42",
    display: "Unable to Respond at Current Time",
  },
  invalidProvider: {
    system: X12_REJECT_REASON_SYSTEM,
    code: "43",
    display: "Invalid/Missing Provider Identification",
  },
  invalidServiceDate: {
    system: X12_REJECT_REASON_SYSTEM,
    code: "57",
    display: "Invalid/Missing Date(s) of Service",
  },
  invalidDateOfBirth: {
    system: X12_REJECT_REASON_SYSTEM,
    code: "58",
    display: "Invalid/Missing Date-of-Birth",
  },
  dateOfBirthMismatch: {
    system: X12_REJECT_REASON_SYSTEM,
    code: "71",
    display: "Patient Birth Date Does Not Match That for the Patient on the Database",
  },
  invalidMemberId: {
    system: X12_REJECT_REASON_SYSTEM,
    code: "72",
    display: "Invalid/Missing Subscriber/Insured ID",
  },
  invalidSubscriberName: {
    system: X12_REJECT_REASON_SYSTEM,
    code: "73",
    display: "Invalid/Missing Subscriber/Insured Name",
  },
  subscriberNotFound: {
    system: X12_REJECT_REASON_SYSTEM,
    code: "75",
    display: "Subscriber/Insured Not Found",
  },
  invalidParticipant: {
    system: X12_REJECT_REASON_SYSTEM,
    code: "79",
    display: "Invalid Participant Identification",
  },
  noResponse: {
    system: X12_REJECT_REASON_SYSTEM,
    code: "80",
    display: "No Response received - Transaction Terminated",
  },
} as const satisfies Record<string, { system: string; code: string; display: string }>;

export type EligibilityErrorName = keyof typeof ELIGIBILITY_ERRORS;
type ErrorCoding = { system: string; code: string; display?: string };

/** HL7's adjudication-error codes in Haven's words (the X12 ones are in ../x12/aaa-reasons). */
const ADJUDICATION_ERROR_REASONS: Readonly<Record<string, string>> = {
  a001: "Missing identifier.",
  a002: "Missing creation date.",
};

// ---------------------------------------------------------------------------------------------
// Haven → payer: the request

/** The CoverageEligibilityRequest Haven sends for `request`, stamped `created`. */
export function toCoverageEligibilityRequest(
  request: EligibilityRequest,
  created: Date,
): CoverageEligibilityRequest {
  return {
    resourceType: "CoverageEligibilityRequest",
    contained: [
      patientOf(request),
      insurerOf(request),
      providerOf(request),
      coverageOf(request.subscriber.memberId, request.subscriber.groupNumber),
    ],
    identifier: [{ system: HAVEN_REFERENCE_SYSTEM, value: request.traceNumber }],
    status: "active",
    purpose: ["benefits", "validation"],
    patient: { reference: `#${PATIENT_ID}` },
    servicedDate: request.serviceDate,
    created: created.toISOString(),
    provider: { reference: `#${PROVIDER_ID}` },
    insurer: { reference: `#${INSURER_ID}` },
    insurance: [{ focal: true, coverage: { reference: `#${COVERAGE_ID}` } }],
    item: [{ category: { coding: [HEALTH_BENEFIT_PLAN_COVERAGE] } }],
  };
}

function patientOf(request: EligibilityRequest): Patient {
  const { firstName, lastName, dateOfBirth } = request.subscriber;
  return {
    resourceType: "Patient",
    id: PATIENT_ID,
    name: [{ family: lastName, given: [firstName] }],
    birthDate: dateOfBirth,
  };
}

function insurerOf(request: EligibilityRequest): Organization {
  return {
    resourceType: "Organization",
    id: INSURER_ID,
    identifier: [
      {
        type: {
          coding: [
            {
              system: IDENTIFIER_TYPE_SYSTEM,
              code: "NIIP",
              display: "National Insurance Payor Identifier (Payor)",
            },
          ],
        },
        system: HAVEN_PAYER_SYSTEM,
        value: request.payer.id,
      },
    ],
    name: request.payer.name,
  };
}

function providerOf(request: EligibilityRequest): Organization {
  return {
    resourceType: "Organization",
    id: PROVIDER_ID,
    identifier: [{ system: NPI_SYSTEM, value: request.provider.npi }],
    name: request.provider.name,
  };
}

/** Haven asks about the subscriber themself, so the beneficiary is the subscriber ("self"). */
function coverageOf(memberId: string, groupNumber: string | undefined): Coverage {
  return {
    resourceType: "Coverage",
    id: COVERAGE_ID,
    status: "active",
    subscriberId: memberId,
    beneficiary: { reference: `#${PATIENT_ID}` },
    relationship: { coding: [{ system: SUBSCRIBER_RELATIONSHIP_SYSTEM, code: "self" }] },
    payor: [{ reference: `#${INSURER_ID}` }],
    ...(groupNumber === undefined
      ? {}
      : {
          class: [
            { type: { coding: [{ system: COVERAGE_CLASS_SYSTEM, code: "group" }] }, value: groupNumber },
          ],
        }),
  };
}

// ---------------------------------------------------------------------------------------------
// payer side: reading a request

const text = (what: string) =>
  z
    .string({ error: `${what} is missing` })
    .trim()
    .min(1, `${what} is empty`);
const fhirDate = (what: string) =>
  z
    .string({ error: `${what} is missing` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${what} must be a full date (YYYY-MM-DD)`)
    .refine(isCalendarDate, `${what} is not a calendar date`);

const codingSchema = z.object({ system: z.string().optional(), code: z.string().optional() });
const codeableConceptSchema = z.object({ coding: z.array(codingSchema).optional() });
const referenceSchema = z.object({
  reference: z.string().optional(),
  identifier: z.object({ system: z.string().optional(), value: z.string().optional() }).optional(),
  display: z.string().optional(),
});
const identifierSchema = z.object({
  system: z.string().optional(),
  value: z.string().optional(),
  type: codeableConceptSchema.optional(),
});
const containedSchema = z
  .array(z.looseObject({ resourceType: z.string(), id: z.string().optional() }))
  .optional();

const requestSchema = z.object({
  resourceType: z.literal("CoverageEligibilityRequest", {
    error: "resourceType must be CoverageEligibilityRequest",
  }),
  contained: containedSchema,
  identifier: z.array(identifierSchema).optional(),
  servicedDate: z.string().optional(),
  servicedPeriod: z.object({ start: z.string().optional() }).optional(),
  created: z
    .string({ error: "created is missing" })
    .regex(/^\d{4}-\d{2}-\d{2}/, "created must start with a date"),
  patient: referenceSchema.optional(),
  provider: referenceSchema.optional(),
  insurer: referenceSchema.optional(),
  insurance: z
    .array(z.object({ focal: z.boolean().optional(), coverage: referenceSchema }), {
      error: "insurance is missing",
    })
    .min(1, "insurance is missing"),
});

const patientSchema = z.object({
  name: z
    .array(z.object({ family: z.string().optional(), given: z.array(z.string()).optional() }), {
      error: "name is missing",
    })
    .min(1, "name is missing"),
  birthDate: fhirDate("birthDate"),
});
const organizationSchema = z.object({ identifier: z.array(identifierSchema).optional(), name: text("name") });
const coverageSchema = z.object({
  subscriberId: text("subscriberId (the member ID)"),
  class: z
    .array(z.object({ type: codeableConceptSchema.optional(), value: z.string().optional() }))
    .optional(),
});

/**
 * What a payer reads from a CoverageEligibilityRequest (the sandbox payer uses it). Reads the
 * contained resources the references point to; rejects with PayerError("rejected") naming
 * every element that is missing or malformed, never their values.
 */
export function fromCoverageEligibilityRequest(resource: unknown): EligibilityRequest {
  const request = parseOrReject(requestSchema, resource, "The CoverageEligibilityRequest");
  const contained = request.contained ?? [];
  const problems: string[] = [];

  const traceNumber =
    request.identifier?.find((identifier) => identifier.system === HAVEN_REFERENCE_SYSTEM)?.value?.trim() ||
    request.identifier?.find((identifier) => identifier.value?.trim())?.value?.trim();
  if (!traceNumber) problems.push("identifier (the request's reference number) is missing");

  // R4: without a serviced date the question is about "now", the request's creation date.
  const serviceDate =
    request.servicedDate ?? request.servicedPeriod?.start?.slice(0, 10) ?? request.created.slice(0, 10);
  if (!isFhirDate(serviceDate)) problems.push("servicedDate must be a full date (YYYY-MM-DD)");

  const patient = resolve(contained, request.patient, "patient", "Patient", patientSchema, problems);
  const insurer = resolve(
    contained,
    request.insurer,
    "insurer",
    "Organization",
    organizationSchema,
    problems,
  );
  const provider = resolve(
    contained,
    request.provider,
    "provider",
    "Organization",
    organizationSchema,
    problems,
  );
  const focal = request.insurance.find((insurance) => insurance.focal) ?? request.insurance[0];
  const coverage = resolve(
    contained,
    focal?.coverage,
    "insurance.coverage",
    "Coverage",
    coverageSchema,
    problems,
  );

  const name = patient?.name.find(
    (candidate) => candidate.family?.trim() && candidate.given?.some((g) => g.trim()),
  );
  if (patient && !name) problems.push("patient: a name with family and given names is missing");
  const payerId = insurer && identifierValue(insurer.identifier, HAVEN_PAYER_SYSTEM, "NIIP");
  if (insurer && !payerId)
    problems.push(`insurer: identifier (system ${HAVEN_PAYER_SYSTEM}, or type NIIP) is missing`);
  const npi = provider && identifierValue(provider.identifier, NPI_SYSTEM);
  if (provider && !npi) problems.push(`provider: identifier (system ${NPI_SYSTEM}) is missing`);
  else if (npi && !/^\d{10}$/.test(npi)) problems.push("provider: the NPI must be 10 digits");

  const lastName = name?.family?.trim();
  if (
    problems.length > 0 ||
    !traceNumber ||
    !patient ||
    !lastName ||
    !insurer ||
    !payerId ||
    !provider ||
    !npi ||
    !coverage
  ) {
    throw new PayerError("rejected", `The CoverageEligibilityRequest is not valid: ${problems.join("; ")}.`);
  }
  const groupNumber = groupNumberOf(coverage.class);
  return {
    traceNumber,
    payer: { id: payerId, name: insurer.name },
    provider: { npi, name: provider.name },
    subscriber: {
      memberId: coverage.subscriberId,
      ...(groupNumber === undefined ? {} : { groupNumber }),
      firstName: (name?.given ?? [])
        .map((given) => given.trim())
        .filter(Boolean)
        .join(" "),
      lastName,
      dateOfBirth: patient.birthDate,
    },
    serviceDate,
  };
}

// ---------------------------------------------------------------------------------------------
// payer → Haven: the response

/** The CoverageEligibilityResponse a payer gives for `request` when it has an answer. */
export function toCoverageEligibilityResponse(
  request: EligibilityRequest,
  result: EligibilityResult,
  created: Date,
): CoverageEligibilityResponse {
  if (result.status === "not_found") {
    const code = subscriberNotFoundCode(result.reason);
    const known = Object.values(ELIGIBILITY_ERRORS).find(
      (error) => error.system === X12_REJECT_REASON_SYSTEM && error.code === code,
    );
    return errorResponse(
      request,
      known ?? { system: X12_REJECT_REASON_SYSTEM, code },
      created,
      result.reason,
    );
  }
  const insurance: CoverageEligibilityResponseInsurance = {
    coverage: {
      reference: `#${COVERAGE_ID}`,
      ...(result.planName === undefined ? {} : { display: result.planName }),
    },
    inforce: result.status === "active",
  };
  const start = result.status === "active" ? result.coverageStart : undefined;
  if (start !== undefined || result.coverageEnd !== undefined) {
    insurance.benefitPeriod = {
      ...(start === undefined ? {} : { start }),
      ...(result.coverageEnd === undefined ? {} : { end: result.coverageEnd }),
    };
  }
  const benefits = result.status === "active" ? benefitsOf(result.copay, result.coinsurancePercent) : [];
  if (benefits.length > 0)
    insurance.item = [{ category: { coding: [HEALTH_BENEFIT_PLAN_COVERAGE] }, benefit: benefits }];

  return {
    ...responseEnvelope(request, created, result.status === "active" ? result.groupNumber : undefined),
    outcome: "complete",
    disposition: result.status === "active" ? "Policy is currently in-force." : "Policy is not in-force.",
    insurance: [insurance],
  };
}

/**
 * The CoverageEligibilityResponse of a payer that could not answer (outcome "error"), for the
 * sandbox payer. A timeout has no response: it is the absence of one.
 */
export function toCoverageEligibilityErrorResponse(
  request: EligibilityRequest,
  error: EligibilityErrorName,
  created: Date,
): CoverageEligibilityResponse {
  return errorResponse(
    request,
    ELIGIBILITY_ERRORS[error],
    created,
    "Eligibility request could not be processed.",
  );
}

function errorResponse(
  request: EligibilityRequest,
  error: ErrorCoding,
  created: Date,
  disposition: string,
): CoverageEligibilityResponse {
  return {
    ...responseEnvelope(request, created, null),
    outcome: "error",
    disposition,
    error: [{ code: { coding: [{ ...error }] } }],
  };
}

/**
 * What every response carries: who and what it answers. `groupNumber` null leaves the
 * Coverage out (an error answers nothing about it).
 */
function responseEnvelope(
  request: EligibilityRequest,
  created: Date,
  groupNumber: string | undefined | null,
) {
  return {
    resourceType: "CoverageEligibilityResponse" as const,
    contained: [
      patientOf(request),
      insurerOf(request),
      providerOf(request),
      ...(groupNumber === null ? [] : [coverageOf(request.subscriber.memberId, groupNumber)]),
    ],
    status: "active" as const,
    purpose: ["benefits" as const, "validation" as const],
    patient: { reference: `#${PATIENT_ID}` },
    servicedDate: request.serviceDate,
    created: created.toISOString(),
    requestor: { reference: `#${PROVIDER_ID}` },
    request: { identifier: { system: HAVEN_REFERENCE_SYSTEM, value: request.traceNumber } },
    insurer: { reference: `#${INSURER_ID}` },
  };
}

function benefitsOf(
  copay: MoneyAmount | undefined,
  coinsurancePercent: number | undefined,
): CoverageEligibilityResponseInsuranceItemBenefit[] {
  const benefits: CoverageEligibilityResponseInsuranceItemBenefit[] = [];
  if (copay) {
    benefits.push({
      type: { coding: [{ system: BENEFIT_TYPE_SYSTEM, code: "copay" }] },
      allowedMoney: {
        value: copay.amountMinor / 10 ** currencyExponent(copay.currency),
        currency: copay.currency,
      },
    });
  }
  if (coinsurancePercent !== undefined) {
    benefits.push({
      type: { coding: [{ system: BENEFIT_TYPE_SYSTEM, code: "copay-percent" }] },
      // unsignedInt holds whole percents; a fraction (12.5 %) travels as allowedString.
      ...(Number.isInteger(coinsurancePercent) && coinsurancePercent >= 0
        ? { allowedUnsignedInt: coinsurancePercent }
        : { allowedString: String(coinsurancePercent) }),
    });
  }
  return benefits;
}

// ---------------------------------------------------------------------------------------------
// Haven side: reading a response

const benefitSchema = z.object({
  type: codeableConceptSchema,
  allowedUnsignedInt: z.number().optional(),
  allowedString: z.string().optional(),
  allowedMoney: z.object({ value: z.number().optional(), currency: z.string().optional() }).optional(),
});
const responseItemSchema = z.object({
  category: codeableConceptSchema.optional(),
  excluded: z.boolean().optional(),
  benefit: z.array(benefitSchema).optional(),
});
const responseSchema = z.object({
  resourceType: z.literal("CoverageEligibilityResponse", {
    error: "resourceType must be CoverageEligibilityResponse",
  }),
  contained: containedSchema,
  request: referenceSchema.optional(),
  outcome: z.enum(["queued", "complete", "error", "partial"], {
    error: "outcome must be one of queued, complete, error, partial",
  }),
  insurance: z
    .array(
      z.object({
        coverage: referenceSchema,
        inforce: z.boolean().optional(),
        benefitPeriod: z.object({ start: z.string().optional(), end: z.string().optional() }).optional(),
        item: z.array(responseItemSchema).optional(),
      }),
    )
    .optional(),
  error: z.array(z.object({ code: codeableConceptSchema })).optional(),
});
const responseCoverageSchema = z.object({
  class: z
    .array(z.object({ type: codeableConceptSchema.optional(), value: z.string().optional() }))
    .optional(),
});

/**
 * Haven's reading of a payer's CoverageEligibilityResponse: the trace number it answers (from
 * `request.identifier`) and the result. Rejects with PayerError: "unavailable" when the payer
 * says to try later (or has only queued the request), "rejected" for any other error or an
 * answer that cannot be read.
 */
export function fromCoverageEligibilityResponse(resource: unknown): {
  traceNumber: string;
  result: EligibilityResult;
} {
  const response = parseOrReject(responseSchema, resource, "The payer's CoverageEligibilityResponse");
  const traceNumber = response.request?.identifier?.value?.trim();
  if (!traceNumber) {
    throw new PayerError(
      "rejected",
      "The payer's CoverageEligibilityResponse is not valid: request.identifier (Haven's reference number) is missing.",
    );
  }
  if (response.outcome === "queued") {
    throw new PayerError(
      "unavailable",
      "The payer has queued the request and not answered yet. Try again shortly.",
    );
  }
  if (response.outcome === "error") return { traceNumber, result: resultOfErrors(response.error ?? []) };

  const insurance = response.insurance?.[0];
  if (!insurance || insurance.inforce === undefined) {
    throw new PayerError(
      "rejected",
      "The payer's CoverageEligibilityResponse is not valid: insurance[0].inforce (whether the coverage is in force) is missing.",
    );
  }
  const planName = insurance.coverage.display?.trim() || undefined;
  const start = dateOf(insurance.benefitPeriod?.start, "insurance[0].benefitPeriod.start");
  const end = dateOf(insurance.benefitPeriod?.end, "insurance[0].benefitPeriod.end");
  if (!insurance.inforce) {
    return {
      traceNumber,
      result: {
        status: "inactive",
        ...(planName === undefined ? {} : { planName }),
        ...(end === undefined ? {} : { coverageEnd: end }),
      },
    };
  }

  const coverage = insurance.coverage.reference?.startsWith("#")
    ? containedResource(response.contained ?? [], insurance.coverage.reference, "Coverage")
    : undefined;
  const groupNumber = coverage
    ? groupNumberOf(parseOrReject(responseCoverageSchema, coverage, "The payer's Coverage").class)
    : undefined;
  const benefits = (insurance.item ?? [])
    .filter((item) => !item.excluded && isHealthBenefitPlanCoverage(item.category))
    .flatMap((item) => item.benefit ?? []);
  const copay = copayOf(benefits.find((benefit) => hasBenefitType(benefit, "copay") && benefit.allowedMoney));
  const coinsurancePercent = percentOf(benefits.find((benefit) => hasBenefitType(benefit, "copay-percent")));
  return {
    traceNumber,
    result: {
      status: "active",
      ...(planName === undefined ? {} : { planName }),
      ...(groupNumber === undefined ? {} : { groupNumber }),
      ...(start === undefined ? {} : { coverageStart: start }),
      ...(end === undefined ? {} : { coverageEnd: end }),
      ...(copay === undefined ? {} : { copay }),
      ...(coinsurancePercent === undefined ? {} : { coinsurancePercent }),
    },
  };
}

/**
 * An error outcome. "Subscriber not found" (X12 58, 71, 72, 73, 75) is an answer; "try later"
 * (X12 42, 80) a retryable PayerError; anything else a refusal, in Haven's words for the
 * first code, never the payer's display text.
 */
function resultOfErrors(
  errors: readonly { code: z.infer<typeof codeableConceptSchema> }[],
): EligibilityResult {
  const codings = errors.flatMap((error) => error.code.coding ?? []).filter((coding) => coding.code?.trim());
  const x12Codes = codings
    .filter((coding) => coding.system === X12_REJECT_REASON_SYSTEM)
    .map((coding) => coding.code?.trim() ?? "");
  const notFound = x12Codes.find(isSubscriberNotFoundCode);
  if (notFound) return { status: "not_found", reason: SUBSCRIBER_NOT_FOUND_REASONS[notFound] };
  const unavailable = x12Codes.find((code) => Object.hasOwn(PAYER_UNAVAILABLE_REASONS, code));
  if (unavailable) throw new PayerError("unavailable", describeRejectReason(unavailable));

  const first = codings[0];
  const code = first?.code?.trim() ?? "";
  if (!first) throw new PayerError("rejected", "The payer refused the request without saying why.");
  if (first.system === X12_REJECT_REASON_SYSTEM && PAYER_REJECTION_REASONS[code]) {
    throw new PayerError("rejected", describeRejectReason(code));
  }
  const adjudication =
    first.system === ADJUDICATION_ERROR_SYSTEM ? ADJUDICATION_ERROR_REASONS[code] : undefined;
  if (adjudication) throw new PayerError("rejected", `The payer refused the request: ${adjudication}`);
  // An unknown code is named for support, if it looks like a code and not like free text.
  throw new PayerError(
    "rejected",
    /^[A-Za-z0-9.-]{1,12}$/.test(code)
      ? `The payer refused the request (error code ${code}).`
      : "The payer refused the request.",
  );
}

function copayOf(benefit: z.infer<typeof benefitSchema> | undefined): MoneyAmount | undefined {
  const money = benefit?.allowedMoney;
  if (!money) return undefined;
  const currency = money.currency?.trim().toUpperCase();
  if (!currency || !isCurrency(currency)) {
    throw new PayerError(
      "rejected",
      "The payer's CoverageEligibilityResponse is not valid: the copay's currency is missing or not an ISO 4217 code.",
    );
  }
  const amountMinor = money.value === undefined ? null : parseMajorAmount(String(money.value), currency);
  if (amountMinor === null) {
    throw new PayerError(
      "rejected",
      `The payer's CoverageEligibilityResponse is not valid: the copay must be a non-negative amount with at most ${currencyExponent(currency)} decimals in ${currency}.`,
    );
  }
  return { amountMinor, currency };
}

function percentOf(benefit: z.infer<typeof benefitSchema> | undefined): number | undefined {
  if (!benefit) return undefined;
  const percent =
    benefit.allowedUnsignedInt ??
    (benefit.allowedString !== undefined && /^\d+(\.\d+)?$/.test(benefit.allowedString.trim())
      ? Number(benefit.allowedString.trim())
      : undefined);
  if (percent === undefined || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new PayerError(
      "rejected",
      "The payer's CoverageEligibilityResponse is not valid: the copay-percent benefit must be a percentage from 0 to 100.",
    );
  }
  return percent;
}

function hasBenefitType(benefit: z.infer<typeof benefitSchema>, code: string): boolean {
  return (benefit.type.coding ?? []).some(
    (coding) =>
      coding.code === code && (coding.system === undefined || coding.system === BENEFIT_TYPE_SYSTEM),
  );
}

function isHealthBenefitPlanCoverage(category: z.infer<typeof codeableConceptSchema> | undefined): boolean {
  return (category?.coding ?? []).some(
    (coding) =>
      coding.code === "30" &&
      (coding.system === X12_SERVICE_TYPE_SYSTEM || coding.system === EXAMPLE_BENEFIT_CATEGORY_SYSTEM),
  );
}

/** A Period bound as a date: R4 allows a dateTime, Haven keeps the day it falls on. */
function dateOf(value: string | undefined, where: string): string | undefined {
  if (value === undefined) return undefined;
  const date = value.slice(0, 10);
  if (!isFhirDate(date)) {
    throw new PayerError(
      "rejected",
      `The payer's CoverageEligibilityResponse is not valid: ${where} must be a full date (YYYY-MM-DD).`,
    );
  }
  return date;
}

// ---------------------------------------------------------------------------------------------
// shared helpers

function groupNumberOf(
  classes: readonly { type?: z.infer<typeof codeableConceptSchema>; value?: string }[] | undefined,
): string | undefined {
  const group = classes?.find((entry) =>
    (entry.type?.coding ?? []).some(
      (coding) =>
        coding.code === "group" && (coding.system ?? COVERAGE_CLASS_SYSTEM) === COVERAGE_CLASS_SYSTEM,
    ),
  );
  return group?.value?.trim() || undefined;
}

function identifierValue(
  identifiers: readonly z.infer<typeof identifierSchema>[] | undefined,
  system: string,
  typeCode?: string,
): string | undefined {
  const bySystem = identifiers?.find(
    (identifier) => identifier.system === system && identifier.value?.trim(),
  );
  const byType =
    typeCode === undefined
      ? undefined
      : identifiers?.find(
          (identifier) =>
            identifier.value?.trim() &&
            (identifier.type?.coding ?? []).some(
              (coding) => coding.system === IDENTIFIER_TYPE_SYSTEM && coding.code === typeCode,
            ),
        );
  return (bySystem ?? byType)?.value?.trim();
}

type Contained = { resourceType: string; id?: string | undefined };

/** The contained resource a local reference ("#id") points to, or undefined. */
function containedResource(contained: readonly Contained[], reference: string, resourceType: string) {
  const id = reference.slice(1);
  return contained.find((resource) => resource.id === id && resource.resourceType === resourceType);
}

/**
 * Follows `reference` to a contained resource of `resourceType` and validates it, adding what
 * is wrong to `problems` (labelled by the referring element) instead of throwing, so one
 * rejection lists every problem.
 */
function resolve<T>(
  contained: readonly Contained[],
  reference: z.infer<typeof referenceSchema> | undefined,
  element: string,
  resourceType: string,
  schema: z.ZodType<T>,
  problems: string[],
): T | undefined {
  if (!reference?.reference) {
    problems.push(`${element} is missing`);
    return undefined;
  }
  if (!reference.reference.startsWith("#")) {
    problems.push(`${element} must reference a contained ${resourceType} ("#id")`);
    return undefined;
  }
  const target = containedResource(contained, reference.reference, resourceType);
  if (!target) {
    problems.push(`${element}: no contained ${resourceType} has the id it references`);
    return undefined;
  }
  const parsed = schema.safeParse(target);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => `${element}: ${describeIssue(issue)}`));
    return undefined;
  }
  return parsed.data;
}

/** Parses or rejects with every issue, each naming the element (never its value). */
function parseOrReject<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new PayerError(
    "rejected",
    `${what} is not valid: ${parsed.error.issues.map(describeIssue).join("; ")}.`,
  );
}

/**
 * One issue in words: our own messages already name their element ("birthDate is missing");
 * zod's generic ones get the path in front. zod 4's messages never quote the input.
 */
function describeIssue(issue: z.core.$ZodIssue): string {
  const last = issue.path.at(-1);
  if (issue.path.length === 0 || (typeof last === "string" && issue.message.startsWith(last)))
    return issue.message;
  return `${pathOf(issue.path)}: ${issue.message}`;
}

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === "number" ? `[${part}]` : `${index === 0 ? "" : "."}${String(part)}`,
    )
    .join("");
}

function isFhirDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && isCalendarDate(value);
}

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
