import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DataKeyDestroyedError,
  DecryptionError,
  type KeySource,
  decryptField,
  encryptField,
  encryptFieldWithRing,
  envelopeKey,
  newDataKey,
  unwrapDataKey,
  wrapDataKey,
} from "@/lib/crypto/field-cipher";
import { KeyRingError, parseKeyRing } from "@/lib/crypto/keyring";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const ring = parseKeyRing(`a:${keyA}`);
const here = { table: "patient_profiles", column: "allergies", rowId: "row-1" };
const alice = { id: randomUUID(), key: newDataKey() };
const bob = { id: randomUUID(), key: newDataKey() };
const keys: KeySource = {
  ring,
  dataKey: (id) => (id === alice.id ? alice.key : id === bob.id ? bob.key : undefined),
};

function flipByte(envelope: string, position: number): string {
  const parts = envelope.split(":");
  const body = Buffer.from(parts[3]!, "base64url");
  body[position] = body[position]! ^ 0x01;
  parts[3] = body.toString("base64url");
  return parts.join(":");
}

describe("field cipher", () => {
  it("round-trips with the owner's data key and never repeats a nonce or ciphertext", () => {
    const first = encryptField("Penicillin", here, alice);
    const second = encryptField("Penicillin", here, alice);
    expect(first).not.toBe(second);
    expect(first.split(":")[2]).not.toBe(second.split(":")[2]);
    expect(Buffer.from(first.split(":")[2]!, "base64url")).toHaveLength(12);
    expect(first).not.toContain("Penicillin");
    expect(envelopeKey(first, here)).toEqual({ version: "v2", keyId: alice.id });
    expect(decryptField(first, here, keys)).toBe("Penicillin");
    expect(decryptField(encryptField("", here, alice), here, keys)).toBe("");
    expect(decryptField(encryptField("Ünïcødé ✓", here, alice), here, keys)).toBe("Ünïcødé ✓");
  });

  it("cannot be read with another person's data key", () => {
    const envelope = encryptField("Penicillin", here, alice);
    const pointedAtBob = envelope.replace(alice.id, bob.id);
    expect(() => decryptField(pointedAtBob, here, keys)).toThrow(/failed its integrity check/);
  });

  it("says a value belongs to an erased person once their data key is destroyed", () => {
    const envelope = encryptField("Penicillin", here, alice);
    const erased: KeySource = { ring, dataKey: (id) => (id === alice.id ? null : undefined) };
    expect(() => decryptField(envelope, here, erased)).toThrow(DataKeyDestroyedError);
    expect(() => decryptField(envelope, here, erased)).toThrow(/belongs to a person whose data was erased/);
  });

  it("still reads legacy values encrypted directly with a key of the ring", () => {
    const legacy = encryptFieldWithRing("value", here, ring);
    expect(envelopeKey(legacy, here)).toEqual({ version: "v1", keyId: "a" });
    const rotated = parseKeyRing(`b:${keyB},a:${keyA}`);
    expect(decryptField(legacy, here, { ring: rotated, dataKey: () => undefined })).toBe("value");
    expect(() =>
      decryptField(legacy, here, { ring: parseKeyRing(`b:${keyB}`), dataKey: () => undefined }),
    ).toThrow(/key a, which is not configured/);
  });

  it("fails with an integrity error when any byte is flipped", () => {
    const envelope = encryptField("Penicillin", here, alice);
    for (const position of [0, 5, 10, 12, 25]) {
      expect(() => decryptField(flipByte(envelope, position), here, keys)).toThrow(DecryptionError);
    }
    expect(() => decryptField(flipByte(envelope, 0), here, keys)).toThrow(
      /patient_profiles\.allergies of row row-1 failed its integrity check/,
    );
  });

  it("fails when the value is moved to another row, column or table", () => {
    const envelope = encryptField("Penicillin", here, alice);
    expect(() => decryptField(envelope, { ...here, rowId: "row-2" }, keys)).toThrow(DecryptionError);
    expect(() => decryptField(envelope, { ...here, column: "medical_history" }, keys)).toThrow(
      DecryptionError,
    );
    expect(() => decryptField(envelope, { ...here, table: "users" }, keys)).toThrow(DecryptionError);
  });

  it("names a key that was not loaded and an unknown format without revealing the value", () => {
    const envelope = encryptField("secret-value", here, { id: randomUUID(), key: newDataKey() });
    expect(() => decryptField(envelope, here, keys)).toThrow(/needs data key .* which was not loaded/);
    expect(() => decryptField("plaintext", here, keys)).toThrow(/not an encrypted value/);
  });
});

describe("wrapped data keys", () => {
  const owner = { dataKeyId: randomUUID(), ownerId: randomUUID() };

  it("wrap with the ring's active key and unwrap with any key of the ring", () => {
    const key = newDataKey();
    const { wrapped, ringKeyId } = wrapDataKey(key, owner, ring);
    expect(ringKeyId).toBe("a");
    expect(wrapped.startsWith("dk1:a:")).toBe(true);
    expect(wrapped).not.toContain(key.toString("base64url"));
    const rotated = parseKeyRing(`b:${keyB},a:${keyA}`);
    expect(unwrapDataKey(wrapped, owner, rotated).equals(key)).toBe(true);
    const rewrapped = wrapDataKey(unwrapDataKey(wrapped, owner, rotated), owner, rotated);
    expect(rewrapped.ringKeyId).toBe("b");
    expect(unwrapDataKey(rewrapped.wrapped, owner, parseKeyRing(`b:${keyB}`)).equals(key)).toBe(true);
  });

  it("are bound to their id and owner: a wrapped key moved to another person fails", () => {
    const { wrapped } = wrapDataKey(newDataKey(), owner, ring);
    expect(() => unwrapDataKey(wrapped, { ...owner, ownerId: randomUUID() }, ring)).toThrow(
      /integrity check/,
    );
    expect(() => unwrapDataKey(wrapped, { ...owner, dataKeyId: randomUUID() }, ring)).toThrow(
      /integrity check/,
    );
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
