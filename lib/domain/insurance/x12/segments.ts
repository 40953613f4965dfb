// The X12 core the 270/271 formatter and parser share: the ISA/GS/ST envelope Haven writes,
// and a tokenizer for a received interchange that learns its delimiters from the ISA itself.
// Pure functions, no I/O. Error messages name segments and elements, never the values in them,
// because a received or outgoing interchange carries member names, ids and dates of birth.

/** The delimiters Haven writes (ISA: element `*`, repetition `^`, component `:`, segment `~`). */
export const HAVEN_DELIMITERS: X12Delimiters = {
  element: "*",
  repetition: "^",
  component: ":",
  segment: "~",
};

/** The implementation guide both transaction sets follow (GS08 and ST03). */
export const ELIGIBILITY_GUIDE_VERSION = "005010X279A1";

/** The ISA is fixed width: 105 characters plus the segment terminator. */
export const ISA_LENGTH = 106;

export interface X12Delimiters {
  element: string;
  repetition: string;
  component: string;
  segment: string;
}

/** The envelope values of one interchange (ISA, GS, ST) and the 270/271's TRN03. */
export interface X12Control {
  /** ISA13 (and IEA02), 1 to 999999999; unique per sender. */
  interchangeControlNumber: number;
  /** ISA06 (qualifier ZZ, padded to 15) and GS02. */
  senderId: string;
  /** ISA08 (qualifier ZZ, padded to 15) and GS03. */
  receiverId: string;
  /** ISA09/10, GS04/05 and BHT04/05, written in UTC. */
  now: Date;
  /** GS06 (and GE02); defaults to the interchange control number. */
  groupControlNumber?: number;
  /** ST02 (and SE02), 4 to 9 digits; defaults to "0001". */
  transactionSetControlNumber?: string;
  /**
   * TRN03, the 10-character originating company identifier: "1" + EIN, "3" + DUNS or
   * "9" + an identifier of the sender's choosing. Defaults to "9" + the sender id.
   */
  originatorId?: string;
  /** ISA15; defaults to production ("P"). */
  usage?: "production" | "test";
}

/** Something Haven was about to send cannot be written as X12 (names the element, never the value). */
export class X12ValueError extends Error {
  override name = "X12ValueError";
}

/** A received interchange is not a well-formed 005010X279A1 270/271 (never quotes its content). */
export class X12SyntaxError extends Error {
  override name = "X12SyntaxError";
}

// ---------------------------------------------------------------------------------------------
// Writing

/** A value Haven supplies, with what it is in words for error messages. */
export interface X12Field {
  value: string;
  /** e.g. "member id": appears in errors beside the element reference (NM109). */
  label: string;
  /** The guide's maximum length for the element. */
  maxLength?: number;
}

export function field(label: string, value: string, maxLength?: number): X12Field {
  return maxLength === undefined ? { label, value } : { label, value, maxLength };
}

type ElementInput = string | X12Field | undefined;

// The four delimiters, line breaks and other control characters: X12 has no escaping, so a
// value holding one would split the element or segment and change the message's meaning.
const FORBIDDEN_IN_VALUES = /[*^:~\p{Cc}]/u;

/** `NM1` + position 9 → "NM109". */
export function elementReference(segmentId: string, position: number): string {
  return `${segmentId}${String(position).padStart(2, "0")}`;
}

/**
 * One segment with Haven's delimiters. Every element is checked for delimiters (X12 cannot
 * escape them); labelled fields are also checked for emptiness and length. Trailing empty
 * elements are dropped, as the standard requires.
 */
export function formatSegment(segmentId: string, ...elements: ElementInput[]): string {
  const values = elements.map((element, index) => {
    const reference = elementReference(segmentId, index + 1);
    if (element === undefined) return "";
    if (typeof element === "string") {
      assertNoDelimiter(element, reference, "value");
      return element;
    }
    const described = `${reference} (${element.label})`;
    if (element.value.trim() === "") {
      throw new X12ValueError(`${described} is empty; it is required.`);
    }
    if (element.value !== element.value.trim()) {
      throw new X12ValueError(`${described} starts or ends with spaces.`);
    }
    assertNoDelimiter(element.value, reference, element.label);
    const text = toX12Characters(element.value);
    if (text === undefined) {
      throw new X12ValueError(
        `${described} has characters outside the X12 character set that have no plain-letter equivalent.`,
      );
    }
    if (element.maxLength !== undefined && text.length > element.maxLength) {
      throw new X12ValueError(`${described} is longer than the ${element.maxLength} characters X12 allows.`);
    }
    return text;
  });
  while (values.length > 0 && values[values.length - 1] === "") values.pop();
  return [segmentId, ...values].join(HAVEN_DELIMITERS.element) + HAVEN_DELIMITERS.segment;
}

