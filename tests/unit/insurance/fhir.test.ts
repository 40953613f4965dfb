// The FHIR R4 eligibility mapper: what Haven sends a FHIR payer, what the sandbox payer reads
// and answers, and what Haven makes of an answer. Round trips prove nothing is lost on the
// way; the hand-written samples after the spec's examples (tests/fixtures/fhir/README.md)
// prove Haven reads what a real payer writes, not only its own output.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Coverage, Organization, Patient, Resource } from "fhir/r4";
import { describe, expect, it } from "vitest";
import {
  ADJUDICATION_ERROR_SYSTEM,
  BENEFIT_TYPE_SYSTEM,
  ELIGIBILITY_ERRORS,
  HAVEN_PAYER_SYSTEM,
  HAVEN_REFERENCE_SYSTEM,
  NPI_SYSTEM,
  X12_REJECT_REASON_SYSTEM,
  X12_SERVICE_TYPE_SYSTEM,
  fromCoverageEligibilityRequest,
  fromCoverageEligibilityResponse,
  toCoverageEligibilityErrorResponse,
  toCoverageEligibilityRequest,
  toCoverageEligibilityResponse,
  type EligibilityErrorName,
} from "@/lib/domain/insurance/fhir/coverage-eligibility";
import {
  PayerError,
  type EligibilityRequest,
  type EligibilityResult,
} from "@/lib/domain/insurance/payers/types";
import { SUBSCRIBER_NOT_FOUND_REASONS } from "@/lib/domain/insurance/x12/aaa-reasons";

const created = new Date("2026-12-02T09:30:00.000Z");

const request: EligibilityRequest = {
  traceNumber: "HVN-7f3c2a",
  payer: { id: "AETNA01", name: "Aetna" },
  provider: { npi: "1234567893", name: "Haven Clinic" },
  subscriber: {
    memberId: "W123456789",
    groupNumber: "GRP-0042",
    firstName: "Mary Ann",
    lastName: "O'Neil",
    dateOfBirth: "1985-03-14",
  },
  serviceDate: "2026-12-03",
};
const { groupNumber: _omitted, ...subscriberWithoutGroup } = request.subscriber;
const requestWithoutGroup: EligibilityRequest = { ...request, subscriber: subscriberWithoutGroup };

function fixture(name: string): unknown {
  return JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../fixtures/fhir", name), "utf8"));
}

/** What the other side receives: the resource through JSON. */
function overTheWire<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A resource as a faulty sender may write it: any element, any value. */
function untyped(value: object): Record<string, unknown> {
  return value as Record<string, unknown>;
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("the test resource lacks an element the test changes");
  return value;
}

function payerErrorOf(run: () => unknown): PayerError {
  try {
    run();
  } catch (error) {
    if (error instanceof PayerError) return error;
    throw error;
  }
  throw new Error("expected a PayerError, nothing was thrown");
}

function contained<T extends Resource>(
  resource: { contained?: Resource[] },
  reference: string | undefined,
): T {
  expect(reference, "a local reference").toMatch(/^#/);
  const found = resource.contained?.find((candidate) => `#${candidate.id}` === reference);
  expect(found, `contained ${reference}`).toBeDefined();
  return found as T;
}

/** Every local reference anywhere in the resource. */
function localReferences(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(localReferences);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) =>
      key === "reference" && typeof inner === "string" && inner.startsWith("#")
        ? [inner]
        : localReferences(inner),
    );
  }
  return [];
}

