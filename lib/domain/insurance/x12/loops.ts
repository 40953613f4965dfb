// The hierarchy of a 270/271 body: BHT, then the HL loops of the information source (payer,
// HL03 20), the information receiver (provider, 21) and the subscriber (22). Haven asks about
// one subscriber per transaction and never about a dependent (23).

import { elementAt, elementReference, X12SyntaxError, type X12Segment } from "./segments";

export interface EligibilityLoops {
  bht: X12Segment;
  /** Loop 2000A/2100A: the segments after HL*1 (NM1*PR, AAA). */
  informationSource: X12Segment[];
  /** Loop 2000B/2100B, absent when a 271 answers with an AAA at the source level. */
  informationReceiver?: X12Segment[];
  /** Loops 2000C/2100C/2110C, absent when a 271 answers with an AAA at a higher level. */
  subscriber?: X12Segment[];
}

const LEVELS = [
  { code: "20", name: "information source" },
  { code: "21", name: "information receiver" },
  { code: "22", name: "subscriber" },
] as const;

export function readEligibilityLoops(body: readonly X12Segment[]): EligibilityLoops {
  const [bht, ...rest] = body;
  if (bht?.id !== "BHT") {
    throw new X12SyntaxError("The transaction set must start with a BHT segment after ST.");
  }
  const groups: X12Segment[][] = [];
  for (const segment of rest) {
    if (segment.id === "HL") {
      const index = groups.length;
      const level = LEVELS[index];
      if (elementAt(segment, 3) === "23") {
        throw new X12SyntaxError("Dependent loops (HL03 23) are not supported.");
      }
      if (!level) {
        throw new X12SyntaxError("Only one subscriber per transaction set is supported.");
      }
      const expectedParent = index === 0 ? "" : String(index);
      if (
        elementAt(segment, 1) !== String(index + 1) ||
        elementAt(segment, 2) !== expectedParent ||
        elementAt(segment, 3) !== level.code
      ) {
        throw new X12SyntaxError(
          `HL segment ${index + 1} must open the ${level.name} level ` +
            `(HL*${index + 1}*${expectedParent}*${level.code}).`,
        );
      }
      groups.push([]);
    } else {
      const current = groups[groups.length - 1];
      if (!current) {
        throw new X12SyntaxError(
          `Segment ${segment.position} (${segment.id}) comes before the first HL segment.`,
        );
      }
      current.push(segment);
    }
  }
  const [informationSource, informationReceiver, subscriber] = groups;
  if (!informationSource) {
    throw new X12SyntaxError("The transaction set has no information source (HL*1**20) loop.");
  }
  return {
    bht,
    informationSource,
    ...(informationReceiver ? { informationReceiver } : {}),
    ...(subscriber ? { subscriber } : {}),
  };
}

/** The one segment of `id` whose first element is `qualifier`, if any. */
export function findQualified(
  segments: readonly X12Segment[] | undefined,
  id: string,
  qualifier: string,
): X12Segment | undefined {
  return segments?.find((segment) => segment.id === id && elementAt(segment, 1) === qualifier);
}

/** Like findQualified, but missing is a syntax error naming the segment. */
export function requireQualified(
  segments: readonly X12Segment[] | undefined,
  id: string,
  qualifier: string,
  where: string,
): X12Segment {
  const segment = findQualified(segments, id, qualifier);
  if (!segment) throw new X12SyntaxError(`The ${where} has no ${id}*${qualifier} segment.`);
  return segment;
}

/** A required element: present and non-empty, else a syntax error naming it. */
export function requireElement(segment: X12Segment, position: number, label: string): string {
  const value = elementAt(segment, position);
  if (value === "") {
    throw new X12SyntaxError(`${elementReference(segment.id, position)} (${label}) is missing.`);
  }
  return value;
}
