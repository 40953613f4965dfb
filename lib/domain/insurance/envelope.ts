// Hybrid encryption of the insurance details between the browser and the server, with WebCrypto
// only (the same code runs in the browser and in Node 20's globalThis.crypto): the browser makes a
// fresh P-256 key pair per payload, agrees a secret with the session's public key (ECDH), derives
// an AES-256-GCM key from it (HKDF-SHA-256, salted with the session id), and encrypts. The
// session id and the timestamp are the cipher's associated data, so a payload moved to another
// session, or re-sent with another timestamp, fails to open.
import { z } from "zod";

export const ENVELOPE_VERSION = 1;
const CURVE = { name: "ECDH", namedCurve: "P-256" } as const;
const HKDF_INFO = "haven insurance verification v1";

/**
 * Base64url in its one canonical spelling: decoders ignore the unused low bits of the last
 * character, so without this one payload could be re-spelled past the replay guard.
 */
const base64url = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, { error: "must be base64url" })
    .refine(isCanonicalBase64url, { error: "must be canonical base64url" });

function isCanonicalBase64url(text: string): boolean {
  try {
    return toBase64url(fromBase64url(text)) === text;
  } catch {
    return false;
  }
}

/** A P-256 public key as a JWK (what init-session hands the browser). */
export const publicJwkSchema = z.object({
  kty: z.literal("EC"),
  crv: z.literal("P-256"),
  x: base64url(43, 43),
  y: base64url(43, 43),
});
export type PublicJwk = z.infer<typeof publicJwkSchema>;

/** What the browser posts as `encryptedPayload`. */
export const envelopeSchema = z.object({
  v: z.literal(ENVELOPE_VERSION, { error: "Unknown payload version." }),
  /** The browser's one-time public key (JWK). */
  epk: publicJwkSchema,
  /** 12 bytes. */
  iv: base64url(16, 16),
  ct: base64url(22, 8_192),
});
export type Envelope = z.infer<typeof envelopeSchema>;

export interface SessionKeyPair {
  publicJwk: PublicJwk;
  /** The private key as a JWK (with `d`): stored encrypted, never sent anywhere. */
  privateJwk: JsonWebKey;
}

const subtle = () => globalThis.crypto.subtle;
const encoder = new TextEncoder();

function toBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

function publicPart(jwk: JsonWebKey): PublicJwk {
  return publicJwkSchema.parse({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
}

/** The associated data: binds a payload to its session and its timestamp. */
function associatedData(sessionId: string, timestamp: number): Uint8Array<ArrayBuffer> {
  return encoder.encode(`haven-insurance-v${ENVELOPE_VERSION}\n${sessionId}\n${timestamp}`);
}

async function sharedAesKey(
  privateKey: CryptoKey,
  peerPublic: PublicJwk,
  sessionId: string,
  usage: "encrypt" | "decrypt",
): Promise<CryptoKey> {
  const peer = await subtle().importKey("jwk", peerPublic, CURVE, false, []);
  const secret = await subtle().deriveBits({ name: "ECDH", public: peer }, privateKey, 256);
  const hkdfKey = await subtle().importKey("raw", secret, "HKDF", false, ["deriveKey"]);
  return subtle().deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode(sessionId), info: encoder.encode(HKDF_INFO) },
    hkdfKey,
    { name: "AES-GCM", length: 256 },
    false,
    [usage],
  );
}

/** A new session key pair (the server, at init-session). */
export async function generateSessionKeyPair(): Promise<SessionKeyPair> {
  const pair = await subtle().generateKey(CURVE, true, ["deriveBits"]);
  const privateJwk = await subtle().exportKey("jwk", pair.privateKey);
  const publicJwk = publicPart(await subtle().exportKey("jwk", pair.publicKey));
  return { publicJwk, privateJwk };
}

/** Encrypts the details to the session's public key (the browser). */
export async function sealPayload(
  sessionPublic: PublicJwk,
  sessionId: string,
  timestamp: number,
  plaintext: string,
): Promise<Envelope> {
  const ephemeral = await subtle().generateKey(CURVE, true, ["deriveBits"]);
  const key = await sharedAesKey(ephemeral.privateKey, sessionPublic, sessionId, "encrypt");
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await subtle().encrypt(
    { name: "AES-GCM", iv, additionalData: associatedData(sessionId, timestamp) },
    key,
    encoder.encode(plaintext),
  );
  return {
    v: ENVELOPE_VERSION,
    epk: publicPart(await subtle().exportKey("jwk", ephemeral.publicKey)),
    iv: toBase64url(iv),
    ct: toBase64url(new Uint8Array(ciphertext)),
  };
}

/** The payload could not be opened: wrong session, wrong timestamp, or tampered with. */
export class EnvelopeError extends Error {
  override name = "EnvelopeError";
}

/** Decrypts a payload with the session's private key (the server). */
export async function openPayload(
  sessionPrivate: JsonWebKey,
  sessionId: string,
  timestamp: number,
  envelope: Envelope,
): Promise<string> {
  try {
    const privateKey = await subtle().importKey("jwk", sessionPrivate, CURVE, false, ["deriveBits"]);
    const key = await sharedAesKey(privateKey, envelope.epk, sessionId, "decrypt");
    const plaintext = await subtle().decrypt(
      {
        name: "AES-GCM",
        iv: fromBase64url(envelope.iv),
        additionalData: associatedData(sessionId, timestamp),
      },
      key,
      fromBase64url(envelope.ct),
    );
    return new TextDecoder("utf-8", { fatal: true }).decode(plaintext);
  } catch {
    throw new EnvelopeError("The payload could not be opened.");
  }
}

/**
 * What identifies one payload for the replay guard: the digest of its decoded bytes (the
 * ephemeral key, the IV and the ciphertext), so no re-spelling of the same payload differs.
 */
export async function envelopeDigest(envelope: Envelope): Promise<string> {
  const parts = [envelope.epk.x, envelope.epk.y, envelope.iv, envelope.ct].map(fromBase64url);
  const material = new Uint8Array(parts.reduce((length, part) => length + 4 + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    new DataView(material.buffer).setUint32(offset, part.length);
    material.set(part, offset + 4);
    offset += 4 + part.length;
  }
  return toBase64url(new Uint8Array(await subtle().digest("SHA-256", material)));
}
