import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  CONSENT_KINDS,
  CURRENT_CONSENT_VERSIONS,
  consentDocument,
  consentDocuments,
  currentConsentDocument,
  currentGrantOf,
} from "@/lib/domain/consent/documents";

// The hash of each version's text, pinned: a text that changes without a new version would make
// every stored grant of that version point at words the patient never saw. Add a version instead.
const PINNED: Record<string, string> = {
  "TELEHEALTH@2026-11": "64463db34aaf27f130534b66031ebc3361228c003e6f7694bec4cd24cb2483de",
  "TELEHEALTH@2026-12": "09e198582be0ca241edf4b8160d4cb60d60b83081b898083d0469ced23e57a4b",
  "PRIVACY@2026-11": "c8dce9808efb1e8a2e2ae55191f04f5470111ca6fb603cb384660b07607a67a1",
  "PRIVACY@2026-12": "46f5ebb087cbcd701d0b9cebf01ab2806aa8412831e3e11a623a1812a0de49dd",
  "MESSAGING@2026-12": "22226130770e407274069f74656554fd3d1ebaf7a705b3e05a200ed0fc63a48d",
};

describe("consent documents", () => {
  it("hash each version's exact text with SHA-256", () => {
    for (const kind of CONSENT_KINDS) {
      for (const document of consentDocuments(kind)) {
        expect(document.hash).toBe(createHash("sha256").update(document.text, "utf8").digest("hex"));
        expect(document.hash).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  it("keep the published texts unchanged (the hashes are pinned)", () => {
    const hashes = Object.fromEntries(
      CONSENT_KINDS.flatMap((kind) =>
        consentDocuments(kind).map((document) => [`${kind}@${document.version}`, document.hash]),
      ),
    );
    expect(hashes).toEqual(PINNED);
  });

  it("list versions oldest first, with unique ids, the last being the current one", () => {
    for (const kind of CONSENT_KINDS) {
      const versions = consentDocuments(kind).map((document) => document.version);
      expect(new Set(versions).size).toBe(versions.length);
      expect([...versions].sort()).toEqual(versions);
      expect(currentConsentDocument(kind).version).toBe(versions.at(-1));
      expect(CURRENT_CONSENT_VERSIONS[kind]).toBe(versions.at(-1));
    }
  });

  it("say, in the current texts, what withdrawing means and that emergencies are not for this service", () => {
    for (const kind of CONSENT_KINDS) {
      const { text, summary, title } = currentConsentDocument(kind);
      expect(title.length).toBeGreaterThan(3);
      expect(summary.length).toBeGreaterThan(20);
      expect(text).toMatch(/Withdrawing\./);
      expect(text).toMatch(/does not (affect|undo)/);
      expect(text).toMatch(/Privacy & data/);
    }
    expect(currentConsentDocument("MESSAGING").text).toMatch(/Never use messages for an emergency/);
    expect(currentConsentDocument("TELEHEALTH").text).toMatch(/not an emergency service/);
  });

  it("find a version by id, and nothing for one it does not know", () => {
    expect(consentDocument("TELEHEALTH", "2026-11")?.version).toBe("2026-11");
    expect(consentDocument("MESSAGING", "2026-11")).toBeNull();
    expect(consentDocument("PRIVACY", "1999-01")).toBeNull();
  });

  it("grant the current version with its hash", () => {
    expect(currentGrantOf("MESSAGING")).toEqual({
      kind: "MESSAGING",
      version: currentConsentDocument("MESSAGING").version,
      documentHash: currentConsentDocument("MESSAGING").hash,
    });
  });
});
