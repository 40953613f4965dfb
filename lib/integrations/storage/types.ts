// Where documents' encrypted bytes live. The documents area owns this
// interface; what goes in is already ciphertext (lib/crypto/file-cipher.ts), so
// a store never sees a readable file.

/** Keys are random and opaque: letters, digits, "-" and "_" only (never a path). */
export const STORAGE_KEY_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export function assertStorageKey(key: string): void {
  if (!STORAGE_KEY_PATTERN.test(key)) throw new Error("invalid storage key");
}

/**
 * The store has no room for the object (a full disk, a quota, an S3 507): nothing of it was kept.
 * Recognised by name, as errors.ts does, since Next may bundle this module more than once.
 */
export class StoreFullError extends Error {
  override name = "StoreFullError";
  constructor() {
    super("the document store is full");
  }

  static is(value: unknown): value is StoreFullError {
    return value instanceof Error && value.name === "StoreFullError";
  }
}

export interface ObjectStore {
  /** Stores the object whole or not at all; StoreFullError when there is no room. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The stored bytes, or null when nothing is stored under the key. */
  get(key: string): Promise<Buffer | null>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
}
