// The 271 eligibility response (005010X279A1): what a payer answers to Haven's 270. Haven
// reads the subscriber's status (EB01), plan, coverage dates, office-visit copay and
// coinsurance; or an AAA segment saying why the payer could not answer.

import { PayerError, type EligibilityRequest, type EligibilityResult } from "../payers/types";
import {
  describeRejectReason,
  isFollowUpCode,
  isSubscriberNotFoundCode,
  PAYER_REJECTION_REASONS,
  PAYER_UNAVAILABLE_REASONS,
  SUBSCRIBER_NOT_FOUND_REASONS,
  subscriberNotFoundCode,
  type AaaFollowUpCode,
} from "./aaa-reasons";
import { formatPayerName, formatProviderName, formatSubscriberName, originatorId } from "./eligibility-270";
import { findQualified, readEligibilityLoops, requireElement } from "./loops";
import {
  elementAt,
  field,
  formatInterchange,
  formatSegment,
  readTransactionSet,
  x12DateTime,
  X12SyntaxError,
  X12ValueError,
  type X12Control,
  type X12Delimiters,
  type X12Segment,
} from "./segments";
import { fromX12Amount, fromX12Date, fromX12Percent, toX12Amount, toX12Date, toX12Percent } from "./values";

/** The loop an AAA segment sits in: which part of the 270 the payer refused. */
export type RejectionLoop = "information_source" | "information_receiver" | "subscriber";

/**
 * A payer's refusal to answer (an AAA segment whose reason is not "subscriber not found").
 * parse271 turns it into a PayerError; parse271Outcome returns it as is.
 */
export interface X12Rejection {
  status: "rejected";
  /** AAA03, e.g. "42" (unable to respond at current time) or "43" (invalid provider id). */
  rejectReasonCode: string;
  /** AAA04, e.g. "R" (resubmission allowed) or "C" (please correct and resubmit). */
  followUpAction: AaaFollowUpCode;
  loop: RejectionLoop;
}

/** Everything a 271 can say about Haven's request. */
export type Eligibility271Outcome = EligibilityResult | X12Rejection;

// EB01 codes: 1–5 are kinds of active coverage, 6–8 kinds of inactive coverage.
const ACTIVE_CODES = new Set(["1", "2", "3", "4", "5"]);
const INACTIVE_CODES = new Set(["6", "7", "8"]);
/** EB03 service type: health benefit plan coverage, what Haven's EQ*30 asks about. */
const PLAN_COVERAGE = "30";
/** EB03 service type: professional (physician) visit, office, where a visit copay is stated. */
const OFFICE_VISIT = "98";
/** EB06 time period qualifier: per visit. */
const PER_VISIT = "27";

/**
 * Writes the 271 a payer answers to `request` (the sandbox payer uses it). The subscriber's
 * name, member id and date of birth are echoed from the request; the group number written is
 * the result's. A payer echoes the 270's TRN, so pass the inquiry's TRN03 as
 * `control.originatorId` (readEligibilityControl(the270).originatorId). Throws X12ValueError
 * for a value X12 cannot carry.
 */
export function format271(
  request: EligibilityRequest,
  outcome: Eligibility271Outcome,
  control: X12Control,
): string {
  const { date, time } = x12DateTime(control.now);
  const body = [
    formatSegment("BHT", "0022", "11", field("trace number", request.traceNumber, 50), date, time),
  ];
  const rejection = outcome.status === "rejected" ? checkedRejection(outcome) : undefined;

  body.push(
    formatSegment("HL", "1", "", "20", rejection?.loop === "information_source" ? "0" : "1"),
    formatPayerName(request),
  );
  if (rejection?.loop === "information_source") {
    body.push(formatAaa(rejection));
    return formatInterchange("HB", "271", body, control);
  }
  body.push(
    formatSegment("HL", "2", "1", "21", rejection?.loop === "information_receiver" ? "0" : "1"),
    formatProviderName(request),
  );
  if (rejection?.loop === "information_receiver") {
    body.push(formatAaa(rejection));
    return formatInterchange("HB", "271", body, control);
  }
  body.push(
    formatSegment("HL", "3", "2", "22", "0"),
    formatSegment("TRN", "2", field("trace number", request.traceNumber, 50), originatorId(control)),
    formatSubscriberName(request),
  );
  if (outcome.status === "rejected") {
    body.push(formatAaa(checkedRejection(outcome)));
    return formatInterchange("HB", "271", body, control);
  }
  body.push(...formatSubscriberAnswer(request, outcome));
  return formatInterchange("HB", "271", body, control);
}