// Letters that do not decompose into a base letter and an accent.
const PLAIN_LETTERS: Readonly<Record<string, string>> = {
  ß: "ss",
  Æ: "AE",
  æ: "ae",
  Œ: "OE",
  œ: "oe",
  Ø: "O",
  ø: "o",
  Ł: "L",
  ł: "l",
  Đ: "D",
  đ: "d",
  Þ: "TH",
  þ: "th",
  ı: "i",
};

/**
 * The value in printable ASCII, X12's extended character set: accents are dropped (José →
 * Jose), as payers hold names that way and match on them; undefined when a character has no
 * plain-letter form (CJK, emoji).
 */
export function toX12Characters(value: string): string | undefined {
  const plain = value
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\x20-\x7E]/g, (character) => PLAIN_LETTERS[character] ?? character)
    .replace(/[\u2018\u2019]/g, "'");
  return /^[\x20-\x7E]*$/.test(plain) ? plain : undefined;
}

function assertNoDelimiter(value: string, reference: string, label: string): void {
  if (FORBIDDEN_IN_VALUES.test(value)) {
    throw new X12ValueError(
      `${reference} (${label}) contains a character X12 reserves as a delimiter (* ^ : ~) or a ` +
        `control character; X12 has no escaping, so it cannot be sent.`,
    );
  }
}

/**
 * ISA … IEA around one functional group holding one transaction set.
 * `body` is the segments between ST and SE (each already terminated).
 */
export function formatInterchange(
  functionalIdentifierCode: "HS" | "HB",
  transactionSetId: "270" | "271",
  body: readonly string[],
  control: X12Control,
): string {
  const interchangeControlNumber = controlNumber(
    control.interchangeControlNumber,
    "ISA13 (interchange control number)",
  );
  const groupControlNumber = controlNumber(
    control.groupControlNumber ?? control.interchangeControlNumber,
    "GS06 (group control number)",
  );
  const transactionSetControlNumber = control.transactionSetControlNumber ?? "0001";
  if (!/^\d{4,9}$/.test(transactionSetControlNumber)) {
    throw new X12ValueError("ST02 (transaction set control number) must be 4 to 9 digits.");
  }
  const senderId = interchangeId(control.senderId, "ISA06 (sender id)");
  const receiverId = interchangeId(control.receiverId, "ISA08 (receiver id)");
  const { date, shortDate, time } = x12DateTime(control.now);

  const isa =
    [
      "ISA",
      "00",
      " ".repeat(10),
      "00",
      " ".repeat(10),
      "ZZ",
      senderId.padEnd(15, " "),
      "ZZ",
      receiverId.padEnd(15, " "),
      shortDate,
      time,
      HAVEN_DELIMITERS.repetition,
      "00501",
      String(interchangeControlNumber).padStart(9, "0"),
      "0",
      control.usage === "test" ? "T" : "P",
      HAVEN_DELIMITERS.component,
    ].join(HAVEN_DELIMITERS.element) + HAVEN_DELIMITERS.segment;
  const gs = formatSegment(
    "GS",
    functionalIdentifierCode,
    senderId,
    receiverId,
    date,
    time,
    String(groupControlNumber),
    "X",
    ELIGIBILITY_GUIDE_VERSION,
  );
  const st = formatSegment("ST", transactionSetId, transactionSetControlNumber, ELIGIBILITY_GUIDE_VERSION);
  // SE01 counts every segment from ST to SE, both included.
  const se = formatSegment("SE", String(body.length + 2), transactionSetControlNumber);
  const ge = formatSegment("GE", "1", String(groupControlNumber));
  const iea = formatSegment("IEA", "1", String(interchangeControlNumber).padStart(9, "0"));
  return [isa, gs, st, ...body, se, ge, iea].join("");
}

function controlNumber(value: number, reference: string): number {
  if (!Number.isInteger(value) || value < 1 || value > 999_999_999) {
    throw new X12ValueError(`${reference} must be a whole number from 1 to 999999999.`);
  }
  return value;
}

function interchangeId(value: string, reference: string): string {
  if (!/^[A-Za-z0-9 .\-_]{2,15}$/.test(value) || value.trim() !== value) {
    throw new X12ValueError(
      `${reference} must be 2 to 15 letters, digits, spaces, dots, dashes or underscores.`,
    );
  }
  return value;
}

/** CCYYMMDD, YYMMDD and HHMM of an instant, in UTC. */
export function x12DateTime(now: Date): { date: string; shortDate: string; time: string } {
  if (Number.isNaN(now.getTime())) throw new X12ValueError("The interchange time is not a date.");
  const iso = now.toISOString(); // 2026-12-02T14:28:55.000Z
  const date = iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10);
  return { date, shortDate: date.slice(2), time: iso.slice(11, 13) + iso.slice(14, 16) };
}

