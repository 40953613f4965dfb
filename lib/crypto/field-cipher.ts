// AES-256-GCM for single PHI values. Each value gets a random 96-bit nonce and
// is bound (associated data) to its table, column and row id, so a ciphertext
// copied to another row or column fails to decrypt.
//
// Envelope (text): v1:<keyId>:<nonce, base64url>:<ciphertext‖tag, base64url>
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { KeyRing } from "./keyring";

const FORMAT_VERSION = "v1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface FieldBinding {
  table: string;
  column: string;
  rowId: string;
}

/** A value failed its integrity check or cannot be decrypted; the message names the place, never the value. */
export class DecryptionError extends Error {
  override name = "DecryptionError";
}

function associatedData({ table, column, rowId }: FieldBinding): Buffer {
  return Buffer.from(`haven:${FORMAT_VERSION}|${table}|${column}|${rowId}`, "utf8");
}

export function encryptField(plaintext: string, binding: FieldBinding, ring: KeyRing): string {
  const key = ring.keys.get(ring.activeKeyId);
  if (!key) throw new Error("the active key is missing from the key ring");
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(binding));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return [FORMAT_VERSION, ring.activeKeyId, nonce.toString("base64url"), body.toString("base64url")].join(
    ":",
  );
}

export interface ParsedEnvelope {
  keyId: string;
  nonce: Buffer;
  body: Buffer;
}

export function parseEnvelope(envelope: string, binding: FieldBinding): ParsedEnvelope {
  const parts = envelope.split(":");
  const [version, keyId, nonce, body] = parts;
  if (parts.length !== 4 || version !== FORMAT_VERSION || !keyId || !nonce || !body) {
    throw new DecryptionError(`${describe(binding)} is not an encrypted value (unknown envelope format)`);
  }
  return { keyId, nonce: Buffer.from(nonce, "base64url"), body: Buffer.from(body, "base64url") };
}

/** The key id an envelope was written with (for rotation), without decrypting it. */
export function envelopeKeyId(envelope: string, binding: FieldBinding): string {
  return parseEnvelope(envelope, binding).keyId;
}

export function decryptField(envelope: string, binding: FieldBinding, ring: KeyRing): string {
  const { keyId, nonce, body } = parseEnvelope(envelope, binding);
  const key = ring.keys.get(keyId);
  if (!key)
    throw new DecryptionError(
      `${describe(binding)} was encrypted with key ${keyId}, which is not configured`,
    );
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) {
    throw new DecryptionError(`${describe(binding)} failed its integrity check (malformed envelope)`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(binding));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]).toString("utf8");
  } catch {
    throw new DecryptionError(
      `${describe(binding)} failed its integrity check: the value was altered or belongs to another row or column`,
    );
  }
}

function describe({ table, column, rowId }: FieldBinding): string {
  return `${table}.${column} of row ${rowId}`;
}
