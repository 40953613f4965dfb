import { describe, expect, it } from "vitest";
import { type AuditRowText, GENESIS_HASH, canonicalRow, chainHash } from "@/lib/audit/chain";

const row: AuditRowText = {
  sequence: "1",
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
  details: '{"fields": ["allergies"]}',
};

describe("audit chain canonical form", () => {
  it("length-prefixes every field in UTF-8 bytes and marks NULL apart from empty text", () => {
    expect(canonicalRow(row)).toBe(
      '1:1|24:2026-11-23T10:00:00.123Z|-|6:SYSTEM|8:phi.read|14:PatientProfile|4:7d0c|7:SUCCESS|5:req-1|-|14:Mozilla|5.0 ü|25:{"fields": ["allergies"]}',
    );
    expect(canonicalRow({ ...row, ip: "" })).not.toBe(canonicalRow(row));
  });

  it("cannot be forged by moving text between adjacent fields", () => {
    const shifted = { ...row, request_id: "req-1|-", ip: null, user_agent: "Mozilla|5.0 ü" };
    expect(chainHash(GENESIS_HASH, shifted)).not.toBe(chainHash(GENESIS_HASH, row));
  });

  it("changes the hash when any field or the previous hash changes", () => {
    const hash = chainHash(GENESIS_HASH, row);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    for (const key of Object.keys(row) as (keyof AuditRowText)[]) {
      expect(chainHash(GENESIS_HASH, { ...row, [key]: `${row[key] ?? ""}x` }), key).not.toBe(hash);
    }
    expect(chainHash("f".repeat(64), row)).not.toBe(hash);
  });
});