function formatSubscriberAnswer(request: EligibilityRequest, result: EligibilityResult): string[] {
  const birthDate = () =>
    formatSegment("DMG", "D8", toX12Date(request.subscriber.dateOfBirth, "DMG02 (date of birth)"));
  const planDate = (qualifier: "346" | "347", isoDate: string | undefined) =>
    isoDate === undefined
      ? []
      : [
          formatSegment(
            "DTP",
            qualifier,
            "D8",
            toX12Date(isoDate, `DTP03 (plan ${qualifier === "346" ? "begin" : "end"} date)`),
          ),
        ];
  const planName = (name: string | undefined) =>
    name === undefined ? undefined : field("plan name", name, 50);

  switch (result.status) {
    case "not_found":
      return [formatAaa({ rejectReasonCode: subscriberNotFoundCode(result.reason), followUpAction: "C" })];
    case "inactive":
      return [
        birthDate(),
        ...planDate("347", result.coverageEnd),
        formatSegment("EB", "6", "IND", PLAN_COVERAGE, "", planName(result.planName)),
      ];
    case "active":
      return [
        ...(result.groupNumber === undefined
          ? []
          : [formatSegment("REF", "6P", field("group number", result.groupNumber, 50))]),
        birthDate(),
        ...planDate("346", result.coverageStart),
        ...planDate("347", result.coverageEnd),
        formatSegment("EB", "1", "IND", PLAN_COVERAGE, "", planName(result.planName)),
        ...(result.copay === undefined
          ? []
          : [
              formatSegment(
                "EB",
                "B",
                "IND",
                OFFICE_VISIT,
                "",
                "",
                PER_VISIT,
                toX12Amount(result.copay, "EB07 (copay)"),
              ),
            ]),
        ...(result.coinsurancePercent === undefined
          ? []
          : [
              formatSegment(
                "EB",
                "A",
                "IND",
                PLAN_COVERAGE,
                "",
                "",
                "",
                "",
                toX12Percent(result.coinsurancePercent, "EB08 (coinsurance)"),
              ),
            ]),
      ];
  }
}

function checkedRejection(rejection: X12Rejection): X12Rejection {
  const code = rejection.rejectReasonCode;
  if (isSubscriberNotFoundCode(code)) {
    throw new X12ValueError(
      `AAA03 ${code} means the subscriber was not found; answer {status: "not_found"} instead.`,
    );
  }
  if (!Object.hasOwn(PAYER_UNAVAILABLE_REASONS, code) && !Object.hasOwn(PAYER_REJECTION_REASONS, code)) {
    throw new X12ValueError("AAA03 (reject reason code) is not a 005010X279A1 code Haven knows.");
  }
  if (!isFollowUpCode(rejection.followUpAction)) {
    throw new X12ValueError("AAA04 (follow-up action code) is not a 005010X279A1 code.");
  }
  return rejection;
}

function formatAaa(rejection: Pick<X12Rejection, "rejectReasonCode" | "followUpAction">): string {
  // AAA01 "Y": the request was valid but the payer cannot answer it now; "N": it was not.
  const valid = Object.hasOwn(PAYER_UNAVAILABLE_REASONS, rejection.rejectReasonCode) ? "Y" : "N";
  return formatSegment("AAA", valid, "", rejection.rejectReasonCode, rejection.followUpAction);
}

/**
 * Reads a 271. A subscriber the payer could not match is a `not_found` result; any other AAA
 * throws PayerError: "unavailable" (retryable) for 42 and 80, "rejected" otherwise. A
 * malformed 271 throws X12SyntaxError. Messages never carry member details.
 */
export function parse271(text: string): { traceNumber: string; result: EligibilityResult } {
  const { traceNumber, outcome } = parse271Outcome(text);
  if (outcome.status !== "rejected") return { traceNumber, result: outcome };
  const description = describeRejectReason(outcome.rejectReasonCode);
  if (Object.hasOwn(PAYER_UNAVAILABLE_REASONS, outcome.rejectReasonCode)) {
    throw new PayerError("unavailable", `${description} Try again in a few minutes.`);
  }
  throw new PayerError("rejected", description);
}