describe("toCoverageEligibilityRequest", () => {
  const resource = toCoverageEligibilityRequest(request, created);

  it("asks for benefits and validation of the coverage on the service date, under Haven's trace number", () => {
    expect(resource.resourceType).toBe("CoverageEligibilityRequest");
    expect(resource.status).toBe("active");
    expect(resource.purpose).toEqual(["benefits", "validation"]);
    expect(resource.identifier).toEqual([{ system: HAVEN_REFERENCE_SYSTEM, value: "HVN-7f3c2a" }]);
    expect(resource.servicedDate).toBe("2026-12-03");
    expect(resource.created).toBe("2026-12-02T09:30:00.000Z");
    expect(resource.item).toEqual([
      {
        category: {
          coding: [{ system: X12_SERVICE_TYPE_SYSTEM, code: "30", display: "Health Benefit Plan Coverage" }],
        },
      },
    ]);
  });

  it("carries the subscriber, the insurer, the clinic and the coverage as contained resources", () => {
    const patient = contained<Patient>(resource, resource.patient.reference);
    expect(patient.resourceType).toBe("Patient");
    expect(patient.name).toEqual([{ family: "O'Neil", given: ["Mary Ann"] }]);
    expect(patient.birthDate).toBe("1985-03-14");

    const insurer = contained<Organization>(resource, resource.insurer.reference);
    expect(insurer.resourceType).toBe("Organization");
    expect(insurer.name).toBe("Aetna");
    expect(insurer.identifier?.[0]).toMatchObject({ system: HAVEN_PAYER_SYSTEM, value: "AETNA01" });

    const provider = contained<Organization>(resource, resource.provider?.reference);
    expect(provider.name).toBe("Haven Clinic");
    expect(provider.identifier).toEqual([{ system: NPI_SYSTEM, value: "1234567893" }]);

    expect(resource.insurance).toHaveLength(1);
    expect(resource.insurance?.[0]?.focal).toBe(true);
    const coverage = contained<Coverage>(resource, resource.insurance?.[0]?.coverage.reference);
    expect(coverage.resourceType).toBe("Coverage");
    expect(coverage.status).toBe("active");
    expect(coverage.subscriberId).toBe("W123456789");
    expect(coverage.beneficiary.reference).toBe(resource.patient.reference);
    expect(coverage.payor).toEqual([{ reference: resource.insurer.reference }]);
    expect(coverage.class).toEqual([
      {
        type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/coverage-class", code: "group" }] },
        value: "GRP-0042",
      },
    ]);
  });

  it("follows R4's rules for contained resources: each is referenced, each reference resolves", () => {
    const references = new Set(localReferences(resource));
    const ids = (resource.contained ?? []).map((entry) => `#${entry.id}`);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...references].sort()).toEqual([...ids].sort());
  });

  it("leaves the group class out when there is no group number", () => {
    const withoutGroup = toCoverageEligibilityRequest(requestWithoutGroup, created);
    const coverage = contained<Coverage>(withoutGroup, withoutGroup.insurance?.[0]?.coverage.reference);
    expect(coverage.class).toBeUndefined();
  });

  it("is plain JSON (what goes on the wire is what the payer reads)", () => {
    expect(JSON.parse(JSON.stringify(resource))).toStrictEqual(resource);
  });
});

