// The X12 270/271 formatter and parser: round trips both ways (what Haven writes reads back
// unchanged; the hand-written samples in tests/fixtures/x12 are reproduced byte for byte),
// envelope checks (ISA width, SE count, versions) and the refusal of delimiters in values.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  SUBSCRIBER_NOT_FOUND_REASONS,
  type SubscriberNotFoundCode,
} from "@/lib/domain/insurance/x12/aaa-reasons";
import { format270, parse270, readEligibilityControl } from "@/lib/domain/insurance/x12/eligibility-270";
import {
  format271,
  parse271,
  parse271Outcome,
  type Eligibility271Outcome,
  type X12Rejection,
} from "@/lib/domain/insurance/x12/eligibility-271";
import {
  ISA_LENGTH,
  tokenizeInterchange,
  X12SyntaxError,
  X12ValueError,
  type X12Control,
} from "@/lib/domain/insurance/x12/segments";
import { fromX12Amount, fromX12Percent, toX12Amount, toX12Percent } from "@/lib/domain/insurance/x12/values";
import {
  PayerError,
  type EligibilityRequest,
  type EligibilityResult,
} from "@/lib/domain/insurance/payers/types";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/x12");

/** A fixture as one line: the line breaks after `~` are for reading, not part of the message. */
function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), "utf8")
    .replace(/~\r?\n/g, "~")
    .trim();
}

const request: EligibilityRequest = {
  traceNumber: "c0ffee00-1111-4222-8333-444455556666",
  payer: { id: "60054", name: "AETNA" },
  provider: { npi: "1234567893", name: "HAVEN TELEHEALTH" },
  subscriber: {
    memberId: "W123456789",
    groupNumber: "0123456-010-00001",
    firstName: "JANE",
    lastName: "DOE",
    dateOfBirth: "1984-02-29",
  },
  serviceDate: "2026-12-02",
};

const control: X12Control = {
  interchangeControlNumber: 42,
  senderId: "HAVEN",
  receiverId: "AETNA60054",
  now: new Date("2026-12-02T14:05:00Z"),
};

/** The segments of an interchange, each without its terminator. */
function segmentsOf(text: string): string[] {
  return text.split("~").filter((segment) => segment !== "");
}

function seCountIsRight(text: string): void {
  const segments = segmentsOf(text);
  const st = segments.findIndex((segment) => segment.startsWith("ST*"));
  const se = segments.findIndex((segment) => segment.startsWith("SE*"));
  expect(segments[se]?.split("*")[1]).toBe(String(se - st + 1));
}

