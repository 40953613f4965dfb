// A backup's manifest: what the backup holds (every file with its size and SHA-256, the schema
// version, row counts, the signed audit checkpoint), authenticated with an HMAC under a key derived
// from the backup key. A restore trusts nothing in a backup before this MAC and every checksum verify.
import { createHash, createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { BackupKey } from "./segmented-aead";

export const MANIFEST_FORMAT = "haven-backup";
export const MANIFEST_VERSION = 1;
export const MANIFEST_FILE = "manifest.json";
export const DUMP_FILE = "database.sql.gz.enc";
export const CHECKPOINTS_FILE = "audit-checkpoints.jsonl.enc";
export const DOCUMENTS_DIR = "documents";

/** Backup ids sort by time: 20261202T023000Z-1a2b. */
export const BACKUP_ID_PATTERN = /^\d{8}T\d{6}Z-[0-9a-f]{4}$/;

/** A path inside the backup's folder: segments joined by "/", never "." or "..", never absolute. */
const RELATIVE_PATH = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

const fileSchema = z.object({
  path: z.string().regex(RELATIVE_PATH),
  /** What the file holds (its label in the encrypted header). */
  label: z.string(),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const documentSchema = z.object({
  storageKey: z.string(),
  path: z.string().regex(RELATIVE_PATH),
  /** SHA-256 of the object as the document store held it (already encrypted per file). */
  objectSha256: z.string().regex(/^[0-9a-f]{64}$/),
  objectBytes: z.number().int().min(0),
});

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(MANIFEST_VERSION),
  id: z.string().regex(BACKUP_ID_PATTERN),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  /** Public fingerprint of the backup key (never the key). */
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  /** The newest migration applied (`_prisma_migrations`), so a restore knows the schema it gets. */
  schemaVersion: z.string().nullable(),
  postgresVersion: z.string(),
  /** Rows per table in the public schema, counted in the dump's own snapshot. */
  rowCounts: z.record(z.string(), z.number().int().min(0)),
  /** The audit chain's head when the backup started, signed (lib/audit/checkpoints.ts). */
  auditCheckpoint: z
    .object({ sealSequence: z.string(), hash: z.string(), at: z.string(), line: z.string() })
    .nullable(),
  files: z.array(fileSchema),
  documents: z.array(documentSchema),
  /** Document rows whose object the store did not have when the backup was taken. */
  documentsMissing: z.number().int().min(0),
  totalBytes: z.number().int().min(0),
});

export type BackupManifest = z.infer<typeof manifestSchema>;

const signedManifestSchema = manifestSchema.extend({ mac: z.string().regex(/^[0-9a-f]{64}$/) });

/** JSON with sorted keys, so the MAC does not depend on property order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The backup key and its public id: HMAC-SHA-256(key, constant), first 16 bytes. */
export function backupKeyFrom(key: Buffer): BackupKey {
  if (key.length !== 32) throw new Error("the backup key must be 32 bytes");
  const keyId = createHmac("sha256", key).update("haven-backup-key-id-v1").digest().subarray(0, 16);
  return { key, keyId };
}

function manifestMacKey(key: BackupKey): Buffer {
  return Buffer.from(hkdfSync("sha256", key.key, Buffer.alloc(0), "haven-backup-manifest-v1", 32));
}

function macOf(key: BackupKey, manifest: BackupManifest): string {
  return createHmac("sha256", manifestMacKey(key))
    .update(`${MANIFEST_FORMAT}|${canonicalJson(manifest)}`)
    .digest("hex");
}

export function signManifest(key: BackupKey, manifest: BackupManifest): string {
  return `${JSON.stringify({ ...manifest, mac: macOf(key, manifest) }, null, 2)}\n`;
}

export class ManifestError extends Error {
  override name = "ManifestError";
}

/** Parses and authenticates a manifest; throws ManifestError naming what is wrong. */
export function verifyManifest(key: BackupKey, text: string): BackupManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ManifestError("the manifest is not valid JSON");
  }
  const parsed = signedManifestSchema.safeParse(raw);
  if (!parsed.success) throw new ManifestError("the manifest is malformed or of an unknown version");
  const { mac, ...manifest } = parsed.data;
  if (manifest.keyId !== key.keyId.toString("hex")) {
    throw new ManifestError(
      `the backup was made with another backup key (key id ${manifest.keyId}, this key is ${key.keyId.toString("hex")})`,
    );
  }
  const expected = Buffer.from(macOf(key, manifest), "hex");
  if (!timingSafeEqual(expected, Buffer.from(mac, "hex"))) {
    throw new ManifestError("the manifest's MAC does not verify: it was changed after the backup");
  }
  return manifest;
}

/** Reads the manifest's fields without the key (listing backups); null when unreadable. */
export function peekManifest(text: string): BackupManifest | null {
  try {
    const parsed = signedManifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export const sha256Hex = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
