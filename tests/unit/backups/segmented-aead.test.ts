import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { backupKeyFrom } from "@/lib/domain/backups/manifest";
import { createDecryptStream, createEncryptStream } from "@/lib/domain/backups/segmented-aead";

const key = backupKeyFrom(randomBytes(32));
const SEGMENT = 1024;
const HEADER = 8 + 4 + 16 + 32 + 7 + 2 + "dump".length;
const SEALED = SEGMENT + 16;

async function collect(source: Readable, transform: NodeJS.ReadWriteStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeline(
    source,
    transform,
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        callback();
      },
    }),
  );
  return Buffer.concat(chunks);
}

/** Feeds data in uneven chunks, as a file or a pipe would. */
function chunked(data: Buffer): Readable {
  const parts: Buffer[] = [];
  for (let at = 0, size = 1; at < data.length; at += size, size = (size * 7) % 3001 || 1) {
    parts.push(data.subarray(at, at + size));
  }
  return Readable.from(parts);
}

const encrypt = (plain: Buffer, label = "dump") =>
  collect(chunked(plain), createEncryptStream(key, label, SEGMENT));
const decrypt = (sealed: Buffer, k = key, expectedLabel?: string) =>
  collect(chunked(sealed), createDecryptStream(k, expectedLabel ? { expectedLabel } : {}));

describe("segmented AEAD backup format", () => {
  it("round-trips empty, exact-multiple and uneven inputs", async () => {
    for (const size of [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, 5 * SEGMENT + 17]) {
      const plain = randomBytes(size);
      const sealed = await encrypt(plain);
      const segments = Math.max(1, Math.ceil(size / SEGMENT));
      expect(sealed.length).toBe(HEADER + size + segments * 16);
      expect(await decrypt(sealed)).toEqual(plain);
    }
  });

  it("never shows the plaintext", async () => {
    const canary = Buffer.from("CANARY-PLAINTEXT-".repeat(200));
    const sealed = await encrypt(canary);
    expect(sealed.includes(Buffer.from("CANARY"))).toBe(false);
  });

  it("refuses a stream truncated at a segment boundary or inside a segment", async () => {
    const sealed = await encrypt(randomBytes(3 * SEGMENT + 10));
    await expect(decrypt(sealed.subarray(0, HEADER + 2 * SEALED))).rejects.toThrow(
      /truncated|authentication/,
    );
    await expect(decrypt(sealed.subarray(0, sealed.length - 5))).rejects.toThrow(/truncated|authentication/);
    await expect(decrypt(sealed.subarray(0, HEADER - 3))).rejects.toThrow(/truncated/);
  });

  it("refuses reordered or dropped segments", async () => {
    const sealed = await encrypt(randomBytes(3 * SEGMENT + 10));
    const header = sealed.subarray(0, HEADER);
    const seg = (i: number) => sealed.subarray(HEADER + i * SEALED, HEADER + (i + 1) * SEALED);
    const tail = sealed.subarray(HEADER + 3 * SEALED);
    await expect(decrypt(Buffer.concat([header, seg(1), seg(0), seg(2), tail]))).rejects.toThrow(/segment 0/);
    await expect(decrypt(Buffer.concat([header, seg(0), seg(2), tail]))).rejects.toThrow(/segment 1/);
  });

  it("refuses a flipped byte anywhere: header, ciphertext or tag", async () => {
    const sealed = await encrypt(randomBytes(2 * SEGMENT + 100));
    for (const at of [HEADER - 1, HEADER + 20, HEADER + SEALED - 1, sealed.length - 1, 20]) {
      const changed = Buffer.from(sealed);
      changed[at] = (changed[at] ?? 0) ^ 0x01;
      await expect(decrypt(changed)).rejects.toThrow();
    }
  });

  it("refuses another key (by its id, and by authentication if the id were forged)", async () => {
    const sealed = await encrypt(randomBytes(100));
    const other = backupKeyFrom(randomBytes(32));
    await expect(decrypt(sealed, other)).rejects.toThrow(/another backup key/);
    await expect(decrypt(sealed, { key: other.key, keyId: key.keyId })).rejects.toThrow(/authentication/);
  });

  it("refuses bytes appended after the last segment and a file of another role", async () => {
    const sealed = await encrypt(randomBytes(100));
    await expect(decrypt(Buffer.concat([sealed, randomBytes(SEALED + 1)]))).rejects.toThrow();
    await expect(decrypt(sealed, key, "documents/x")).rejects.toThrow(/expected "documents\/x"/);
    expect((await decrypt(sealed, key, "dump")).length).toBe(100);
  });
});