describe("format270", () => {
  const text = format270(request, control);

  it("writes the 005010X279A1 inquiry segment by segment", () => {
    expect(segmentsOf(text)).toEqual([
      "ISA*00*          *00*          *ZZ*HAVEN          *ZZ*AETNA60054     *261202*1405*^*00501*000000042*0*P*:",
      "GS*HS*HAVEN*AETNA60054*20261202*1405*42*X*005010X279A1",
      "ST*270*0001*005010X279A1",
      "BHT*0022*13*c0ffee00-1111-4222-8333-444455556666*20261202*1405",
      "HL*1**20*1",
      "NM1*PR*2*AETNA*****PI*60054",
      "HL*2*1*21*1",
      "NM1*1P*2*HAVEN TELEHEALTH*****XX*1234567893",
      "HL*3*2*22*0",
      "TRN*1*c0ffee00-1111-4222-8333-444455556666*9HAVEN0000",
      "NM1*IL*1*DOE*JANE****MI*W123456789",
      "REF*6P*0123456-010-00001",
      "DMG*D8*19840229",
      "DTP*291*D8*20261202",
      "EQ*30",
      "SE*14*0001",
      "GE*1*42",
      "IEA*1*000000042",
    ]);
  });

  it("writes an ISA of exactly 106 characters and reads its delimiters back", () => {
    expect(ISA_LENGTH).toBe(106);
    for (const senderId of ["HV", "HAVEN", "HAVEN-TELEHLTH1"]) {
      const interchange = format270(request, { ...control, senderId, interchangeControlNumber: 999_999_999 });
      expect(interchange.indexOf("~") + 1).toBe(ISA_LENGTH);
      expect(readEligibilityControl(interchange)).toMatchObject({
        senderId,
        interchangeControlNumber: 999_999_999,
      });
    }
    expect(tokenizeInterchange(text).delimiters).toEqual({
      element: "*",
      repetition: "^",
      component: ":",
      segment: "~",
    });
  });

  it("counts the segments from ST to SE in SE01", () => {
    seCountIsRight(text);
    seCountIsRight(
      format270({ ...request, subscriber: { ...request.subscriber, groupNumber: undefined } }, control),
    );
  });

  it("leaves REF*6P out when there is no group number", () => {
    const { groupNumber: _omitted, ...subscriber } = request.subscriber;
    const withoutGroup = format270({ ...request, subscriber }, control);
    expect(withoutGroup).not.toContain("REF*6P");
    expect(withoutGroup).toContain("~SE*13*0001~");
  });

  it("refuses a delimiter inside the member id, naming the element and never the value", () => {
    for (const memberId of ["W12*3456", "W12~3456", "W12^3456", "W12:3456", "W12\n3456"]) {
      const attempt = () =>
        format270({ ...request, subscriber: { ...request.subscriber, memberId } }, control);
      expect(attempt).toThrow(X12ValueError);
      expect(attempt).toThrow(/^NM109 \(member id\) contains a character X12 reserves as a delimiter/);
      try {
        attempt();
      } catch (error) {
        expect((error as Error).message).not.toContain("W12");
      }
    }
  });

  it("refuses delimiters, empty values and impossible dates in every field it writes", () => {
    const cases: [
      Partial<EligibilityRequest> | { subscriber: Partial<EligibilityRequest["subscriber"]> },
      RegExp,
    ][] = [
      [{ payer: { id: "600*54", name: "AETNA" } }, /^NM109 \(payer id\)/],
      [{ payer: { id: "60054", name: "AET~NA" } }, /^NM103 \(payer name\)/],
      [{ provider: { npi: "123456789", name: "HAVEN" } }, /^NM109 \(provider NPI\) must be 10 digits/],
      [{ traceNumber: "" }, /^BHT03 \(trace number\) is empty/],
      [{ subscriber: { lastName: "O:NEIL" } }, /^NM103 \(subscriber last name\)/],
      [{ subscriber: { firstName: " " } }, /^NM104 \(subscriber first name\) is empty/],
      [{ subscriber: { groupNumber: "G^1" } }, /^REF02 \(group number\)/],
      [{ subscriber: { dateOfBirth: "1985-02-29" } }, /^DMG02 \(date of birth\) must be a calendar date/],
      [{ serviceDate: "02/12/2026" }, /^DTP03 \(service date\) must be a calendar date/],
      [{ subscriber: { memberId: "M".repeat(81) } }, /^NM109 \(member id\) is longer than the 80 characters/],
    ];
    for (const [change, message] of cases) {
      const changed = {
        ...request,
        ...change,
        subscriber: { ...request.subscriber, ...("subscriber" in change ? change.subscriber : {}) },
      };
      expect(() => format270(changed, control)).toThrow(message);
    }
  });

  it("writes accented names in plain letters, as payers hold them, and refuses what has no plain form", () => {
    const named = (firstName: string, lastName: string) =>
      format270({ ...request, subscriber: { ...request.subscriber, firstName, lastName } }, control);
    expect(named("José", "Müller-Lüdenscheidt")).toContain("~NM1*IL*1*Muller-Ludenscheidt*Jose****MI*");
    expect(named("Søren", "Straße")).toContain("~NM1*IL*1*Strasse*Soren****MI*");
    expect(named("Siobhán", "O’Brien")).toContain("~NM1*IL*1*O'Brien*Siobhan****MI*");
    expect(() => named("王", "芳")).toThrow(
      /^NM103 \(subscriber last name\) has characters outside the X12 character set/,
    );
  });

  it("refuses envelope values X12 cannot carry", () => {
    expect(() => format270(request, { ...control, interchangeControlNumber: 0 })).toThrow(/^ISA13/);
    expect(() => format270(request, { ...control, interchangeControlNumber: 1e9 })).toThrow(/^ISA13/);
    expect(() => format270(request, { ...control, senderId: "A*B" })).toThrow(/^ISA06/);
    expect(() => format270(request, { ...control, receiverId: "R".repeat(16) })).toThrow(/^ISA08/);
    expect(() => format270(request, { ...control, originatorId: "12345" })).toThrow(/^TRN03/);
    expect(() => format270(request, { ...control, now: new Date("nope") })).toThrow(X12ValueError);
  });
});

