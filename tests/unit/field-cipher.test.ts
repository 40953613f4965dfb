import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DecryptionError, decryptField, encryptField, envelopeKeyId } from "@/lib/crypto/field-cipher";
import { KeyRingError, parseKeyRing } from "@/lib/crypto/keyring";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const ring = parseKeyRing(`a:${keyA}`);
const here = { table: "patient_profiles", column: "allergies", rowId: "row-1" };

function flipByte(envelope: string, position: number): string {
  const parts = envelope.split(":");
  const body = Buffer.from(parts[3]!, "base64url");
  body[position] = body[position]! ^ 0x01;
  parts[3] = body.toString("base64url");
  return parts.join(":");
}

describe("field cipher", () => {
  it("round-trips and never repeats a nonce or ciphertext", () => {
    const first = encryptField("Penicillin", here, ring);
    const second = encryptField("Penicillin", here, ring);
    expect(first).not.toBe(second);
    expect(first.split(":")[2]).not.toBe(second.split(":")[2]);
    expect(Buffer.from(first.split(":")[2]!, "base64url")).toHaveLength(12);
    expect(first).not.toContain("Penicillin");
    expect(decryptField(first, here, ring)).toBe("Penicillin");
    expect(decryptField(encryptField("", here, ring), here, ring)).toBe("");
    expect(decryptField(encryptField("Ünïcødé ✓", here, ring), here, ring)).toBe("Ünïcødé ✓");
  });

  it("records the key id and decrypts with an older key of the ring", () => {
    const old = encryptField("value", here, ring);
    expect(envelopeKeyId(old, here)).toBe("a");
    const rotated = parseKeyRing(`b:${keyB},a:${keyA}`);
    expect(rotated.activeKeyId).toBe("b");
    expect(decryptField(old, here, rotated)).toBe("value");
    expect(envelopeKeyId(encryptField("value", here, rotated), here)).toBe("b");
  });

  it("fails with an integrity error when any byte is flipped", () => {
    const envelope = encryptField("Penicillin", here, ring);
    for (const position of [0, 5, 10, 12, 25]) {
      expect(() => decryptField(flipByte(envelope, position), here, ring)).toThrow(DecryptionError);
    }
    expect(() => decryptField(flipByte(envelope, 0), here, ring)).toThrow(
      /patient_profiles\.allergies of row row-1 failed its integrity check/,
    );
  });

  it("fails when the value is moved to another row, column or table", () => {
    const envelope = encryptField("Penicillin", here, ring);
    expect(() => decryptField(envelope, { ...here, rowId: "row-2" }, ring)).toThrow(DecryptionError);
    expect(() => decryptField(envelope, { ...here, column: "medical_history" }, ring)).toThrow(
      DecryptionError,
    );
    expect(() => decryptField(envelope, { ...here, table: "users" }, ring)).toThrow(DecryptionError);
  });

  it("names a missing key and an unknown format without revealing the value", () => {
    const envelope = encryptField("secret-value", here, parseKeyRing(`gone:${keyB}`));
    expect(() => decryptField(envelope, here, ring)).toThrow(/key gone, which is not configured/);
    expect(() => decryptField("plaintext", here, ring)).toThrow(/not an encrypted value/);
  });
});

describe("key ring", () => {
  it("refuses keys that are not exactly 32 bytes, bad ids and duplicates", () => {
    expect(() => parseKeyRing(`a:${randomBytes(31).toString("base64")}`)).toThrow(/exactly 32 bytes/);
    expect(() => parseKeyRing(`a:${randomBytes(33).toString("base64")}`)).toThrow(/exactly 32 bytes/);
    expect(() => parseKeyRing(`a b:${keyA}`)).toThrow(KeyRingError);
    expect(() => parseKeyRing(`a:${keyA},a:${keyB}`)).toThrow(/appears twice/);
    expect(() => parseKeyRing("")).toThrow(/at least one key/);
  });
});
