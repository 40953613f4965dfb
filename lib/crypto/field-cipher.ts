// AES-256-GCM for single PHI values. Each value gets a random 96-bit nonce and
// is bound (associated data) to its table, column and row id, so a ciphertext
// copied to another row or column fails to decrypt.
//
// Envelopes (text):
//   v2:<data key id>:<nonce>:<ciphertext‖tag>  encrypted with the owner's data key (data-keys.ts)
//   v1:<ring key id>:<nonce>:<ciphertext‖tag>  legacy, directly under a key of the ring; still decrypts,
//                                              `npm run keys:rotate` converts it to v2
// Data keys themselves are stored wrapped by the ring:
//   dk1:<ring key id>:<nonce>:<key‖tag>, bound to the data key's id and owner.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { KeyRing } from "./keyring";

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

export interface FieldBinding {
  table: string;
  column: string;
  rowId: string;
}

/** A value failed its integrity check or cannot be decrypted; the message names the place, never the value. */
export class DecryptionError extends Error {
  override name = "DecryptionError";
}

/** The value's data key was destroyed: the person's data was erased and can never be read again. */
export class DataKeyDestroyedError extends DecryptionError {
  override name = "DataKeyDestroyedError";
}

export interface DataKey {
  id: string;
  key: Buffer;
}

type Version = "v1" | "v2";

function associatedData(version: Version, { table, column, rowId }: FieldBinding): Buffer {
  return Buffer.from(`haven:${version}|${table}|${column}|${rowId}`, "utf8");
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer): { nonce: Buffer; body: Buffer } {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  return { nonce, body: Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]) };
}

/** Opens an AES-GCM body; null when the key, nonce, associated data or bytes do not match. */
function open(key: Buffer, nonce: Buffer, body: Buffer, aad: Buffer): Buffer | null {
  if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}

const join = (prefix: string, keyId: string, nonce: Buffer, body: Buffer) =>
  [prefix, keyId, nonce.toString("base64url"), body.toString("base64url")].join(":");

/** Encrypts a value with its owner's data key. */
export function encryptField(plaintext: string, binding: FieldBinding, dataKey: DataKey): string {
  const { nonce, body } = seal(dataKey.key, Buffer.from(plaintext, "utf8"), associatedData("v2", binding));
  return join("v2", dataKey.id, nonce, body);
}

/** Legacy: encrypts directly with the ring's active key (kept to test converting old values). */
export function encryptFieldWithRing(plaintext: string, binding: FieldBinding, ring: KeyRing): string {
  const key = ring.keys.get(ring.activeKeyId);
  if (!key) throw new Error("the active key is missing from the key ring");
  const { nonce, body } = seal(key, Buffer.from(plaintext, "utf8"), associatedData("v1", binding));
  return join("v1", ring.activeKeyId, nonce, body);
}

export interface ParsedEnvelope {
  version: Version;
  keyId: string;
  nonce: Buffer;
  body: Buffer;
}

export function parseEnvelope(envelope: string, binding: FieldBinding): ParsedEnvelope {
  const parts = envelope.split(":");
  const [version, keyId, nonce, body] = parts;
  if (parts.length !== 4 || (version !== "v1" && version !== "v2") || !keyId || !nonce || !body) {
    throw new DecryptionError(`${describe(binding)} is not an encrypted value (unknown envelope format)`);
  }
  return { version, keyId, nonce: Buffer.from(nonce, "base64url"), body: Buffer.from(body, "base64url") };
}

/** Which key an envelope needs: a data key (v2) or a key of the ring (legacy v1). */
export function envelopeKey(envelope: string, binding: FieldBinding): { version: Version; keyId: string } {
  const { version, keyId } = parseEnvelope(envelope, binding);
  return { version, keyId };
}

export interface KeySource {
  ring: KeyRing;
  /** The data key with this id: a Buffer, null when it was destroyed, undefined when not loaded. */
  dataKey(id: string): Buffer | null | undefined;
}

export function decryptField(envelope: string, binding: FieldBinding, keys: KeySource): string {
  const { version, keyId, nonce, body } = parseEnvelope(envelope, binding);
  let key: Buffer | null | undefined;
  if (version === "v1") {
    key = keys.ring.keys.get(keyId);
    if (!key)
      throw new DecryptionError(
        `${describe(binding)} was encrypted with key ${keyId}, which is not configured`,
      );
  } else {
    key = keys.dataKey(keyId);
    if (key === null) {
      throw new DataKeyDestroyedError(`${describe(binding)} belongs to a person whose data was erased`);
    }
    if (!key) throw new DecryptionError(`${describe(binding)} needs data key ${keyId}, which was not loaded`);
  }
  const plaintext = open(key, nonce, body, associatedData(version, binding));
  if (!plaintext) {
    throw new DecryptionError(
      `${describe(binding)} failed its integrity check: the value was altered or belongs to another row or column`,
    );
  }
  return plaintext.toString("utf8");
}

// ---- data keys, wrapped by the ring ------------------------------------------

export interface DataKeyOwner {
  dataKeyId: string;
  ownerId: string;
}

const wrapAad = ({ dataKeyId, ownerId }: DataKeyOwner) =>
  Buffer.from(`haven:dk1|${dataKeyId}|${ownerId}`, "utf8");

export function newDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

/** The data key wrapped by the ring's active key, bound to its id and owner. */
export function wrapDataKey(
  key: Buffer,
  owner: DataKeyOwner,
  ring: KeyRing,
): { wrapped: string; ringKeyId: string } {
  const ringKey = ring.keys.get(ring.activeKeyId);
  if (!ringKey) throw new Error("the active key is missing from the key ring");
  const { nonce, body } = seal(ringKey, key, wrapAad(owner));
  return { wrapped: join("dk1", ring.activeKeyId, nonce, body), ringKeyId: ring.activeKeyId };
}

export function unwrapDataKey(wrapped: string, owner: DataKeyOwner, ring: KeyRing): Buffer {
  const [prefix, ringKeyId, nonce, body] = wrapped.split(":");
  if (prefix !== "dk1" || !ringKeyId || !nonce || !body) {
    throw new DecryptionError(`data key ${owner.dataKeyId} is not a wrapped key`);
  }
  const ringKey = ring.keys.get(ringKeyId);
  if (!ringKey) {
    throw new DecryptionError(
      `data key ${owner.dataKeyId} is wrapped with key ${ringKeyId}, which is not configured`,
    );
  }
  const key = open(ringKey, Buffer.from(nonce, "base64url"), Buffer.from(body, "base64url"), wrapAad(owner));
  if (!key || key.length !== DATA_KEY_BYTES) {
    throw new DecryptionError(`data key ${owner.dataKeyId} failed its integrity check`);
  }
  return key;
}

function describe({ table, column, rowId }: FieldBinding): string {
  return `${table}.${column} of row ${rowId}`;
}
