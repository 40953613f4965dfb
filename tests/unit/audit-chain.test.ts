import { describe, expect, it } from "vitest";
import { type ChainedFields, GENESIS_HASH, canonicalJson, chainHash } from "@/lib/audit/chain";

const row: ChainedFields = {
  sequence: 1n,
  occurredAt: new Date("2026-11-23T10:00:00.123Z"),
  actorId: null,
  actorRole: "SYSTEM",
  action: "phi.read",
  resourceType: "PatientProfile",
  resourceId: "7d0c",
  outcome: "SUCCESS",
  requestId: "req-1",
  ip: null,
  userAgent: null,
  details: { fields: ["allergies"], b: 1, a: { y: 2, x: 1 } },
};

describe("audit chain", () => {
  it("serialises objects with sorted keys at every level", () => {
    expect(canonicalJson({ b: 1, a: { y: 2, x: [3, { d: 4, c: 5 }] } })).toBe(
      '{"a":{"x":[3,{"c":5,"d":4}],"y":2},"b":1}',
    );
  });

  it("changes the hash when any field or the previous hash changes", () => {
    const hash = chainHash(GENESIS_HASH, row);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(
      chainHash(GENESIS_HASH, { ...row, details: { a: { x: 1, y: 2 }, b: 1, fields: ["allergies"] } }),
    ).toBe(hash);
    for (const change of [
      { sequence: 2n },
      { occurredAt: new Date("2026-11-23T10:00:00.124Z") },
      { actorId: "11111111-1111-1111-1111-111111111111" },
      { action: "phi.update" },
      { resourceId: "7d0d" },
      { outcome: "DENIED" },
      { details: { fields: ["phone"], b: 1, a: { y: 2, x: 1 } } },
    ] satisfies Partial<ChainedFields>[]) {
      expect(chainHash(GENESIS_HASH, { ...row, ...change })).not.toBe(hash);
    }
    expect(chainHash("f".repeat(64), row)).not.toBe(hash);
  });
});
