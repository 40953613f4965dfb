// Refuses secrets a person typed instead of generated: long enough is not
// random enough ("aaaa…", "passwordpassword…", an all-zero key). Heuristics,
// tuned so that every value `openssl rand` or `npm run keys:generate` prints
// passes and patterned values fail; they cannot prove randomness.

/** Average bits per symbol of the value's own symbol frequencies (Shannon). */
function bitsPerSymbol(symbols: ArrayLike<number | string>): number {
  const counts = new Map<number | string, number>();
  for (let i = 0; i < symbols.length; i += 1) counts.set(symbols[i]!, (counts.get(symbols[i]!) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / symbols.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Share of distinct runs of three symbols: close to 1 for random values, low for repeated patterns. */
function distinctTrigramShare(symbols: ArrayLike<number | string>): number {
  const total = symbols.length - 2;
  if (total <= 0) return 0;
  const seen = new Set<string>();
  for (let i = 0; i < total; i += 1) seen.add(`${symbols[i]}\u0000${symbols[i + 1]}\u0000${symbols[i + 2]}`);
  return seen.size / total;
}

/**
 * Why a text secret (AUTH_SECRET) looks typed rather than generated, or null.
 * Random base64 has about 4.5–6 bits per character and no repeated trigrams;
 * random hex about 3.6 bits per character (as measured on the value itself).
 */
export function textSecretWeakness(value: string): string | null {
  const characters = [...value];
  if (new Set(characters).size === 1) return "repeats a single character";
  if (distinctTrigramShare(characters) < 0.75) return "repeats a pattern";
  // Measured on 32 characters the estimate runs low: random hex (`openssl rand -hex 16`) measures 2.7–4
  // bits, under 3 about once in 7,500 values (which a limit of 3 refused), under 2.8 once in a million.
  if (bitsPerSymbol(characters) < 2.5) return "uses too few different characters to be random";
  return null;
}

/** Why 32 bytes of key material are not a random key, or null. */
export function keyMaterialWeakness(key: Uint8Array): string | null {
  if (key.every((byte) => byte === 0)) return "is all zeros";
  if (key.every((byte) => byte === key[0])) return "repeats a single byte";
  const step = (key[1]! - key[0]! + 256) % 256;
  if (key.every((byte, i) => i === 0 || (byte - key[i - 1]! + 256) % 256 === step)) {
    return "is a counting sequence, not random bytes";
  }
  // 32 random bytes take about 30 different values; fewer than 16 happens by chance with
  // a probability far below 10^-12.
  if (new Set(key).size < 16 || distinctTrigramShare(key) < 0.75) return "repeats a pattern";
  return null;
}