describe("fromCoverageEligibilityRequest", () => {
  it.each([
    ["with a group number", request],
    ["without a group number", requestWithoutGroup],
  ])("reads back what Haven sends, %s", (_label, value) => {
    const wire = overTheWire(toCoverageEligibilityRequest(value, created));
    expect(fromCoverageEligibilityRequest(wire)).toStrictEqual(value);
  });

  it("reads the spec's example 52345 with its references made contained", () => {
    expect(fromCoverageEligibilityRequest(fixture("coverage-eligibility-request-52345.json"))).toStrictEqual({
      // No Haven reference number: the request's own business identifier is the trace.
      traceNumber: "52345",
      // Found by its identifier type NIIP, not Haven's system.
      payer: { id: "BENINC01", name: "Benefits Inc." },
      provider: { npi: "1234567893", name: "Happy Valley Clinic" },
      subscriber: {
        memberId: "12345",
        // The group class, not the plan class before it.
        groupNumber: "CB135",
        // The official name; every given name, in order.
        firstName: "Peter James",
        lastName: "Chalmers",
        dateOfBirth: "1974-12-25",
      },
      // No servicedDate: R4 means "now", the day the request was created.
      serviceDate: "2014-08-16",
    } satisfies EligibilityRequest);
  });

  it("takes the start of a servicedPeriod when there is no servicedDate", () => {
    const wire = overTheWire(toCoverageEligibilityRequest(request, created));
    delete wire.servicedDate;
    wire.servicedPeriod = { start: "2026-12-10T08:00:00-05:00", end: "2026-12-10T09:00:00-05:00" };
    expect(fromCoverageEligibilityRequest(wire).serviceDate).toBe("2026-12-10");
  });

  it("prefers Haven's reference number over other identifiers", () => {
    const wire = overTheWire(toCoverageEligibilityRequest(request, created));
    wire.identifier = [{ system: "urn:other", value: "OTHER-1" }, ...(wire.identifier ?? [])];
    expect(fromCoverageEligibilityRequest(wire).traceNumber).toBe("HVN-7f3c2a");
  });

  type Breakage = [label: string, breakIt: (resource: Record<string, unknown>) => void, message: RegExp];
  const contents = (resource: Record<string, unknown>, id: string) =>
    (resource.contained as Record<string, unknown>[]).find((entry) => entry.id === id) as Record<
      string,
      unknown
    >;
  const breakages: Breakage[] = [
    [
      "no identifier",
      (resource) => delete resource.identifier,
      /identifier \(the request's reference number\) is missing/,
    ],
    [
      "no birth date",
      (resource) => delete contents(resource, "patient").birthDate,
      /patient: birthDate is missing/,
    ],
    [
      "a partial birth date",
      (resource) => (contents(resource, "patient").birthDate = "1985-03"),
      /patient: birthDate must be a full date \(YYYY-MM-DD\)/,
    ],
    [
      "an impossible birth date",
      (resource) => (contents(resource, "patient").birthDate = "1985-02-30"),
      /patient: birthDate is not a calendar date/,
    ],
    [
      "a name without a family name",
      (resource) => (contents(resource, "patient").name = [{ given: ["Mary"] }]),
      /patient: a name with family and given names is missing/,
    ],
    [
      "no member id",
      (resource) => delete contents(resource, "coverage").subscriberId,
      /insurance\.coverage: subscriberId \(the member ID\) is missing/,
    ],
    [
      "a blank member id",
      (resource) => (contents(resource, "coverage").subscriberId = "  "),
      /subscriberId \(the member ID\) is empty/,
    ],
    ["no insurance", (resource) => delete resource.insurance, /insurance is missing/],
    [
      "an insurer on a server instead of contained",
      (resource) => (resource.insurer = { reference: "Organization/2" }),
      /insurer must reference a contained Organization \("#id"\)/,
    ],
    [
      "a reference to a contained resource that is not there",
      (resource) => (resource.patient = { reference: "#nobody" }),
      /patient: no contained Patient has the id it references/,
    ],
    ["no provider", (resource) => delete resource.provider, /provider is missing/],
    [
      "a provider without an NPI",
      (resource) => (contents(resource, "provider").identifier = []),
      /provider: identifier \(system http:\/\/hl7\.org\/fhir\/sid\/us-npi\) is missing/,
    ],
    [
      "an NPI that is not 10 digits",
      (resource) => (contents(resource, "provider").identifier = [{ system: NPI_SYSTEM, value: "12345" }]),
      /provider: the NPI must be 10 digits/,
    ],
    [
      "an insurer without a payer id",
      (resource) => (contents(resource, "insurer").identifier = []),
      /insurer: identifier .* is missing/,
    ],
    [
      "an insurer without a name",
      (resource) => delete contents(resource, "insurer").name,
      /insurer: name is missing/,
    ],
    ["no creation date", (resource) => delete resource.created, /created is missing/],
    [
      "a malformed service date",
      (resource) => (resource.servicedDate = "03/12/2026"),
      /servicedDate must be a full date/,
    ],
    [
      "another resource",
      (resource) => (resource.resourceType = "Claim"),
      /resourceType must be CoverageEligibilityRequest/,
    ],
  ];

  it.each(breakages)("refuses a request with %s, saying what is wrong", (_label, breakIt, message) => {
    const wire = untyped(overTheWire(toCoverageEligibilityRequest(request, created)));
    breakIt(wire);
    const error = payerErrorOf(() => fromCoverageEligibilityRequest(wire));
    expect(error.kind).toBe("rejected");
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^The CoverageEligibilityRequest is not valid: /);
    expect(error.message).toMatch(message);
    // The message names elements, never the member's details.
    for (const value of ["W123456789", "Mary Ann", "O'Neil", "1985-03-14", "GRP-0042"]) {
      expect(error.message).not.toContain(value);
    }
  });

  it("lists every problem at once", () => {
    const wire = untyped(overTheWire(toCoverageEligibilityRequest(request, created)));
    delete contents(wire, "patient").birthDate;
    delete contents(wire, "coverage").subscriberId;
    delete wire.identifier;
    const { message } = payerErrorOf(() => fromCoverageEligibilityRequest(wire));
    expect(message).toContain("patient: birthDate is missing");
    expect(message).toContain("subscriberId (the member ID) is missing");
    expect(message).toContain("identifier (the request's reference number) is missing");
  });

  it.each([null, "not json", 42, {}])("refuses %j with a readable message", (value) => {
    const error = payerErrorOf(() => fromCoverageEligibilityRequest(value));
    expect(error.kind).toBe("rejected");
    expect(error.message).toMatch(/^The CoverageEligibilityRequest is not valid: ./);
  });
});