describe("parse270", () => {
  it("reads back exactly what format270 wrote, with and without a group number", () => {
    expect(parse270(format270(request, control))).toStrictEqual(request);
    const { groupNumber: _omitted, ...subscriber } = request.subscriber;
    const withoutGroup = { ...request, subscriber };
    expect(parse270(format270(withoutGroup, control))).toStrictEqual(withoutGroup);
  });

  it("reads the hand-written samples and writes them back byte for byte", () => {
    for (const name of ["270-subscriber-inquiry.x12", "270-with-group-number.x12"]) {
      const sample = fixture(name);
      expect(format270(parse270(sample), readEligibilityControl(sample)), name).toBe(sample);
    }
    expect(parse270(fixture("270-subscriber-inquiry.x12"))).toStrictEqual({
      traceNumber: "93175-012547",
      payer: { id: "842610001", name: "ABC COMPANY" },
      provider: { npi: "1234567893", name: "BONE AND JOINT CLINIC" },
      subscriber: {
        memberId: "11122333301",
        firstName: "ROBERT",
        lastName: "SMITH",
        dateOfBirth: "1943-05-19",
      },
      serviceDate: "2006-05-01",
    });
  });

  it("reads the envelope's control values back", () => {
    expect(readEligibilityControl(fixture("270-subscriber-inquiry.x12"))).toStrictEqual({
      interchangeControlNumber: 10216,
      senderId: "HAVENCLINIC",
      receiverId: "ABCCOMPANY",
      now: new Date("2006-05-01T13:19:00Z"),
      groupControlNumber: 20213,
      transactionSetControlNumber: "1234",
      originatorId: "9877281234",
      usage: "test",
    });
  });

  it("tolerates line breaks (LF or CRLF) after each segment terminator", () => {
    const raw = readFileSync(path.join(FIXTURES, "270-subscriber-inquiry.x12"), "utf8");
    expect(raw).toContain("~\n");
    expect(parse270(raw)).toStrictEqual(parse270(fixture("270-subscriber-inquiry.x12")));
    expect(parse270(raw.replace(/\n/g, "\r\n"))).toStrictEqual(parse270(raw));
  });

  it("reads the delimiters from the ISA, whatever they are", () => {
    const sample = fixture("270-with-group-number.x12");
    // Same widths, other delimiters: element |, repetition !, component >, segment '
    const isa = sample.slice(0, ISA_LENGTH);
    const otherIsa =
      isa.replace(/\*/g, "|").slice(0, 82) + "!" + isa.slice(83, 104).replace(/\*/g, "|") + ">'";
    const otherBody = sample.slice(ISA_LENGTH).replace(/\*/g, "|").replace(/~/g, "'");
    expect(parse270(otherIsa + otherBody)).toStrictEqual(parse270(sample));
  });

  describe("refuses malformed interchanges with a clear error", () => {
    const sample = fixture("270-subscriber-inquiry.x12");
    const cases: [string, string, RegExp][] = [
      ["no ISA", sample.slice(ISA_LENGTH), /must begin with an ISA segment/],
      ["empty text", "", /must begin with an ISA segment/],
      [
        "a short ISA",
        sample.replace("*ZZ*HAVENCLINIC    *", "*ZZ*HAVENCLINIC*"),
        /ISA segment is not fixed width/,
      ],
      ["a cut-off ISA", sample.slice(0, 60), /ISA segment is cut short/],
      ["a wrong SE count", sample.replace("SE*13*1234", "SE*12*1234"), /SE01 does not match .* 13 segments/],
      ["a wrong SE control number", sample.replace("SE*13*1234", "SE*13*1235"), /SE02 does not match ST02/],
      [
        "a 4010 transaction set",
        sample.replace("ST*270*1234*005010X279A1", "ST*270*1234*004010X092A1"),
        /ST03 must be 005010X279A1/,
      ],
      [
        "a wrong GS version",
        sample.replace("*X*005010X279A1~", "*X*004010X092A1~"),
        /GS08 must be 005010X279A1/,
      ],
      ["a 271 where a 270 is expected", fixture("271-active.x12"), /GS01 must be HS for a 270/],
      ["a wrong transaction set id", sample.replace("ST*270*", "ST*271*"), /ST01 must be 270/],
      ["a missing IEA", sample.replace("IEA*1*000010216~", ""), /no IEA segment/],
      [
        "a wrong IEA",
        sample.replace("IEA*1*000010216", "IEA*1*000010217"),
        /IEA must count 1 functional group and repeat ISA13/,
      ],
      ["a wrong GE", sample.replace("GE*1*20213", "GE*2*20213"), /GE must count 1 transaction set/],
      [
        "a missing subscriber name",
        sample.replace("NM1*IL*1*SMITH*ROBERT****MI*11122333301~", "").replace("SE*13", "SE*12"),
        /no NM1\*IL segment/,
      ],
      [
        "a missing member id",
        sample.replace("****MI*11122333301", "****MI"),
        /NM109 \(member id\) is missing/,
      ],
      [
        "an impossible birth date",
        sample.replace("DMG*D8*19430519", "DMG*D8*19430230"),
        /DMG02 must be a calendar date/,
      ],
      [
        "a provider NPI that is not 10 digits",
        sample.replace("XX*1234567893", "XX*12345"),
        /NM109 \(provider NPI\) must be 10 digits/,
      ],
      [
        "a provider without an NPI",
        sample.replace("XX*1234567893", "SV*2000035"),
        /must carry the provider NPI \(NM108 XX\)/,
      ],
      ["a dependent loop", sample.replace("HL*3*2*22*0", "HL*3*2*23*0"), /Dependent loops/],
      [
        "an out-of-order HL",
        sample.replace("HL*2*1*21*1", "HL*2**21*1"),
        /HL segment 2 must open the information receiver level/,
      ],
      [
        "a line break inside a segment",
        sample.replace("SMITH*ROBERT", "SMITH\n*ROBERT"),
        /line break that does not follow a segment terminator/,
      ],
    ];
    for (const [what, text, message] of cases) {
      it(`${what}`, () => {
        expect(() => parse270(text)).toThrow(X12SyntaxError);
        expect(() => parse270(text)).toThrow(message);
      });
    }

    it("never quotes the interchange's content in the error", () => {
      const broken = sample.replace("DMG*D8*19430519", "DMG*D8*SMITH-ROBERT-11122333301");
      expect(() => parse270(broken)).toThrow(X12SyntaxError);
      try {
        parse270(broken);
      } catch (error) {
        expect((error as Error).message).not.toMatch(/SMITH|ROBERT|11122333301/);
      }
    });
  });
});

