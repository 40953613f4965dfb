import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type StoredAuditRow,
  canonicalJson,
  canonicalRow,
  legacyChainHash,
  rowMac,
  rowMacValid,
  sealHash,
  verdictOf,
} from "@/lib/audit/canonical";
import { auditKeysFrom } from "@/lib/audit/keys";

const keys = auditKeysFrom(randomBytes(32), randomBytes(32));
const row: StoredAuditRow = {
  sequence: "1",
  event_id: "0b9d5c7e-6a63-4c41-8d7e-6f1f0d2f7a10",
  occurred_at: "2026-11-23T10:00:00.123Z",
  actor_id: null,
  actor_role: "SYSTEM",
  action: "phi.read",
  resource_type: "PatientProfile",
  resource_id: "7d0c",
  outcome: "SUCCESS",
  request_id: "req-1",
  ip: null,
  user_agent: "Mozilla|5.0 ü",
  details: '{"fields":["allergies"]}',
  subject_id: null,
  row_mac: null,
  prev_hash: null,
  hash: null,
};
const signed = (r: StoredAuditRow): StoredAuditRow => ({ ...r, row_mac: rowMac(keys, r) });

describe("the audit row's canonical form and MAC", () => {
  it("length-prefixes every field in UTF-8 bytes and marks NULL apart from empty text", () => {
    expect(canonicalRow(row)).toBe(
      '36:0b9d5c7e-6a63-4c41-8d7e-6f1f0d2f7a10|24:2026-11-23T10:00:00.123Z|-|6:SYSTEM|8:phi.read|14:PatientProfile|4:7d0c|7:SUCCESS|5:req-1|-|14:Mozilla|5.0 ü|24:{"fields":["allergies"]}',
    );
    expect(canonicalRow({ ...row, ip: "" })).not.toBe(canonicalRow(row));
  });

  it("keeps the v1 form for rows without a subject and binds a subject under a v2 marker", () => {
    const subject = "5f0c7a1e-2b9d-4e3a-9c1f-0a1b2c3d4e5f";
    const withSubject = { ...row, subject_id: subject };
    expect(canonicalRow(withSubject)).toBe(`${canonicalRow(row)}|v2|36:${subject}`);
    // Clearing the subject of a v2 row, or adding one to a v1 row, breaks its MAC.
    expect(rowMacValid(keys, { ...signed(withSubject), subject_id: null })).toBe(false);
    expect(rowMacValid(keys, { ...signed(row), subject_id: subject })).toBe(false);
    expect(rowMacValid(keys, signed(withSubject))).toBe(true);
  });

  it("reads details the same however PostgreSQL's jsonb reorders and spaces them", () => {
    expect(canonicalJson({ b: 1, a: [2, { d: true, c: null }] })).toBe('{"a":[2,{"c":null,"d":true}],"b":1}');
    const written = { ...row, details: '{"scope":"account","fields":["email"]}' };
    const asStored = { ...row, details: '{"fields": ["email"], "scope": "account"}' };
    expect(rowMacValid(keys, { ...asStored, row_mac: rowMac(keys, written) })).toBe(true);
  });

  it("is valid only for the unchanged row, under the right key", () => {
    const good = signed(row);
    expect(rowMacValid(keys, good)).toBe(true);
    for (const key of Object.keys(row) as (keyof StoredAuditRow)[]) {
      if (["sequence", "row_mac", "prev_hash", "hash", "details"].includes(key)) continue;
      expect(rowMacValid(keys, { ...good, [key]: `${good[key] ?? ""}x` }), key).toBe(false);
    }
    expect(rowMacValid(keys, { ...good, details: '{"fields":["email"]}' })).toBe(false);
    const otherKeys = auditKeysFrom(randomBytes(32), randomBytes(32));
    expect(rowMacValid(otherKeys, good)).toBe(false);
  });

  it("tells Haven's rows from forged, copied and pre-sealer rows", () => {
    expect(verdictOf(keys, signed(row), { legacyCutoff: 0n, duplicated: false })).toBe("ok");
    expect(verdictOf(keys, signed(row), { legacyCutoff: 0n, duplicated: true })).toBe("replayed");
    expect(verdictOf(keys, row, { legacyCutoff: 0n, duplicated: false })).toBe("forged");
    const legacy = { ...row, prev_hash: "0".repeat(64), hash: "a".repeat(64) };
    expect(verdictOf(keys, legacy, { legacyCutoff: 1n, duplicated: false })).toBe("legacy");
    expect(verdictOf(keys, { ...legacy, sequence: "2" }, { legacyCutoff: 1n, duplicated: false })).toBe(
      "forged",
    );
  });
});

describe("the seal chain", () => {
  it("depends on the key, the previous hash, the position, the verdict and the row", () => {
    const seal = { sealSequence: 5n, prevHash: "f".repeat(64), verdict: "ok" as const };
    const hash = sealHash(keys, seal, signed(row));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sealHash(keys, { ...seal, prevHash: "e".repeat(64) }, signed(row))).not.toBe(hash);
    expect(sealHash(keys, { ...seal, sealSequence: 6n }, signed(row))).not.toBe(hash);
    expect(sealHash(keys, { ...seal, verdict: "forged" }, signed(row))).not.toBe(hash);
    expect(sealHash(keys, seal, signed({ ...row, sequence: "2" }))).not.toBe(hash);
    expect(sealHash(auditKeysFrom(randomBytes(32), randomBytes(32)), seal, signed(row))).not.toBe(hash);
  });

  it("still checks rows of the retired unkeyed chain the way its trigger hashed them", () => {
    const legacy = { ...row, details: '{"fields": ["allergies"]}', prev_hash: "0".repeat(64) };
    const text =
      '1:1|24:2026-11-23T10:00:00.123Z|-|6:SYSTEM|8:phi.read|14:PatientProfile|4:7d0c|7:SUCCESS|5:req-1|-|14:Mozilla|5.0 ü|25:{"fields": ["allergies"]}';
    expect(legacyChainHash(legacy)).toBe(
      createHash("sha256")
        .update("0".repeat(64) + text, "utf8")
        .digest("hex"),
    );
  });
});
