// A visit's video channel and each party's uid, as Agora (or any third party) sees them:
// opaque values keyed by a secret, so they name no person and no visit, and a uid does
// not follow a person from one visit to the next.
import "server-only";
import { createHmac, hkdfSync } from "node:crypto";
import { getEnv } from "@/lib/env";

function key(): Buffer {
  const secret = getEnv().AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is required to name video channels");
  return Buffer.from(hkdfSync("sha256", secret, Buffer.alloc(0), "haven-video-channel-v1", 32));
}

const mac = (text: string) => createHmac("sha256", key()).update(text, "utf8").digest();

/** "hv-" and 32 base64url characters (Agora allows 64 bytes of letters, digits, "-" and "_"). */
export function videoChannelOf(visitId: string): string {
  return `hv-${mac(`channel|${visitId}`).subarray(0, 24).toString("base64url")}`;
}

/** A 32-bit uid (1 … 2^32-1) for one person in one visit. */
export function videoUidOf(visitId: string, userId: string): number {
  const value = mac(`uid|${visitId}|${userId}`).readUInt32BE(0);
  return value === 0 ? 1 : value;
}