describe("format271 and parse271", () => {
  const responseControl: X12Control = {
    interchangeControlNumber: 9001,
    senderId: "AETNA60054",
    receiverId: "HAVEN",
    now: new Date("2026-12-02T14:05:07Z"),
    originatorId: "9HAVEN0000",
  };

  const outcomes: Record<string, EligibilityResult> = {
    "active with plan, dates, group, copay and coinsurance": {
      status: "active",
      planName: "OPEN CHOICE PPO",
      groupNumber: "0123456-010-00001",
      coverageStart: "2026-01-01",
      coverageEnd: "2026-12-31",
      copay: { amountMinor: 2550, currency: "USD" },
      coinsurancePercent: 20,
    },
    "active with a fractional coinsurance and a cents-only copay": {
      status: "active",
      copay: { amountMinor: 5, currency: "USD" },
      coinsurancePercent: 12.5,
    },
    "active minimal": { status: "active" },
    "inactive with plan and end date": {
      status: "inactive",
      planName: "OPEN CHOICE PPO",
      coverageEnd: "2025-12-31",
    },
    "inactive minimal": { status: "inactive" },
  };
  for (const [code, reason] of Object.entries(SUBSCRIBER_NOT_FOUND_REASONS)) {
    outcomes[`not found (AAA ${code})`] = { status: "not_found", reason };
  }

  for (const [name, result] of Object.entries(outcomes)) {
    it(`round-trips ${name}`, () => {
      const text = format271(request, result, responseControl);
      seCountIsRight(text);
      expect(text.indexOf("~") + 1).toBe(ISA_LENGTH);
      expect(parse271(text)).toStrictEqual({ traceNumber: request.traceNumber, result });
    });
  }

  it("writes the not-found codes the guide defines, with 75 for a reason of Haven's own", () => {
    for (const code of Object.keys(SUBSCRIBER_NOT_FOUND_REASONS) as SubscriberNotFoundCode[]) {
      const text = format271(
        request,
        { status: "not_found", reason: SUBSCRIBER_NOT_FOUND_REASONS[code] },
        responseControl,
      );
      expect(text).toContain(`~AAA*N**${code}*C~`);
    }
    const own = format271(request, { status: "not_found", reason: "Something else." }, responseControl);
    expect(own).toContain("~AAA*N**75*C~");
    expect(parse271(own).result).toStrictEqual({
      status: "not_found",
      reason: SUBSCRIBER_NOT_FOUND_REASONS["75"],
    });
  });

  it("writes active coverage as EB*1, the copay as EB*B per visit and coinsurance as a fraction in EB08", () => {
    const text = format271(
      request,
      outcomes["active with plan, dates, group, copay and coinsurance"]!,
      responseControl,
    );
    expect(segmentsOf(text).slice(3, -3)).toEqual([
      "BHT*0022*11*c0ffee00-1111-4222-8333-444455556666*20261202*1405",
      "HL*1**20*1",
      "NM1*PR*2*AETNA*****PI*60054",
      "HL*2*1*21*1",
      "NM1*1P*2*HAVEN TELEHEALTH*****XX*1234567893",
      "HL*3*2*22*0",
      "TRN*2*c0ffee00-1111-4222-8333-444455556666*9HAVEN0000",
      "NM1*IL*1*DOE*JANE****MI*W123456789",
      "REF*6P*0123456-010-00001",
      "DMG*D8*19840229",
      "DTP*346*D8*20260101",
      "DTP*347*D8*20261231",
      "EB*1*IND*30**OPEN CHOICE PPO",
      "EB*B*IND*98***27*25.5",
      "EB*A*IND*30*****0.2",
    ]);
    expect(text).toContain("~GS*HB*AETNA60054*HAVEN*20261202*1405*9001*X*005010X279A1~");
    expect(text).toContain("~ST*271*0001*005010X279A1~");
  });

  const rejections: [X12Rejection, "unavailable" | "rejected", RegExp][] = [
    [
      { status: "rejected", rejectReasonCode: "42", followUpAction: "R", loop: "information_source" },
      "unavailable",
      /cannot answer eligibility requests at the moment/,
    ],
    [
      { status: "rejected", rejectReasonCode: "80", followUpAction: "P", loop: "information_source" },
      "unavailable",
      /did not receive a response in time/,
    ],
    [
      { status: "rejected", rejectReasonCode: "42", followUpAction: "R", loop: "subscriber" },
      "unavailable",
      /cannot answer eligibility requests/,
    ],
    [
      { status: "rejected", rejectReasonCode: "43", followUpAction: "C", loop: "information_receiver" },
      "rejected",
      /Invalid or missing provider identification/,
    ],
    [
      { status: "rejected", rejectReasonCode: "T4", followUpAction: "C", loop: "information_source" },
      "rejected",
      /Payer name or identifier missing/,
    ],
    [
      { status: "rejected", rejectReasonCode: "62", followUpAction: "C", loop: "subscriber" },
      "rejected",
      /Date of service not within allowable inquiry period/,
    ],
  ];
  for (const [rejection, kind, message] of rejections) {
    it(`round-trips AAA ${rejection.rejectReasonCode} in the ${rejection.loop} loop as PayerError "${kind}"`, () => {
      const text = format271(request, rejection, responseControl);
      seCountIsRight(text);
      expect(parse271Outcome(text)).toStrictEqual({ traceNumber: request.traceNumber, outcome: rejection });
      expect(() => parse271(text)).toThrow(PayerError);
      try {
        parse271(text);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(PayerError);
        expect((error as PayerError).kind).toBe(kind);
        expect((error as PayerError).retryable).toBe(kind === "unavailable");
        expect((error as PayerError).message).toMatch(message);
        expect((error as PayerError).message).not.toMatch(/DOE|JANE|W123456789/);
      }
    });
  }

  it("writes AAA*Y**42*R in the payer loop and stops there", () => {
    const text = format271(request, rejections[0]![0], responseControl);
    expect(segmentsOf(text).slice(3, -3)).toEqual([
      "BHT*0022*11*c0ffee00-1111-4222-8333-444455556666*20261202*1405",
      "HL*1**20*0",
      "NM1*PR*2*AETNA*****PI*60054",
      "AAA*Y**42*R",
    ]);
  });

  it("refuses to write a rejection a 271 cannot carry", () => {
    const rejection = (code: string): X12Rejection => ({
      status: "rejected",
      rejectReasonCode: code,
      followUpAction: "C",
      loop: "subscriber",
    });
    expect(() => format271(request, rejection("75"), responseControl)).toThrow(
      /answer \{status: "not_found"\}/,
    );
    expect(() => format271(request, rejection("ZZ"), responseControl)).toThrow(/AAA03/);
    expect(() =>
      format271(
        request,
        { ...rejection("42"), followUpAction: "Q" as X12Rejection["followUpAction"] },
        responseControl,
      ),
    ).toThrow(/AAA04/);
  });

  it("refuses amounts it cannot write exactly", () => {
    const active = (copay: { amountMinor: number; currency: string }): Eligibility271Outcome => ({
      status: "active",
      copay,
    });
    expect(() => format271(request, active({ amountMinor: 2500, currency: "EUR" }), responseControl)).toThrow(
      /USD/,
    );
    expect(() => format271(request, active({ amountMinor: 25.5, currency: "USD" }), responseControl)).toThrow(
      /whole, non-negative number of cents/,
    );
    expect(() => format271(request, { status: "active", coinsurancePercent: 120 }, responseControl)).toThrow(
      /EB08 \(coinsurance\) must be a percentage from 0 to 100/,
    );
  });

  describe("the hand-written samples", () => {
    const inquiry = parse270(fixture("270-subscriber-inquiry.x12"));
    const samples: [string, Eligibility271Outcome][] = [
      [
        "271-active.x12",
        {
          status: "active",
          planName: "GOLD 123 PLAN",
          groupNumber: "GRP0042",
          coverageStart: "2006-01-01",
          coverageEnd: "2006-12-31",
          copay: { amountMinor: 1500, currency: "USD" },
          coinsurancePercent: 20,
        },
      ],
      ["271-inactive.x12", { status: "inactive", planName: "GOLD 123 PLAN", coverageEnd: "2005-12-31" }],
      ["271-subscriber-not-found.x12", { status: "not_found", reason: SUBSCRIBER_NOT_FOUND_REASONS["75"] }],
      [
        "271-payer-unavailable.x12",
        { status: "rejected", rejectReasonCode: "42", followUpAction: "R", loop: "information_source" },
      ],
      [
        "271-provider-not-on-file.x12",
        { status: "rejected", rejectReasonCode: "51", followUpAction: "C", loop: "information_receiver" },
      ],
    ];
    for (const [name, expected] of samples) {
      it(`${name}: reads what it says and writes it back byte for byte`, () => {
        const sample = fixture(name);
        const { traceNumber, outcome } = parse271Outcome(sample);
        expect(traceNumber).toBe("93175-012547");
        expect(outcome).toStrictEqual(expected);
        expect(format271(inquiry, outcome, readEligibilityControl(sample))).toBe(sample);
      });
    }

    it("271-payer-unavailable.x12 makes parse271 throw a retryable PayerError", () => {
      expect(() => parse271(fixture("271-payer-unavailable.x12"))).toThrow(
        expect.objectContaining({ name: "PayerError", kind: "unavailable" }),
      );
    });

    it("271-provider-not-on-file.x12 makes parse271 throw a final PayerError", () => {
      expect(() => parse271(fixture("271-provider-not-on-file.x12"))).toThrow(
        expect.objectContaining({
          name: "PayerError",
          kind: "rejected",
          message: "The payer refused the request: Provider not on file.",
        }),
      );
    });
  });

  describe("what real payers send besides Haven's own layout", () => {
    const active = fixture("271-active.x12");
    /** Replaces segments of the sample's body and fixes SE01 to match. */
    function withBody(change: (segments: string[]) => string[]): string {
      const segments = segmentsOf(active);
      const st = segments.findIndex((segment) => segment.startsWith("ST*"));
      const se = segments.findIndex((segment) => segment.startsWith("SE*"));
      const body = change(segments.slice(st + 1, se));
      return [...segments.slice(0, st + 1), ...body, `SE*${body.length + 2}*0001`, ...segments.slice(se + 1)]
        .map((segment) => `${segment}~`)
        .join("");
    }

    it("takes the coverage dates from a DTP*291 RD8 range in the benefit loop", () => {
      const text = withBody((body) =>
        [...body.filter((segment) => !segment.startsWith("DTP*34"))].flatMap((segment) =>
          segment.startsWith("EB*1*") ? [segment, "DTP*291*RD8*20060101-20061231"] : [segment],
        ),
      );
      expect(parse271(text).result).toMatchObject({ coverageStart: "2006-01-01", coverageEnd: "2006-12-31" });
    });

    it("prefers the in-network office-visit copay over out-of-network and other services", () => {
      const text = withBody((body) => [
        ...body.filter((segment) => !segment.startsWith("EB*B")),
        "EB*B*IND*86***27*150",
        "EB*B*IND*98***27*60*****N",
        "EB*B*IND*98^30***27*25*****Y",
      ]);
      expect(parse271(text).result).toMatchObject({ copay: { amountMinor: 2500, currency: "USD" } });
    });

    it("ignores a copay for a service other than a visit or plan coverage", () => {
      const text = withBody((body) => [
        ...body.filter((segment) => !segment.startsWith("EB*B")),
        "EB*B*IND*86***27*150",
      ]);
      expect(parse271(text).result).not.toHaveProperty("copay");
    });

    it("reads a coinsurance written .2 as 20 %", () => {
      const text = withBody((body) =>
        body.map((segment) => (segment.startsWith("EB*A") ? "EB*A*IND*30*****.2" : segment)),
      );
      expect(parse271(text).result).toMatchObject({ coinsurancePercent: 20 });
    });

    it("treats a 2110C AAA without any status as the payer's refusal", () => {
      const text = withBody((body) => [
        ...body.filter((segment) => !segment.startsWith("EB")),
        "EB*B*IND*98***27*15",
        "AAA*Y**42*R",
      ]);
      expect(() => parse271(text)).toThrow(expect.objectContaining({ kind: "unavailable" }));
    });

    it("refuses a 271 that states no status", () => {
      const text = withBody((body) => body.filter((segment) => !segment.startsWith("EB*1")));
      expect(() => parse271(text)).toThrow(X12SyntaxError);
      expect(() => parse271(text)).toThrow(/states no coverage status/);
    });

    it("refuses an amount in fractions of a cent", () => {
      const text = withBody((body) =>
        body.map((segment) => (segment.startsWith("EB*B") ? "EB*B*IND*98***27*15.005" : segment)),
      );
      expect(() => parse271(text)).toThrow(/EB07 \(copay\) must be a non-negative amount in whole cents/);
    });

    it("refuses a wrong SE count and a 270 where a 271 is expected", () => {
      expect(() => parse271(active.replace("SE*17*0001", "SE*18*0001"))).toThrow(/SE01 does not match/);
      expect(() => parse271(fixture("270-subscriber-inquiry.x12"))).toThrow(/GS01 must be HB for a 271/);
    });
  });
});

