// The code printed on a prescription and typed into /verify: random (it reveals
// nothing), 60 bits, in Crockford's base32 so that it reads aloud and types
// without ambiguity (no I, L, O, U; lower case and look-alikes are forgiven).
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const LENGTH = 12;
const GROUP = 4;

/** XXXX-XXXX-XXXX, as stored and printed. */
export const VERIFICATION_CODE_PATTERN =
  /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

function grouped(symbols: string): string {
  const groups: string[] = [];
  for (let i = 0; i < symbols.length; i += GROUP) groups.push(symbols.slice(i, i + GROUP));
  return groups.join("-");
}

export function newVerificationCode(): string {
  // 256 is a multiple of 32, so taking 5 bits of each byte keeps every symbol equally likely.
  const symbols = [...randomBytes(LENGTH)].map((byte) => ALPHABET[byte & 31]).join("");
  return grouped(symbols);
}

/** A code as someone typed it (spaces, dashes, lower case, O for 0, I or L for 1), or null when it cannot be one. */
export function normalizeVerificationCode(input: string): string | null {
  if (input.length > 40) return null;
  const symbols = input.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (symbols.length !== LENGTH || [...symbols].some((symbol) => !ALPHABET.includes(symbol))) return null;
  return grouped(symbols);
}
