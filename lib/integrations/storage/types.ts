// Where documents' encrypted bytes live. The documents area owns this
// interface; what goes in is already ciphertext (lib/crypto/file-cipher.ts), so
// a store never sees a readable file.

/** Keys are random and opaque: letters, digits, "-" and "_" only (never a path). */
export const STORAGE_KEY_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function assertStorageKey(key: string): void {
  if (!STORAGE_KEY_PATTERN.test(key)) throw new Error("invalid storage key");
}

export interface ObjectStore {
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The stored bytes, or null when nothing is stored under the key. */
  get(key: string): Promise<Buffer | null>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
}