describe("CoverageEligibilityResponse round trips", () => {
  const results: [label: string, result: EligibilityResult][] = [
    [
      "active with plan, group, period, copay and coinsurance",
      {
        status: "active",
        planName: "Aetna Choice POS II",
        groupNumber: "GRP-0042",
        coverageStart: "2026-01-01",
        coverageEnd: "2026-12-31",
        copay: { amountMinor: 2550, currency: "USD" },
        coinsurancePercent: 20,
      },
    ],
    ["active, nothing more", { status: "active" }],
    [
      "active with a copay in yen (no minor unit)",
      { status: "active", copay: { amountMinor: 1500, currency: "JPY" } },
    ],
    [
      "active with a copay in dinars (three decimals)",
      { status: "active", copay: { amountMinor: 2505, currency: "KWD" } },
    ],
    ["active with a zero copay", { status: "active", copay: { amountMinor: 0, currency: "INR" } }],
    ["active with a fractional coinsurance", { status: "active", coinsurancePercent: 12.5 }],
    ["active with no coinsurance share", { status: "active", coinsurancePercent: 0 }],
    [
      "inactive with plan and end",
      { status: "inactive", planName: "Aetna Choice POS II", coverageEnd: "2025-12-31" },
    ],
    ["inactive, nothing more", { status: "inactive" }],
    ...Object.entries(SUBSCRIBER_NOT_FOUND_REASONS).map(([code, reason]): [string, EligibilityResult] => [
      `not found (X12 ${code})`,
      { status: "not_found", reason },
    ]),
  ];

  it.each(results)("%s", (_label, result) => {
    const wire = overTheWire(toCoverageEligibilityResponse(request, result, created));
    expect(fromCoverageEligibilityResponse(wire)).toStrictEqual({ traceNumber: request.traceNumber, result });
  });

  it("writes the copay and coinsurance as R4 benefit types copay (Money) and copay-percent", () => {
    const resource = toCoverageEligibilityResponse(
      request,
      { status: "active", copay: { amountMinor: 2550, currency: "USD" }, coinsurancePercent: 20 },
      created,
    );
    expect(resource.outcome).toBe("complete");
    expect(resource.request).toEqual({
      identifier: { system: HAVEN_REFERENCE_SYSTEM, value: request.traceNumber },
    });
    const insurance = resource.insurance?.[0];
    expect(insurance?.inforce).toBe(true);
    expect(insurance?.item?.[0]?.category?.coding?.[0]).toMatchObject({
      system: X12_SERVICE_TYPE_SYSTEM,
      code: "30",
    });
    expect(insurance?.item?.[0]?.benefit).toEqual([
      {
        type: { coding: [{ system: BENEFIT_TYPE_SYSTEM, code: "copay" }] },
        allowedMoney: { value: 25.5, currency: "USD" },
      },
      { type: { coding: [{ system: BENEFIT_TYPE_SYSTEM, code: "copay-percent" }] }, allowedUnsignedInt: 20 },
    ]);
  });

  it("names the plan in insurance[0].coverage's display and the group on the contained Coverage", () => {
    const resource = toCoverageEligibilityResponse(
      request,
      { status: "active", planName: "Gold", groupNumber: "G-9", coverageStart: "2026-01-01" },
      created,
    );
    const coverageReference = resource.insurance?.[0]?.coverage;
    expect(coverageReference?.display).toBe("Gold");
    const coverage = contained<Coverage>(resource, coverageReference?.reference);
    expect(coverage.class?.[0]?.value).toBe("G-9");
    expect(resource.insurance?.[0]?.benefitPeriod).toEqual({ start: "2026-01-01" });
  });

  it("answers an inactive coverage with inforce false", () => {
    const resource = toCoverageEligibilityResponse(
      request,
      { status: "inactive", coverageEnd: "2025-12-31" },
      created,
    );
    expect(resource.outcome).toBe("complete");
    expect(resource.insurance?.[0]?.inforce).toBe(false);
    expect(resource.insurance?.[0]?.benefitPeriod).toEqual({ end: "2025-12-31" });
    expect(resource.insurance?.[0]?.item).toBeUndefined();
  });

  it("answers not found with outcome error and an X12 reject reason, and no Coverage", () => {
    const resource = toCoverageEligibilityResponse(
      request,
      { status: "not_found", reason: SUBSCRIBER_NOT_FOUND_REASONS["72"] },
      created,
    );
    expect(resource.outcome).toBe("error");
    expect(resource.insurance).toBeUndefined();
    expect(resource.error).toEqual([
      {
        code: {
          coding: [
            {
              system: X12_REJECT_REASON_SYSTEM,
              code: "72",
              display: "Invalid/Missing Subscriber/Insured ID",
            },
          ],
        },
      },
    ]);
    expect(resource.contained?.map((entry) => entry.resourceType)).not.toContain("Coverage");
    expect(new Set(localReferences(resource))).toEqual(
      new Set(resource.contained?.map((entry) => `#${entry.id}`)),
    );
  });

  it("codes a reason of its own as 75 (not found) and reads it back in Haven's words", () => {
    const resource = toCoverageEligibilityResponse(
      request,
      { status: "not_found", reason: "No such member." },
      created,
    );
    expect(resource.error?.[0]?.code.coding?.[0]?.code).toBe("75");
    expect(resource.disposition).toBe("No such member.");
    expect(fromCoverageEligibilityResponse(resource).result).toStrictEqual({
      status: "not_found",
      reason: SUBSCRIBER_NOT_FOUND_REASONS["75"],
    });
  });

  it.each<[EligibilityErrorName, PayerError["kind"], RegExp]>([
    ["unableToRespondNow", "unavailable", /^The payer cannot answer eligibility requests at the moment\.$/],
    ["noResponse", "unavailable", /^The payer did not receive a response in time and ended the request\.$/],
    ["missingIdentifier", "rejected", /^The payer refused the request: Missing identifier\.$/],
    ["missingCreationDate", "rejected", /^The payer refused the request: Missing creation date\.$/],
    [
      "invalidProvider",
      "rejected",
      /^The payer refused the request: Invalid or missing provider identification\.$/,
    ],
    ["accessRestricted", "rejected", /^The payer refused the request: Authorization\/access restrictions\.$/],
    [
      "invalidParticipant",
      "rejected",
      /^The payer refused the request: Invalid participant identification\.$/,
    ],
  ])("error %s becomes PayerError(%s)", (name, kind, message) => {
    const wire = overTheWire(toCoverageEligibilityErrorResponse(request, name, created));
    expect(wire.outcome).toBe("error");
    expect(wire.error?.[0]?.code.coding?.[0]).toMatchObject({
      system: ELIGIBILITY_ERRORS[name].system,
      code: ELIGIBILITY_ERRORS[name].code,
    });
    const error = payerErrorOf(() => fromCoverageEligibilityResponse(wire));
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(kind === "unavailable");
    expect(error.message).toMatch(message);
  });
});