describe("X12 amounts and percentages", () => {
  it("converts cents and dollars exactly", () => {
    const cases: [number, string][] = [
      [0, "0"],
      [5, "0.05"],
      [50, "0.5"],
      [2500, "25"],
      [2550, "25.5"],
      [2505, "25.05"],
      [123456789, "1234567.89"],
    ];
    for (const [amountMinor, dollars] of cases) {
      expect(toX12Amount({ amountMinor, currency: "USD" }, "EB07")).toBe(dollars);
      expect(fromX12Amount(dollars, "EB07")).toStrictEqual({ amountMinor, currency: "USD" });
    }
    expect(fromX12Amount("25.50", "EB07").amountMinor).toBe(2550);
    expect(fromX12Amount(".75", "EB07").amountMinor).toBe(75);
    for (const bad of ["", ".", "-5", "1e3", "25.505", "twelve"]) {
      expect(() => fromX12Amount(bad, "EB07"), bad).toThrow(X12SyntaxError);
    }
  });

  it("converts percentages to the fraction EB08 carries and back", () => {
    const cases: [number, string][] = [
      [0, "0"],
      [20, "0.2"],
      [12.5, "0.125"],
      [33.33, "0.3333"],
      [100, "1"],
    ];
    for (const [percent, fraction] of cases) {
      expect(toX12Percent(percent, "EB08")).toBe(fraction);
      expect(fromX12Percent(fraction, "EB08")).toBe(percent);
    }
    expect(() => fromX12Percent("1.5", "EB08")).toThrow(X12SyntaxError);
    expect(() => fromX12Percent("20%", "EB08")).toThrow(X12SyntaxError);
  });
});
