// The 270 eligibility inquiry (005010X279A1): Haven asks one payer whether one subscriber is
// covered for health benefit plan coverage (EQ*30) on one date.

import type { EligibilityRequest } from "../payers/types";
import {
  readEligibilityLoops,
  requireElement,
  requireQualified,
  findQualified,
  type EligibilityLoops,
} from "./loops";
import {
  defaultOriginatorId,
  elementAt,
  field,
  formatInterchange,
  formatSegment,
  readTransactionSet,
  tokenizeInterchange,
  x12DateTime,
  X12SyntaxError,
  X12ValueError,
  type X12Control,
  type X12Segment,
} from "./segments";
import { fromX12Date, toX12Date } from "./values";

/** Writes the 270 Haven sends for `request`. Throws X12ValueError for a value X12 cannot carry. */
export function format270(request: EligibilityRequest, control: X12Control): string {
  const { date, time } = x12DateTime(control.now);
  const body = [
    formatSegment("BHT", "0022", "13", field("trace number", request.traceNumber, 50), date, time),
    ...formatPartyLoops(request),
    formatSegment("TRN", "1", field("trace number", request.traceNumber, 50), originatorId(control)),
    formatSubscriberName(request),
    ...(request.subscriber.groupNumber === undefined
      ? []
      : [formatSegment("REF", "6P", field("group number", request.subscriber.groupNumber, 50))]),
    formatSegment("DMG", "D8", toX12Date(request.subscriber.dateOfBirth, "DMG02 (date of birth)")),
    formatSegment("DTP", "291", "D8", toX12Date(request.serviceDate, "DTP03 (service date)")),
    formatSegment("EQ", "30"),
  ];
  return formatInterchange("HS", "270", body, control);
}

/** Reads a 270 back into the request it asks. Throws X12SyntaxError when it is malformed. */
export function parse270(text: string): EligibilityRequest {
  const { body } = readTransactionSet(text, {
    functionalIdentifierCode: "HS",
    transactionSetId: "270",
  });
  const loops = readEligibilityLoops(body);
  if (elementAt(loops.bht, 1) !== "0022" || elementAt(loops.bht, 2) !== "13") {
    throw new X12SyntaxError("BHT must be BHT*0022*13 for an eligibility request.");
  }
  const subscriber = loops.subscriber;
  if (!subscriber) {
    throw new X12SyntaxError(
      "The 270 must have an information receiver (HL*2*1*21) and a subscriber (HL*3*2*22) loop.",
    );
  }
  const trn = requireQualified(subscriber, "TRN", "1", "subscriber loop");
  const name = requireQualified(subscriber, "NM1", "IL", "subscriber loop");
  requireIdentifierQualifier(name, "MI", "member id");
  const group = findQualified(subscriber, "REF", "6P");
  const demographics = requireQualified(subscriber, "DMG", "D8", "subscriber loop");
  const serviceDate = requireQualified(subscriber, "DTP", "291", "subscriber loop");
  if (elementAt(serviceDate, 2) !== "D8") {
    throw new X12SyntaxError("DTP*291 must give a single service date (DTP02 D8).");
  }
  if (!subscriber.some((segment) => segment.id === "EQ")) {
    throw new X12SyntaxError("The 270 asks nothing: the subscriber loop has no EQ segment.");
  }

  return {
    traceNumber: requireElement(trn, 2, "trace number"),
    ...readParties(loops),
    subscriber: {
      memberId: requireElement(name, 9, "member id"),
      ...(group ? { groupNumber: requireElement(group, 2, "group number") } : {}),
      firstName: requireElement(name, 4, "subscriber first name"),
      lastName: requireElement(name, 3, "subscriber last name"),
      dateOfBirth: fromX12Date(requireElement(demographics, 2, "date of birth"), "DMG02"),
    },
    serviceDate: fromX12Date(requireElement(serviceDate, 3, "service date"), "DTP03"),
  };
}

/**
 * The envelope values of a received 270 or 271, TRN03 included, so that formatting what was
 * parsed reproduces the interchange.
 */
