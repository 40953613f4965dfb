// The PHI key ring: one active key that encrypts, older keys that still decrypt.
// Keys come from configuration (or a KMS feeding it), never from the database.
import { randomBytes } from "node:crypto";

export const KEY_BYTES = 32;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

export interface KeyRing {
  activeKeyId: string;
  keys: ReadonlyMap<string, Buffer>;
}

export class KeyRingError extends Error {
  override name = "KeyRingError";
}

/**
 * Parses `id:base64key,id:base64key,…`. The first entry is the active key;
 * the rest only decrypt. Every key must be exactly 32 bytes (AES-256).
 */
export function parseKeyRing(spec: string): KeyRing {
  const entries = spec
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new KeyRingError("must list at least one key as id:base64key");
  const keys = new Map<string, Buffer>();
  for (const entry of entries) {
    const separator = entry.indexOf(":");
    const id = entry.slice(0, separator);
    const material = entry.slice(separator + 1);
    if (separator < 1 || !KEY_ID_PATTERN.test(id)) {
      throw new KeyRingError("each entry must be id:base64key with an id of letters, digits, - or _");
    }
    if (keys.has(id)) throw new KeyRingError(`key id ${id} appears twice`);
    keys.set(id, decodeKey(material, `key ${id}`));
  }
  return { activeKeyId: entries[0]!.slice(0, entries[0]!.indexOf(":")), keys };
}

/** Decodes base64 key material and insists on the exact length. */
export function decodeKey(material: string, label: string): Buffer {
  const key = Buffer.from(material, "base64");
  if (key.length !== KEY_BYTES || key.toString("base64").replace(/=+$/, "") !== material.replace(/=+$/, "")) {
    throw new KeyRingError(
      `${label} must be exactly ${KEY_BYTES} bytes, base64-encoded (openssl rand -base64 32)`,
    );
  }
  return key;
}

export function generateKeyMaterial(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

/** A new key id that sorts by creation time, e.g. k20261123a1b2. */
export function generateKeyId(now = new Date()): string {
  return `k${now.toISOString().slice(0, 10).replace(/-/g, "")}${randomBytes(2).toString("hex")}`;
}
