// The browser-to-server encryption of insurance details (WebCrypto, as the browser runs it).
import { describe, expect, it } from "vitest";
import {
  EnvelopeError,
  envelopeDigest,
  envelopeSchema,
  generateSessionKeyPair,
  openPayload,
  sealPayload,
} from "@/lib/domain/insurance/envelope";

const SESSION = "0b6f2a51-3c1e-4d7a-9b52-6f1f0c9e2d11";
const OTHER_SESSION = "7d1c9e0a-2f4b-4e6c-8a3d-5b9e1f0c2a44";
const DETAILS = JSON.stringify({ memberId: "SBX-ACTIVE-1001", subscriberLastName: "Ångström" });

describe("insurance payload envelope", () => {
  it("opens with the session's private key exactly what was sealed, and never shows it in the envelope", async () => {
    const pair = await generateSessionKeyPair();
    expect(pair.privateJwk.d).toBeTypeOf("string");
    expect(pair.publicJwk).not.toHaveProperty("d");
    const timestamp = Date.now();
    const envelope = await sealPayload(pair.publicJwk, SESSION, timestamp, DETAILS);
    expect(envelopeSchema.parse(envelope)).toEqual(envelope);
    expect(JSON.stringify(envelope)).not.toContain("SBX-ACTIVE");
    expect(await openPayload(pair.privateJwk, SESSION, timestamp, envelope)).toBe(DETAILS);
  });

  it("fails for another session, another timestamp, another key, or a changed byte", async () => {
    const pair = await generateSessionKeyPair();
    const stranger = await generateSessionKeyPair();
    const timestamp = Date.now();
    const envelope = await sealPayload(pair.publicJwk, SESSION, timestamp, DETAILS);
    await expect(openPayload(pair.privateJwk, OTHER_SESSION, timestamp, envelope)).rejects.toBeInstanceOf(
      EnvelopeError,
    );
    await expect(openPayload(pair.privateJwk, SESSION, timestamp + 1, envelope)).rejects.toBeInstanceOf(
      EnvelopeError,
    );
    await expect(openPayload(stranger.privateJwk, SESSION, timestamp, envelope)).rejects.toBeInstanceOf(
      EnvelopeError,
    );
    const flipped = envelope.ct.startsWith("A") ? `B${envelope.ct.slice(1)}` : `A${envelope.ct.slice(1)}`;
    await expect(
      openPayload(pair.privateJwk, SESSION, timestamp, { ...envelope, ct: flipped }),
    ).rejects.toBeInstanceOf(EnvelopeError);
  });

  it("gives every sealing its own digest (fresh ephemeral key and IV), and one sealing one digest", async () => {
    const pair = await generateSessionKeyPair();
    const first = await sealPayload(pair.publicJwk, SESSION, 1, DETAILS);
    const second = await sealPayload(pair.publicJwk, SESSION, 1, DETAILS);
    expect(first.epk).not.toEqual(second.epk);
    expect(await envelopeDigest(first)).not.toBe(await envelopeDigest(second));
    expect(await envelopeDigest(first)).toBe(await envelopeDigest(structuredClone(first)));
  });

  it("refuses envelopes of another version or with a key that is not a P-256 point", () => {
    expect(envelopeSchema.safeParse({ v: 2, epk: {}, iv: "a", ct: "b" }).success).toBe(false);
    expect(
      envelopeSchema.safeParse({ v: 1, epk: { kty: "RSA", crv: "P-256", x: "a", y: "b" }, iv: "a", ct: "b" })
        .success,
    ).toBe(false);
  });
});

describe("the replay guard's digest", () => {
  it("refuses re-spellings of the same bytes (unused low bits of the last character) instead of giving them a new digest", async () => {
    const pair = await generateSessionKeyPair();
    const envelope = await sealPayload(pair.publicJwk, SESSION, 1, DETAILS);
    const last = envelope.ct.at(-1)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // A character with the same high bits spells the same bytes when the last group is partial.
    const sibling = alphabet[alphabet.indexOf(last) ^ 1]!;
    const respelled = { ...envelope, ct: `${envelope.ct.slice(0, -1)}${sibling}` };
    if (envelope.ct.length % 4 !== 0) {
      expect(envelopeSchema.safeParse(respelled).success).toBe(false);
    }
    expect(envelopeSchema.safeParse(envelope).success).toBe(true);
    const respelledKey = {
      ...envelope,
      epk: {
        ...envelope.epk,
        x: `${envelope.epk.x.slice(0, -1)}${alphabet[alphabet.indexOf(envelope.epk.x.at(-1)!) ^ 1]!}`,
      },
    };
    expect(envelopeSchema.safeParse(respelledKey).success).toBe(false);
  });
});