describe("error responses that mean the subscriber was not found", () => {
  it.each<[EligibilityErrorName, keyof typeof SUBSCRIBER_NOT_FOUND_REASONS]>([
    ["invalidDateOfBirth", "58"],
    ["dateOfBirthMismatch", "71"],
    ["invalidMemberId", "72"],
    ["invalidSubscriberName", "73"],
    ["subscriberNotFound", "75"],
  ])("%s is status not_found with the X12 adapter's words for %s", (name, code) => {
    const wire = overTheWire(toCoverageEligibilityErrorResponse(request, name, created));
    expect(fromCoverageEligibilityResponse(wire).result).toStrictEqual({
      status: "not_found",
      reason: SUBSCRIBER_NOT_FOUND_REASONS[code],
    });
  });

  it("not found wins over another error listed with it", () => {
    const wire = toCoverageEligibilityErrorResponse(request, "invalidProvider", created);
    wire.error?.push({ code: { coding: [{ system: X12_REJECT_REASON_SYSTEM, code: "75" }] } });
    expect(fromCoverageEligibilityResponse(wire).result.status).toBe("not_found");
  });
});

describe("fromCoverageEligibilityResponse on the spec's examples", () => {
  it("E2500: in force, no details", () => {
    expect(
      fromCoverageEligibilityResponse(fixture("coverage-eligibility-response-E2500.json")),
    ).toStrictEqual({
      traceNumber: "225476332402",
      result: { status: "active" },
    });
  });

  it("E2502: reads the plan, group, period, the category 30 copay and the coinsurance percent", () => {
    expect(
      fromCoverageEligibilityResponse(fixture("coverage-eligibility-response-E2502.json")),
    ).toStrictEqual({
      traceNumber: "225476332405",
      result: {
        status: "active",
        planName: "Full Coverage: Medical, Dental, Pharmacy, Vision, EHC",
        groupNumber: "CB135",
        coverageStart: "2014-01-01",
        // A dateTime bound keeps the day it falls on.
        coverageEnd: "2014-12-31",
        // 25.5 USD from the category 30 item; copay-maximum and maternity's copay are not it.
        copay: { amountMinor: 2550, currency: "USD" },
        coinsurancePercent: 20,
      },
    } satisfies { traceNumber: string; result: EligibilityResult });
  });

  it("E2503: error a001 is a rejection naming the code", () => {
    const error = payerErrorOf(() =>
      fromCoverageEligibilityResponse(fixture("coverage-eligibility-response-E2503.json")),
    );
    expect(error.kind).toBe("rejected");
    expect(error.message).toBe("The payer refused the request: Missing identifier.");
  });

  it("X12 reject reason 75: not found, in Haven's words, repeating none of the payer's text", () => {
    const { traceNumber, result } = fromCoverageEligibilityResponse(
      fixture("coverage-eligibility-response-not-found.json"),
    );
    expect(traceNumber).toBe("225476332407");
    expect(result).toStrictEqual({
      status: "not_found",
      reason: SUBSCRIBER_NOT_FOUND_REASONS["75"],
    });
    if (result.status !== "not_found") throw new Error("unreachable");
    for (const detail of ["12345", "Peter", "Chalmers", "1974"]) expect(result.reason).not.toContain(detail);
  });
});