/** The TRN03 Haven writes when the caller names none: "9" + the sender id, 10 characters. */
export function defaultOriginatorId(senderId: string): string {
  return (
    "9" +
    senderId
      .replace(/[^A-Za-z0-9]/g, "")
      .toUpperCase()
      .padEnd(9, "0")
      .slice(0, 9)
  );
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface X12Segment {
  id: string;
  /** elements[0] is the first data element (NM101); missing trailing elements are absent. */
  elements: string[];
  /** 1-based position in the interchange, for error messages. */
  position: number;
}

/** Element `position` (1-based, as the guide numbers them), "" when absent. */
export function elementAt(segment: X12Segment, position: number): string {
  return segment.elements[position - 1] ?? "";
}

export interface X12Interchange {
  delimiters: X12Delimiters;
  segments: X12Segment[];
}

/**
 * Splits a received interchange into segments and elements. The delimiters are read from the
 * ISA itself: the element separator at offset 3, the repetition separator (ISA11) at 82, the
 * component separator (ISA16) at 104 and the segment terminator at 105. Line breaks after
 * the segment terminator, and whitespace around the whole text, are tolerated.
 */
export function tokenizeInterchange(text: string): X12Interchange {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (!trimmed.startsWith("ISA")) {
    throw new X12SyntaxError("This is not an X12 interchange: it must begin with an ISA segment.");
  }
  if (trimmed.length < ISA_LENGTH) {
    throw new X12SyntaxError(`The ISA segment is cut short: it is fixed width, ${ISA_LENGTH} characters.`);
  }
  const element = trimmed.charAt(3);
  const delimiters: X12Delimiters = {
    element,
    repetition: trimmed.charAt(82),
    component: trimmed.charAt(104),
    segment: trimmed.charAt(105),
  };
  const isaElements = trimmed.slice(0, 105).split(element);
  const widths = [3, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1];
  if (
    isaElements.length !== widths.length ||
    isaElements.some((value, index) => value.length !== widths[index])
  ) {
    throw new X12SyntaxError(
      `The ISA segment is not fixed width: it must be ${ISA_LENGTH} characters with 16 elements ` +
        `of the standard widths.`,
    );
  }
  const used = [delimiters.element, delimiters.repetition, delimiters.component, delimiters.segment];
  if (new Set(used).size !== used.length || used.some((delimiter) => /[A-Za-z0-9 \r\n]/.test(delimiter))) {
    throw new X12SyntaxError("The ISA declares delimiters that are not four distinct special characters.");
  }

  const segments: X12Segment[] = [];
  for (const raw of trimmed.split(delimiters.segment)) {
    const content = raw.replace(/^[\r\n]+/, "");
    if (content === "") continue;
    if (/[\r\n]/.test(content)) {
      throw new X12SyntaxError(
        `Segment ${segments.length + 1} contains a line break that does not follow a segment terminator.`,
      );
    }
    const [id = "", ...elements] = content.split(delimiters.element);
    if (!/^[A-Z][A-Z0-9]{1,2}$/.test(id)) {
      throw new X12SyntaxError(`Segment ${segments.length + 1} does not start with a segment id.`);
    }
    segments.push({ id, elements, position: segments.length + 1 });
  }
  return { delimiters, segments };
}

export interface X12TransactionSet {
  delimiters: X12Delimiters;
  /** The interchange's control values, TRN03 excepted (the caller reads it from the body). */
  control: Required<Omit<X12Control, "originatorId">>;
  /** The segments between ST and SE. */
  body: X12Segment[];
}

/**
 * Checks the envelope of an interchange holding exactly one functional group with one
 * 005010X279A1 transaction set of the expected kind (control numbers, counts and the SE
 * segment count), and returns its body.
 */
export function readTransactionSet(
  text: string,
  expected: { functionalIdentifierCode: "HS" | "HB"; transactionSetId: "270" | "271" },
): X12TransactionSet {
  const { delimiters, segments } = tokenizeInterchange(text);
  const ids = segments.map((segment) => segment.id);
  const count = (id: string) => ids.filter((candidate) => candidate === id).length;
  for (const id of ["ISA", "GS", "ST", "SE", "GE", "IEA"]) {
    if (count(id) === 0) throw new X12SyntaxError(`The interchange has no ${id} segment.`);
  }
  if (count("ISA") > 1 || count("GS") > 1 || count("ST") > 1) {
    throw new X12SyntaxError(
      "The interchange holds more than one functional group or transaction set; exactly one is supported.",
    );
  }
  const isa = segments[0]!;
  const gs = segments[1]!;
  const st = segments[2]!;
  const seIndex = ids.indexOf("SE");
  const se = segments[seIndex]!;
  const ge = segments[seIndex + 1];
  const iea = segments[seIndex + 2];
  if (gs.id !== "GS" || st.id !== "ST" || ge?.id !== "GE" || iea?.id !== "IEA") {
    throw new X12SyntaxError(
      "The envelope is out of order: expected ISA, GS, ST … SE, GE, IEA with nothing outside.",
    );
  }
  if (segments.length !== seIndex + 3) {
    throw new X12SyntaxError("The interchange has segments after its IEA.");
  }

  if (elementAt(gs, 1) !== expected.functionalIdentifierCode) {
    throw new X12SyntaxError(
      `GS01 must be ${expected.functionalIdentifierCode} for a ${expected.transactionSetId}.`,
    );
  }
  if (elementAt(gs, 8) !== ELIGIBILITY_GUIDE_VERSION) {
    throw new X12SyntaxError(`GS08 must be ${ELIGIBILITY_GUIDE_VERSION}.`);
  }
  if (elementAt(st, 1) !== expected.transactionSetId) {
    throw new X12SyntaxError(`ST01 must be ${expected.transactionSetId}.`);
  }
  if (elementAt(st, 3) !== ELIGIBILITY_GUIDE_VERSION) {
    throw new X12SyntaxError(
      `ST03 must be ${ELIGIBILITY_GUIDE_VERSION}; other implementation guide versions are not supported.`,
    );
  }
  const transactionSetControlNumber = elementAt(st, 2);
  if (!/^\d{4,9}$/.test(transactionSetControlNumber)) {
    throw new X12SyntaxError("ST02 (transaction set control number) must be 4 to 9 digits.");
  }
  const segmentCount = seIndex - 2 + 1; // ST … SE, both included
  if (elementAt(se, 1) !== String(segmentCount)) {
    throw new X12SyntaxError(
      `SE01 does not match the transaction set: it has ${segmentCount} segments from ST to SE.`,
    );
  }
  if (elementAt(se, 2) !== transactionSetControlNumber) {
    throw new X12SyntaxError("SE02 does not match ST02 (transaction set control number).");
  }
  const groupControlNumber = elementAt(gs, 6);
  if (!/^\d{1,9}$/.test(groupControlNumber)) {
    throw new X12SyntaxError("GS06 (group control number) must be 1 to 9 digits.");
  }
  if (elementAt(ge, 1) !== "1" || elementAt(ge, 2) !== groupControlNumber) {
    throw new X12SyntaxError("GE must count 1 transaction set and repeat GS06.");
  }
  const interchangeControlNumber = elementAt(isa, 13);
  if (!/^\d{9}$/.test(interchangeControlNumber)) {
    throw new X12SyntaxError("ISA13 (interchange control number) must be 9 digits.");
  }
  if (elementAt(iea, 1) !== "1" || elementAt(iea, 2) !== interchangeControlNumber) {
    throw new X12SyntaxError("IEA must count 1 functional group and repeat ISA13.");
  }
  const usage = elementAt(isa, 15);
  if (usage !== "P" && usage !== "T") {
    throw new X12SyntaxError("ISA15 (usage indicator) must be P or T.");
  }

  return {
    delimiters,
    control: {
      interchangeControlNumber: Number(interchangeControlNumber),
      senderId: elementAt(isa, 6).trimEnd(),
      receiverId: elementAt(isa, 8).trimEnd(),
      now: readGroupTime(elementAt(gs, 4), elementAt(gs, 5)),
      groupControlNumber: Number(groupControlNumber),
      transactionSetControlNumber,
      usage: usage === "T" ? "test" : "production",
    },
    body: segments.slice(3, seIndex),
  };
}

/** GS04 (CCYYMMDD) and GS05 (HHMM, HHMMSS or longer) as a UTC instant. */
function readGroupTime(date: string, time: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  const clock = /^(\d{2})(\d{2})(\d{2})?\d*$/.exec(time);
  if (!match || !clock) throw new X12SyntaxError("GS04/GS05 must be a date (CCYYMMDD) and a time.");
  const instant = new Date(
    Date.UTC(
      Number(match[1]),
      Number(match[2]) - 1,
      Number(match[3]),
      Number(clock[1]),
      Number(clock[2]),
      Number(clock[3] ?? "0"),
    ),
  );
  if (Number.isNaN(instant.getTime()) || x12DateTime(instant).date !== date) {
    throw new X12SyntaxError("GS04 is not a calendar date.");
  }
  return instant;
}
