// What a 271's AAA (request validation) segment means for Haven. AAA03 is the reject reason
// (005010X279A1 code list); the guide's descriptions are generic, so they are safe to show:
// none of them carries member details.

/** A subscriber the payer cannot match: a `not_found` result the patient can act on. */
export const SUBSCRIBER_NOT_FOUND_REASONS = {
  "58": "The insurer could not match the date of birth. Check it and try again.",
  "71": "The date of birth does not match the insurer's records. Check it and try again.",
  "72": "The insurer does not recognise this member ID. Check it against your insurance card.",
  "73": "The insurer could not match the name. Use it exactly as it appears on your insurance card.",
  "75": "The insurer could not find this member. Check the member ID, name and date of birth against your insurance card.",
} as const;

export type SubscriberNotFoundCode = keyof typeof SUBSCRIBER_NOT_FOUND_REASONS;

/** The payer cannot answer now: retryable (PayerError "unavailable"). */
export const PAYER_UNAVAILABLE_REASONS = {
  "42": "The payer cannot answer eligibility requests at the moment.",
  "80": "The payer did not receive a response in time and ended the request.",
} as const;

/** Everything else is a refusal of the request itself (PayerError "rejected"). */
export const PAYER_REJECTION_REASONS: Readonly<Record<string, string>> = {
  "04": "Authorized quantity exceeded.",
  "15": "Required application data missing.",
  "41": "Authorization/access restrictions.",
  "43": "Invalid or missing provider identification.",
  "44": "Invalid or missing provider name.",
  "45": "Invalid or missing provider specialty.",
  "46": "Invalid or missing provider phone number.",
  "47": "Invalid or missing provider state.",
  "48": "Invalid or missing referring provider identification number.",
  "49": "Provider is not primary care physician.",
  "50": "Provider ineligible for inquiries.",
  "51": "Provider not on file.",
  "52": "Service dates not within provider plan enrollment.",
  "53": "Inquired benefit inconsistent with provider type.",
  "54": "Inappropriate product/service ID qualifier.",
  "55": "Inappropriate product/service ID.",
  "56": "Inappropriate date.",
  "57": "Invalid or missing date(s) of service.",
  "60": "Date of birth follows date(s) of service.",
  "61": "Date of death precedes date(s) of service.",
  "62": "Date of service not within allowable inquiry period.",
  "63": "Date of service in future.",
  "69": "Inconsistent with patient's age.",
  "70": "Inconsistent with patient's gender.",
  "74": "Invalid or missing subscriber/insured gender code.",
  "76": "Duplicate subscriber/insured ID number.",
  "78": "Subscriber/insured not in group/plan identified.",
  "79": "Invalid participant identification.",
  "97": "Invalid or missing provider address.",
  T4: "Payer name or identifier missing.",
};

/** AAA04, the follow-up action the payer asks for. */
export type AaaFollowUpCode = "C" | "N" | "P" | "R" | "S" | "W" | "X" | "Y";

const FOLLOW_UP_CODES: ReadonlySet<string> = new Set(["C", "N", "P", "R", "S", "W", "X", "Y"]);

export function isFollowUpCode(code: string): code is AaaFollowUpCode {
  return FOLLOW_UP_CODES.has(code);
}

export function isSubscriberNotFoundCode(code: string): code is SubscriberNotFoundCode {
  return Object.hasOwn(SUBSCRIBER_NOT_FOUND_REASONS, code);
}

/** The AAA03 Haven writes for a `not_found` reason: the code whose wording it is, else 75. */
export function subscriberNotFoundCode(reason: string): SubscriberNotFoundCode {
  const entry = Object.entries(SUBSCRIBER_NOT_FOUND_REASONS).find(([, text]) => text === reason);
  return (entry?.[0] as SubscriberNotFoundCode | undefined) ?? "75";
}

/** A readable sentence for any AAA03 code, for PayerError messages. */
export function describeRejectReason(code: string): string {
  if (isSubscriberNotFoundCode(code)) return SUBSCRIBER_NOT_FOUND_REASONS[code];
  if (Object.hasOwn(PAYER_UNAVAILABLE_REASONS, code)) {
    return PAYER_UNAVAILABLE_REASONS[code as keyof typeof PAYER_UNAVAILABLE_REASONS];
  }
  const known = PAYER_REJECTION_REASONS[code];
  return known ? `The payer refused the request: ${known}` : "The payer refused the request.";
}