export function readEligibilityControl(text: string): Required<X12Control> {
  const { segments } = tokenizeInterchange(text);
  const isResponse = segments.find((segment) => segment.id === "GS")?.elements[0] === "HB";
  const { control, body } = readTransactionSet(
    text,
    isResponse
      ? { functionalIdentifierCode: "HB", transactionSetId: "271" }
      : { functionalIdentifierCode: "HS", transactionSetId: "270" },
  );
  const trn = findQualified(readEligibilityLoops(body).subscriber, "TRN", isResponse ? "2" : "1");
  return {
    ...control,
    originatorId: trn ? elementAt(trn, 3) : defaultOriginatorId(control.senderId),
  };
}

// ---------------------------------------------------------------------------------------------
// Shared with the 271, which echoes the inquiry's parties

/** HL*1 payer, HL*2 provider, HL*3 subscriber (its segments follow). */
export function formatPartyLoops(request: EligibilityRequest): string[] {
  return [
    formatSegment("HL", "1", "", "20", "1"),
    formatPayerName(request),
    formatSegment("HL", "2", "1", "21", "1"),
    formatProviderName(request),
    formatSegment("HL", "3", "2", "22", "0"),
  ];
}

export function formatProviderName(request: EligibilityRequest): string {
  return formatSegment(
    "NM1",
    "1P",
    "2",
    field("provider name", request.provider.name, 60),
    "",
    "",
    "",
    "",
    "XX",
    npi(request.provider.npi),
  );
}

export function formatPayerName(request: EligibilityRequest): string {
  return formatSegment(
    "NM1",
    "PR",
    "2",
    field("payer name", request.payer.name, 60),
    "",
    "",
    "",
    "",
    "PI",
    field("payer id", request.payer.id, 80),
  );
}

export function formatSubscriberName(request: EligibilityRequest): string {
  return formatSegment(
    "NM1",
    "IL",
    "1",
    field("subscriber last name", request.subscriber.lastName, 60),
    field("subscriber first name", request.subscriber.firstName, 35),
    "",
    "",
    "",
    "MI",
    field("member id", request.subscriber.memberId, 80),
  );
}

/** TRN03: exactly 10 letters or digits. */
export function originatorId(control: X12Control): string {
  const value = control.originatorId ?? defaultOriginatorId(control.senderId);
  if (!/^[A-Za-z0-9]{10}$/.test(value)) {
    throw new X12ValueError("TRN03 (originator id) must be exactly 10 letters or digits.");
  }
  return value;
}

function npi(value: string): string {
  if (!/^\d{10}$/.test(value)) {
    throw new X12ValueError("NM109 (provider NPI) must be 10 digits.");
  }
  return value;
}

/** The payer and provider named in loops 2100A and 2100B. */
export function readParties(loops: EligibilityLoops): Pick<EligibilityRequest, "payer" | "provider"> {
  const payer = requireQualified(loops.informationSource, "NM1", "PR", "information source loop");
  requireIdentifierQualifier(payer, "PI", "payer id");
  const provider = requireQualified(loops.informationReceiver, "NM1", "1P", "information receiver loop");
  requireIdentifierQualifier(provider, "XX", "provider NPI");
  return {
    payer: { id: requireElement(payer, 9, "payer id"), name: requireElement(payer, 3, "payer name") },
    provider: {
      npi: receivedNpi(requireElement(provider, 9, "provider NPI")),
      name: requireElement(provider, 3, "provider name"),
    },
  };
}

function receivedNpi(value: string): string {
  if (!/^\d{10}$/.test(value)) throw new X12SyntaxError("NM109 (provider NPI) must be 10 digits.");
  return value;
}

function requireIdentifierQualifier(name: X12Segment, qualifier: string, label: string): void {
  if (elementAt(name, 8) !== qualifier) {
    throw new X12SyntaxError(`NM1*${elementAt(name, 1)} must carry the ${label} (NM108 ${qualifier}).`);
  }
}
