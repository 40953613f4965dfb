import { createHash, randomBytes } from "node:crypto";

/** 256 random bits, URL-safe: for links and tickets. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Tokens are stored hashed: a database leak does not yield usable links. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
