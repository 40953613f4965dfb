// The STUN and TURN servers a room's browsers use (built-in video). TURN credentials follow
// coturn's REST API scheme (use-auth-secret): the username is "<expiry>:<opaque id>" and the
// password an HMAC-SHA1 of it under the shared secret, so a credential stops working at its
// expiry and the TURN server needs no database of users.
import "server-only";
import { createHmac } from "node:crypto";
import { getEnv } from "@/lib/env";
import type { RTCIceServerConfig } from "./schemas";

export function turnCredential(
  secret: string,
  subject: string,
  expiresAt: Date,
): { username: string; credential: string } {
  const username = `${Math.floor(expiresAt.getTime() / 1000)}:${subject}`;
  return { username, credential: createHmac("sha1", secret).update(username).digest("base64") };
}

/** `subject` names no person (the room's opaque per-visit uid). */
export function iceServersFor(subject: string, now = new Date()): RTCIceServerConfig[] {
  const env = getEnv();
  const servers: RTCIceServerConfig[] = [];
  if (env.VIDEO_STUN_URLS.length > 0) servers.push({ urls: env.VIDEO_STUN_URLS });
  if (env.VIDEO_TURN_URLS.length > 0 && env.VIDEO_TURN_SECRET) {
    const expiresAt = new Date(now.getTime() + env.VIDEO_TURN_TTL_SECONDS * 1000);
    servers.push({ urls: env.VIDEO_TURN_URLS, ...turnCredential(env.VIDEO_TURN_SECRET, subject, expiresAt) });
  }
  return servers;
}