/** Like parse271, but a payer's refusal is returned as an X12Rejection instead of thrown. */
export function parse271Outcome(text: string): {
  traceNumber: string;
  outcome: Eligibility271Outcome;
} {
  const { body, delimiters } = readTransactionSet(text, {
    functionalIdentifierCode: "HB",
    transactionSetId: "271",
  });
  const loops = readEligibilityLoops(body);
  if (elementAt(loops.bht, 1) !== "0022" || elementAt(loops.bht, 2) !== "11") {
    throw new X12SyntaxError("BHT must be BHT*0022*11 for an eligibility response.");
  }
  const trn = findQualified(loops.subscriber, "TRN", "2");
  const traceNumber = trn
    ? requireElement(trn, 2, "trace number")
    : requireElement(loops.bht, 3, "trace number");

  const subscriberLoop = loops.subscriber ?? [];
  const firstBenefit = subscriberLoop.findIndex((segment) => segment.id === "EB");
  // Loop 2100C (the subscriber's name, ids, dates) ends where the 2110C benefits begin.
  const subscriberName = firstBenefit === -1 ? subscriberLoop : subscriberLoop.slice(0, firstBenefit);
  const benefits = firstBenefit === -1 ? [] : subscriberLoop.slice(firstBenefit);

  const rejection =
    findRejection(loops.informationSource, "information_source") ??
    findRejection(loops.informationReceiver, "information_receiver") ??
    findRejection(subscriberName, "subscriber");
  if (rejection) return { traceNumber, outcome: rejectionOutcome(rejection) };
  if (!loops.subscriber) {
    throw new X12SyntaxError("The 271 has neither a subscriber loop nor an AAA segment.");
  }

  const statusIndex = pickBenefit(
    benefits,
    delimiters,
    (segment) => ACTIVE_CODES.has(elementAt(segment, 1)) || INACTIVE_CODES.has(elementAt(segment, 1)),
    [PLAN_COVERAGE],
    "fallback",
  );
  if (statusIndex === undefined) {
    // The only AAA is in 2110C: the payer could not answer the benefit inquiry itself.
    const benefitRejection = findRejection(benefits, "subscriber");
    if (benefitRejection) return { traceNumber, outcome: rejectionOutcome(benefitRejection) };
    throw new X12SyntaxError(
      "The 271 states no coverage status: no EB segment with EB01 1 to 8 and no AAA segment.",
    );
  }
  const status = benefits[statusIndex]!;
  const coverage = readCoverageDates(subscriberName, benefitDetails(benefits, statusIndex));
  const planName = elementAt(status, 5);

  if (INACTIVE_CODES.has(elementAt(status, 1))) {
    return {
      traceNumber,
      outcome: {
        status: "inactive",
        ...(planName ? { planName } : {}),
        ...(coverage.end ? { coverageEnd: coverage.end } : {}),
      },
    };
  }

  const group = findQualified(subscriberName, "REF", "6P");
  const copayIndex = pickBenefit(
    benefits,
    delimiters,
    (segment) => elementAt(segment, 1) === "B" && elementAt(segment, 7) !== "",
    [OFFICE_VISIT, PLAN_COVERAGE],
  );
  const coinsuranceIndex = pickBenefit(
    benefits,
    delimiters,
    (segment) => elementAt(segment, 1) === "A" && elementAt(segment, 8) !== "",
    [PLAN_COVERAGE, OFFICE_VISIT],
  );
  return {
    traceNumber,
    outcome: {
      status: "active",
      ...(planName ? { planName } : {}),
      ...(group ? { groupNumber: requireElement(group, 2, "group number") } : {}),
      ...(coverage.start ? { coverageStart: coverage.start } : {}),
      ...(coverage.end ? { coverageEnd: coverage.end } : {}),
      ...(copayIndex === undefined
        ? {}
        : { copay: fromX12Amount(elementAt(benefits[copayIndex]!, 7), "EB07 (copay)") }),
      ...(coinsuranceIndex === undefined
        ? {}
        : {
            coinsurancePercent: fromX12Percent(
              elementAt(benefits[coinsuranceIndex]!, 8),
              "EB08 (coinsurance)",
            ),
          }),
    },
  };
}

interface FoundRejection {
  segment: X12Segment;
  loop: RejectionLoop;
}

