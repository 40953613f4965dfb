// Blind indexes: keyed HMAC-SHA-256 of a normalised value, so equality lookups
// work on encrypted columns without storing anything an attacker could reverse
// with a dictionary (a plain or salted hash could be).
import { createHmac } from "node:crypto";

export type Normalizer = (value: string) => string;

export const normalizeEmail: Normalizer = (value) => value.trim().toLowerCase();

/** Digits only, keeping a leading + (so "+1 (555) 010-0199" and "+15550100199" match). */
export const normalizePhone: Normalizer = (value) => {
  const trimmed = value.trim();
  return (trimmed.startsWith("+") ? "+" : "") + trimmed.replace(/\D/g, "");
};

/** `purpose` separates indexes (email vs phone) so equal inputs do not collide across columns. */
export function blindIndex(key: Buffer, purpose: string, normalizedValue: string): string {
  return createHmac("sha256", key).update(`${purpose}\u0000${normalizedValue}`, "utf8").digest("base64url");
}