describe("fromCoverageEligibilityResponse on answers it cannot use", () => {
  /** An active answer with a copay and a coinsurance, and handles on the parts tests break. */
  function active() {
    const wire = overTheWire(
      toCoverageEligibilityResponse(
        request,
        { status: "active", copay: { amountMinor: 2500, currency: "USD" }, coinsurancePercent: 20 },
        created,
      ),
    );
    const insurance = must(wire.insurance?.[0]);
    const item = must(insurance.item?.[0]);
    const [copay, coinsurance] = must(item.benefit);
    return { wire, insurance, item, copay: must(copay), coinsurance: must(coinsurance) };
  }
  type Parts = ReturnType<typeof active>;

  it("a queued request is not an answer yet: retry later", () => {
    const { wire } = active();
    wire.outcome = "queued";
    const error = payerErrorOf(() => fromCoverageEligibilityResponse(wire));
    expect(error.kind).toBe("unavailable");
    expect(error.retryable).toBe(true);
  });

  it("reads a partial outcome like a complete one", () => {
    const { wire } = active();
    wire.outcome = "partial";
    expect(fromCoverageEligibilityResponse(wire).result.status).toBe("active");
  });

  it("an unknown error code is a rejection that names the code only", () => {
    const wire = toCoverageEligibilityErrorResponse(request, "missingIdentifier", created);
    wire.error = [
      { code: { coding: [{ system: "urn:payer:errors", code: "E-17", display: "Member W123 unknown" }] } },
    ];
    const error = payerErrorOf(() => fromCoverageEligibilityResponse(wire));
    expect(error.kind).toBe("rejected");
    expect(error.message).toBe("The payer refused the request (error code E-17).");
  });

  it("a code that looks like free text is not repeated", () => {
    const wire = toCoverageEligibilityErrorResponse(request, "missingIdentifier", created);
    wire.error = [{ code: { coding: [{ system: "urn:payer:errors", code: "Member W123456789 unknown" }] } }];
    expect(payerErrorOf(() => fromCoverageEligibilityResponse(wire)).message).toBe(
      "The payer refused the request.",
    );
  });

  it("an error outcome without codes is a rejection", () => {
    const wire = toCoverageEligibilityErrorResponse(request, "missingIdentifier", created);
    delete wire.error;
    expect(payerErrorOf(() => fromCoverageEligibilityResponse(wire)).message).toBe(
      "The payer refused the request without saying why.",
    );
  });

  it("adjudication-error and X12 systems are told apart: a001 in the X12 system is not Missing Identifier", () => {
    const wire = toCoverageEligibilityErrorResponse(request, "missingIdentifier", created);
    wire.error = [{ code: { coding: [{ system: X12_REJECT_REASON_SYSTEM, code: "a001" }] } }];
    expect(payerErrorOf(() => fromCoverageEligibilityResponse(wire)).message).toBe(
      "The payer refused the request (error code a001).",
    );
    wire.error = [{ code: { coding: [{ system: ADJUDICATION_ERROR_SYSTEM, code: "75" }] } }];
    expect(payerErrorOf(() => fromCoverageEligibilityResponse(wire)).kind).toBe("rejected");
  });

  type Breakage = [label: string, breakIt: (parts: Parts) => void, message: RegExp];
  const breakages: Breakage[] = [
    [
      "no request identifier",
      ({ wire }) => delete wire.request.identifier,
      /request\.identifier \(Haven's reference number\) is missing/,
    ],
    ["no inforce", ({ insurance }) => delete insurance.inforce, /insurance\[0\]\.inforce .* is missing/],
    ["no insurance", ({ wire }) => delete wire.insurance, /insurance\[0\]\.inforce .* is missing/],
    [
      "an unknown outcome",
      ({ wire }) => (untyped(wire).outcome = "done"),
      /outcome must be one of queued, complete, error, partial/,
    ],
    [
      "another resource",
      ({ wire }) => (untyped(wire).resourceType = "ClaimResponse"),
      /resourceType must be CoverageEligibilityResponse/,
    ],
    [
      "a copay without a currency",
      ({ copay }) => delete must(copay.allowedMoney).currency,
      /the copay's currency is missing or not an ISO 4217 code/,
    ],
    [
      "a copay in a currency that does not exist",
      ({ copay }) => (must(copay.allowedMoney).currency = "XYZ1"),
      /not an ISO 4217 code/,
    ],
    [
      "a copay with more decimals than the currency has",
      ({ copay }) => (must(copay.allowedMoney).value = 25.005),
      /the copay must be a non-negative amount with at most 2 decimals in USD/,
    ],
    [
      "a negative copay",
      ({ copay }) => (must(copay.allowedMoney).value = -5),
      /the copay must be a non-negative amount/,
    ],
    [
      "a copay given as text",
      ({ copay }) => (untyped(must(copay.allowedMoney)).value = "25.00"),
      /insurance\[0\]\.item\[0\]\.benefit\[0\]\.allowedMoney\.value: /,
    ],
    [
      "a coinsurance over 100 %",
      ({ coinsurance }) => (coinsurance.allowedUnsignedInt = 150),
      /the copay-percent benefit must be a percentage from 0 to 100/,
    ],
    [
      "a coinsurance that is not a number",
      ({ coinsurance }) => {
        delete coinsurance.allowedUnsignedInt;
        coinsurance.allowedString = "twenty";
      },
      /the copay-percent benefit must be a percentage from 0 to 100/,
    ],
    [
      "a benefit period that is not a date",
      ({ insurance }) => (insurance.benefitPeriod = { start: "January 2026" }),
      /insurance\[0\]\.benefitPeriod\.start must be a full date/,
    ],
  ];

  it.each(breakages)("refuses %s, saying what is wrong", (_label, breakIt, message) => {
    const parts = active();
    breakIt(parts);
    const error = payerErrorOf(() => fromCoverageEligibilityResponse(parts.wire));
    expect(error.kind).toBe("rejected");
    expect(error.message).toMatch(/^The payer's CoverageEligibilityResponse is not valid: /);
    expect(error.message).toMatch(message);
    for (const value of ["W123456789", "Mary Ann", "O'Neil", "1985-03-14"])
      expect(error.message).not.toContain(value);
  });

  it("ignores benefits outside category 30 and excluded items", () => {
    const other = active();
    other.item.category = { coding: [{ system: X12_SERVICE_TYPE_SYSTEM, code: "88" }] };
    expect(fromCoverageEligibilityResponse(other.wire).result).toStrictEqual({ status: "active" });
    const excluded = active();
    excluded.item.excluded = true;
    expect(fromCoverageEligibilityResponse(excluded.wire).result).toStrictEqual({ status: "active" });
  });

  it("keeps the currency the payer states, whatever Haven's own", () => {
    const { wire, copay } = active();
    copay.allowedMoney = { value: 600, currency: "INR" };
    expect(fromCoverageEligibilityResponse(wire).result).toMatchObject({
      copay: { amountMinor: 60000, currency: "INR" },
    });
  });
});
