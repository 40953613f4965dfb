import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type BackupManifest,
  backupKeyFrom,
  canonicalJson,
  signManifest,
  verifyManifest,
} from "@/lib/domain/backups/manifest";

const key = backupKeyFrom(randomBytes(32));
const manifest: BackupManifest = {
  format: "haven-backup",
  version: 1,
  id: "20261202T023000Z-1a2b",
  createdAt: "2026-12-02T02:30:00.000Z",
  finishedAt: "2026-12-02T02:31:00.000Z",
  keyId: key.keyId.toString("hex"),
  schemaVersion: "20261202183536_backup_drills",
  postgresVersion: "15.10",
  rowCounts: { users: 4, audit_log: 120 },
  auditCheckpoint: null,
  files: [{ path: "database.sql.gz.enc", label: "database.sql.gz.enc", bytes: 10, sha256: "a".repeat(64) }],
  documents: [],
  documentsMissing: 0,
  totalBytes: 10,
};

describe("backup manifest", () => {
  it("verifies what it signed, whatever the property order", () => {
    const text = signManifest(key, manifest);
    expect(verifyManifest(key, text)).toEqual(manifest);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const reordered = Object.fromEntries(Object.entries(parsed).reverse());
    expect(verifyManifest(key, JSON.stringify(reordered))).toEqual(manifest);
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] })).toBe('{"a":[2,{"c":4,"d":3}],"b":1}');
  });

  it("refuses an edited manifest, another key and garbage", () => {
    const parsed = JSON.parse(signManifest(key, manifest)) as BackupManifest & { mac: string };
    const edited = { ...parsed, rowCounts: { ...parsed.rowCounts, users: 5 } };
    expect(() => verifyManifest(key, JSON.stringify(edited))).toThrow(/MAC does not verify/);
    const other = backupKeyFrom(randomBytes(32));
    expect(() => verifyManifest(other, signManifest(key, manifest))).toThrow(/another backup key/);
    // The key id cannot be swapped to pass the first check: the MAC still fails.
    const swapped = { ...parsed, keyId: other.keyId.toString("hex") };
    expect(() => verifyManifest(other, JSON.stringify(swapped))).toThrow(/MAC does not verify/);
    expect(() => verifyManifest(key, "{not json")).toThrow(/not valid JSON/);
    expect(() => verifyManifest(key, JSON.stringify({ ...parsed, version: 2 }))).toThrow(/unknown version/);
    // Even a manifest signed with the backup key cannot name a file outside the backup's folder.
    for (const escape of ["../../etc/passwd", "documents/../../x", "/etc/passwd", "./manifest.json"]) {
      const text = signManifest(key, { ...manifest, files: [{ ...manifest.files[0]!, path: escape }] });
      expect(() => verifyManifest(key, text), escape).toThrow();
    }
  });
});
