// The backup file format: AES-256-GCM over fixed-size segments (the STREAM construction of
// Hoang, Reyhanitabar, Rogaway and Vizár), so a restore can decrypt as it reads and still detects
// a changed, reordered, dropped or truncated segment. One GCM tag over a whole dump would only
// authenticate at the very end, after psql had already run what it read.
//
//   header  = "HVNBAK01" | u32 segment size | 16-byte key id | 32-byte salt | 7-byte nonce prefix
//             | u16 label length | label (the file's role in the backup, e.g. "dump.sql.gz")
//   segment = AES-256-GCM(fileKey, nonce = prefix | u32 counter | last?1:0,
//                         aad = header | last?1:0) → ciphertext | 16-byte tag
//
// fileKey = HKDF-SHA-256(backup key, salt, "haven-backup-segment-v1"): every file has its own key,
// so nonces never repeat under one key. Every segment but the last carries exactly `segment size`
// bytes; the last carries 0 to `segment size` and is the only one flagged last, so a stream cut at
// a segment boundary fails (its final segment was not sealed as last). The label in the header
// (authenticated by every segment) stops one file of a backup from being swapped for another.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

const MAGIC = Buffer.from("HVNBAK01", "ascii");
const KEY_ID_BYTES = 16;
const SALT_BYTES = 32;
const PREFIX_BYTES = 7;
const TAG_BYTES = 16;
const FIXED_HEADER_BYTES = MAGIC.length + 4 + KEY_ID_BYTES + SALT_BYTES + PREFIX_BYTES + 2;
export const DEFAULT_SEGMENT_BYTES = 64 * 1024;
const MAX_SEGMENT_BYTES = 16 * 1024 * 1024;
const MAX_SEGMENTS = 2 ** 32 - 1;

export class BackupFormatError extends Error {
  override name = "BackupFormatError";
}

export interface BackupKey {
  /** 32 bytes. */
  key: Buffer;
  /** A public fingerprint of the key (HMAC of a constant), written into every header. */
  keyId: Buffer;
}

function fileKey(key: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", key, salt, "haven-backup-segment-v1", 32));
}

function nonceOf(prefix: Buffer, counter: number, last: boolean): Buffer {
  const nonce = Buffer.alloc(12);
  prefix.copy(nonce, 0);
  nonce.writeUInt32BE(counter, PREFIX_BYTES);
  nonce[11] = last ? 1 : 0;
  return nonce;
}

function aadOf(header: Buffer, last: boolean): Buffer {
  return Buffer.concat([header, Buffer.from([last ? 1 : 0])]);
}

interface Header {
  bytes: Buffer;
  segmentBytes: number;
  keyId: Buffer;
  salt: Buffer;
  prefix: Buffer;
  label: string;
}

function buildHeader(keyId: Buffer, segmentBytes: number, label: string): Header {
  const labelBytes = Buffer.from(label, "utf8");
  if (labelBytes.length > 1024) throw new BackupFormatError("label too long");
  const salt = randomBytes(SALT_BYTES);
  const prefix = randomBytes(PREFIX_BYTES);
  const bytes = Buffer.alloc(FIXED_HEADER_BYTES + labelBytes.length);
  let at = MAGIC.copy(bytes, 0);
  at = bytes.writeUInt32BE(segmentBytes, at);
  at += keyId.copy(bytes, at, 0, KEY_ID_BYTES);
  at += salt.copy(bytes, at);
  at += prefix.copy(bytes, at);
  at = bytes.writeUInt16BE(labelBytes.length, at);
  labelBytes.copy(bytes, at);
  return { bytes, segmentBytes, keyId: keyId.subarray(0, KEY_ID_BYTES), salt, prefix, label };
}

/** Parses a header from the start of `data`; null while more bytes are needed. */
function parseHeader(data: Buffer): Header | null {
  if (data.length < FIXED_HEADER_BYTES) return null;
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BackupFormatError("not a Haven backup file (bad magic)");
  }
  let at = MAGIC.length;
  const segmentBytes = data.readUInt32BE(at);
  at += 4;
  if (segmentBytes < 1 || segmentBytes > MAX_SEGMENT_BYTES) {
    throw new BackupFormatError("corrupt header (segment size)");
  }
  const keyId = Buffer.from(data.subarray(at, at + KEY_ID_BYTES));
  at += KEY_ID_BYTES;
  const salt = Buffer.from(data.subarray(at, at + SALT_BYTES));
  at += SALT_BYTES;
  const prefix = Buffer.from(data.subarray(at, at + PREFIX_BYTES));
  at += PREFIX_BYTES;
  const labelLength = data.readUInt16BE(at);
  at += 2;
  if (data.length < at + labelLength) return null;
  const label = data.subarray(at, at + labelLength).toString("utf8");
  return {
    bytes: Buffer.from(data.subarray(0, at + labelLength)),
    segmentBytes,
    keyId,
    salt,
    prefix,
    label,
  };
}