function findRejection(
  segments: readonly X12Segment[] | undefined,
  loop: RejectionLoop,
): FoundRejection | undefined {
  const segment = segments?.find((candidate) => candidate.id === "AAA");
  return segment ? { segment, loop } : undefined;
}

function rejectionOutcome({ segment, loop }: FoundRejection): Eligibility271Outcome {
  const code = requireElement(segment, 3, "reject reason code");
  if (!/^[A-Z0-9]{2}$/.test(code)) {
    throw new X12SyntaxError("AAA03 (reject reason code) is not a two-character code.");
  }
  if (isSubscriberNotFoundCode(code)) {
    return { status: "not_found", reason: SUBSCRIBER_NOT_FOUND_REASONS[code] };
  }
  const followUpAction = elementAt(segment, 4);
  if (!isFollowUpCode(followUpAction)) {
    throw new X12SyntaxError("AAA04 (follow-up action code) is missing or not a known code.");
  }
  return { status: "rejected", rejectReasonCode: code, followUpAction, loop };
}

/**
 * The index of the benefit that `matches`, preferring an in-network one (EB12 not "N") and
 * the service types in `serviceTypes` order (EB03 may repeat: "98^30"). Benefits for other
 * service types count only when `otherServiceTypes` is "fallback".
 */
function pickBenefit(
  benefits: readonly X12Segment[],
  delimiters: X12Delimiters,
  matches: (segment: X12Segment) => boolean,
  serviceTypes: readonly string[],
  otherServiceTypes: "fallback" | "ignore" = "ignore",
): number | undefined {
  const candidates = benefits
    .map((segment, index) => ({ segment, index }))
    .filter(({ segment }) => segment.id === "EB" && matches(segment));
  const rank = (segment: X12Segment): number => {
    const types = elementAt(segment, 3).split(delimiters.repetition);
    const typeRank = serviceTypes.findIndex((type) => types.includes(type));
    const outOfNetwork = elementAt(segment, 12) === "N" ? 1 : 0;
    return outOfNetwork * 100 + (typeRank === -1 ? serviceTypes.length : typeRank);
  };
  let best: { index: number; rank: number } | undefined;
  for (const { segment, index } of candidates) {
    const candidateRank = rank(segment);
    if (candidateRank % 100 === serviceTypes.length && otherServiceTypes === "ignore") continue;
    if (!best || candidateRank < best.rank) best = { index, rank: candidateRank };
  }
  return best?.index;
}

/** The segments of one 2110C loop: those after its EB up to the next EB. */
function benefitDetails(benefits: readonly X12Segment[], index: number): X12Segment[] {
  const next = benefits.findIndex((segment, position) => position > index && segment.id === "EB");
  return benefits.slice(index + 1, next === -1 ? undefined : next);
}

/**
 * Plan begin/end: DTP*346 and DTP*347 in 2100C, else an eligibility or service date range
 * (DTP*291 or DTP*307 with RD8 CCYYMMDD-CCYYMMDD) in 2100C or the status benefit's 2110C.
 */
function readCoverageDates(
  subscriberName: readonly X12Segment[],
  statusDetails: readonly X12Segment[],
): { start?: string; end?: string } {
  const single = (qualifier: string): string | undefined => {
    const dtp = findQualified(subscriberName, "DTP", qualifier);
    if (!dtp) return undefined;
    if (elementAt(dtp, 2) !== "D8") {
      throw new X12SyntaxError(`DTP*${qualifier} must give a single date (DTP02 D8).`);
    }
    return fromX12Date(elementAt(dtp, 3), `DTP03 of DTP*${qualifier}`);
  };
  const range = [...subscriberName, ...statusDetails].find(
    (segment) =>
      segment.id === "DTP" &&
      (elementAt(segment, 1) === "291" || elementAt(segment, 1) === "307") &&
      elementAt(segment, 2) === "RD8",
  );
  let rangeStart: string | undefined;
  let rangeEnd: string | undefined;
  if (range) {
    const [from = "", to = "", ...extra] = elementAt(range, 3).split("-");
    if (extra.length > 0) throw new X12SyntaxError("A DTP date range must be CCYYMMDD-CCYYMMDD.");
    rangeStart = fromX12Date(from, "the start of the DTP date range");
    rangeEnd = fromX12Date(to, "the end of the DTP date range");
  }
  const start = single("346") ?? rangeStart;
  const end = single("347") ?? rangeEnd;
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}
