import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { FileDecryptionError, decryptFile, encryptFile, generateFileKey } from "@/lib/crypto/file-cipher";

describe("whole-file encryption", () => {
  const id = randomUUID();
  const plaintext = Buffer.from("%PDF-1.4 lab results for someone");

  it("round-trips, with a versioned header and a fresh nonce each time", () => {
    const key = generateFileKey();
    const sealed = encryptFile(key, id, plaintext);
    expect(sealed.subarray(0, 4).toString("ascii")).toBe("HVF1");
    expect(sealed.includes(plaintext.subarray(0, 8))).toBe(false);
    expect(decryptFile(key, id, sealed)).toEqual(plaintext);
    expect(encryptFile(key, id, plaintext).equals(sealed)).toBe(false);
  });

  it("refuses tampered bytes, another document's id, the wrong key and a foreign format", () => {
    const key = generateFileKey();
    const sealed = encryptFile(key, id, plaintext);
    const tampered = Buffer.from(sealed);
    tampered[20] = tampered[20]! ^ 1;
    expect(() => decryptFile(key, id, tampered)).toThrow(FileDecryptionError);
    expect(() => decryptFile(key, randomUUID(), sealed)).toThrow(FileDecryptionError);
    expect(() => decryptFile(generateFileKey(), id, sealed)).toThrow(FileDecryptionError);
    expect(() => decryptFile(key, id, Buffer.from("HVF0" + "x".repeat(40)))).toThrow(/format/);
    expect(() => decryptFile(key, id, sealed.subarray(0, 20))).toThrow(FileDecryptionError);
    expect(() => encryptFile(Buffer.alloc(16), id, plaintext)).toThrow(/32 bytes/);
  });
});
