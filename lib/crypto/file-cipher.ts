// Whole-file AES-256-GCM for uploaded documents. Every file has its own random
// 32-byte key (kept in the document row, where the data layer encrypts it under
// the patient's data key), a random 96-bit nonce, and associated data binding
// the bytes to their document id, so a stored file swapped onto another
// document's row fails to decrypt.
//
// Layout: "HVF1" (magic and version) ‖ nonce (12) ‖ ciphertext ‖ tag (16).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const MAGIC = Buffer.from("HVF1", "ascii");
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const FILE_KEY_BYTES = 32;

/** The bytes are damaged, were moved to another document, or the key is wrong (never names the file). */
export class FileDecryptionError extends Error {
  override name = "FileDecryptionError";
}

export function generateFileKey(): Buffer {
  return randomBytes(FILE_KEY_BYTES);
}

const associatedData = (documentId: string) => Buffer.from(`haven:file:v1|${documentId}`, "utf8");

function checkKey(key: Buffer): void {
  if (key.length !== FILE_KEY_BYTES) throw new Error(`a file key has ${FILE_KEY_BYTES} bytes`);
}

export function encryptFile(key: Buffer, documentId: string, plaintext: Uint8Array): Buffer {
  checkKey(key);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(documentId));
  return Buffer.concat([MAGIC, nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

export function decryptFile(key: Buffer, documentId: string, sealed: Uint8Array): Buffer {
  checkKey(key);
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const headerBytes = MAGIC.length + NONCE_BYTES;
  if (bytes.length < headerBytes + TAG_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new FileDecryptionError("The stored file is not in a format this version can read.");
  }
  const nonce = bytes.subarray(MAGIC.length, headerBytes);
  const body = bytes.subarray(headerBytes, bytes.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(documentId));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new FileDecryptionError("The stored file failed its integrity check.");
  }
}
