// Agora RTC tokens: the one module that knows `agora-access-token` (006 tokens),
// so moving to Agora's newer `agora-token` later changes this file only.
import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import agora from "agora-access-token";
import { AccessToken } from "agora-access-token/src/AccessToken.js";

// A CommonJS package: its exports come through the default import in every bundler.
const { RtcRole, RtcTokenBuilder } = agora;

export interface RtcTokenRequest {
  appId: string;
  certificate: string;
  /** Opaque: never a name or anything about the visit (lib/domain/video/channel.ts). */
  channel: string;
  /** 1 … 2^32-1. */
  uid: number;
  expiresAt: Date;
}

/** A token to join (and publish in) one channel as one uid until expiresAt. */
export function buildRtcToken(request: RtcTokenRequest): string {
  return RtcTokenBuilder.buildTokenWithUid(
    request.appId,
    request.certificate,
    request.channel,
    request.uid,
    RtcRole.PUBLISHER,
    Math.floor(request.expiresAt.getTime() / 1000),
  );
}

/**
 * Whether a token was signed with this certificate for exactly this channel and uid (what
 * Agora's servers check): the signature covers app id, channel, uid and the privileges.
 */
export function rtcTokenGrants(token: string, expected: Omit<RtcTokenRequest, "expiresAt">): boolean {
  if (!token.startsWith("006") || token.slice(3, 35) !== expected.appId) return false;
  const parsed = new AccessToken(expected.appId, expected.certificate, expected.channel, expected.uid);
  if (!parsed.fromString(token)) return false;
  const toSign = Buffer.concat([
    Buffer.from(expected.appId, "utf8"),
    Buffer.from(expected.channel, "utf8"),
    Buffer.from(String(expected.uid), "utf8"),
    parsed.m,
  ]);
  const signature = createHmac("sha256", expected.certificate).update(toSign).digest();
  return signature.length === parsed.signature.length && timingSafeEqual(signature, parsed.signature);
}

/** When a token's join privilege ends (Unix seconds in the token), or null for a token it cannot read. */
export function rtcTokenExpiry(token: string, appId: string): Date | null {
  const parsed = new AccessToken(appId, "", "", 0);
  if (!token.startsWith("006") || !parsed.fromString(token)) return null;
  const joinChannel = 1;
  const seconds = parsed.messages[joinChannel];
  return typeof seconds === "number" ? new Date(seconds * 1000) : null;
}