/** A Transform that encrypts its input into the segmented format. */
export function createEncryptStream(
  backupKey: BackupKey,
  label: string,
  segmentBytes = DEFAULT_SEGMENT_BYTES,
): Transform {
  const header = buildHeader(backupKey.keyId, segmentBytes, label);
  const key = fileKey(backupKey.key, header.salt);
  let counter = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let headerSent = false;

  const seal = (plain: Buffer, last: boolean): Buffer => {
    if (counter >= MAX_SEGMENTS) throw new BackupFormatError("file too large for one backup stream");
    const cipher = createCipheriv("aes-256-gcm", key, nonceOf(header.prefix, counter, last));
    cipher.setAAD(aadOf(header.bytes, last));
    const out = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    counter += 1;
    return out;
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        if (!headerSent) {
          this.push(header.bytes);
          headerSent = true;
        }
        pending.push(chunk);
        pendingBytes += chunk.length;
        // Keep at least one byte back: the segment that ends the stream must be sealed as last.
        if (pendingBytes > segmentBytes) {
          let data = Buffer.concat(pending);
          while (data.length > segmentBytes) {
            this.push(seal(data.subarray(0, segmentBytes), false));
            data = data.subarray(segmentBytes);
          }
          pending = [data];
          pendingBytes = data.length;
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        if (!headerSent) this.push(header.bytes);
        this.push(seal(Buffer.concat(pending), true));
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

export interface DecryptOptions {
  /** When given, the header's label must be this (the file's role in the backup). */
  expectedLabel?: string;
}

/**
 * A Transform that decrypts the segmented format, releasing each segment only once its tag has
 * verified. It errors on a wrong key, a changed byte, reordered or missing segments, bytes after the
 * last segment and a stream that ends before a segment flagged last.
 */
export function createDecryptStream(backupKey: BackupKey, options: DecryptOptions = {}): Transform {
  let buffered: Buffer = Buffer.alloc(0);
  let header: Header | null = null;
  let key: Buffer | null = null;
  let counter = 0;
  let finished = false;

  const open = (sealed: Buffer, last: boolean): Buffer => {
    if (!header || !key) throw new BackupFormatError("missing header");
    if (sealed.length < TAG_BYTES) throw new BackupFormatError("backup file truncated");
    const decipher = createDecipheriv("aes-256-gcm", key, nonceOf(header.prefix, counter, last));
    decipher.setAAD(aadOf(header.bytes, last));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
      counter += 1;
      return plain;
    } catch {
      throw new BackupFormatError(
        last
          ? `backup file corrupt or truncated at segment ${counter} (authentication failed)`
          : `backup file corrupt at segment ${counter} (authentication failed)`,
      );
    }
  };

  const readHeader = () => {
    if (header) return;
    header = parseHeader(buffered);
    if (!header) return;
    if (!timingSafeEqual(header.keyId, backupKey.keyId.subarray(0, KEY_ID_BYTES))) {
      throw new BackupFormatError(
        `this backup was made with another backup key (key id ${header.keyId.toString("hex").slice(0, 16)})`,
      );
    }
    if (options.expectedLabel !== undefined && header.label !== options.expectedLabel) {
      throw new BackupFormatError(`backup file is "${header.label}", expected "${options.expectedLabel}"`);
    }
    key = fileKey(backupKey.key, header.salt);
    buffered = buffered.subarray(header.bytes.length);
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      try {
        if (finished) throw new BackupFormatError("bytes after the last segment");
        buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
        readHeader();
        if (header) {
          const sealedBytes = header.segmentBytes + TAG_BYTES;
          // A full segment followed by more bytes cannot be the last one.
          while (buffered.length > sealedBytes) {
            this.push(open(buffered.subarray(0, sealedBytes), false));
            buffered = buffered.subarray(sealedBytes);
          }
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        readHeader();
        if (!header) throw new BackupFormatError("backup file truncated (incomplete header)");
        this.push(open(buffered, true));
        finished = true;
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** The label a file was sealed with, read from its header without the key. */
export function readLabel(headerBytes: Buffer): string | null {
  return parseHeader(headerBytes)?.label ?? null;
}
