import "server-only";
import type { AuthTokenPurpose } from "@/lib/db/generated/enums";
import { getDb } from "@/lib/db/client";
import { hashToken, newToken } from "./secure-token";

const LIFETIME_MS: Record<AuthTokenPurpose, number> = {
  EMAIL_VERIFICATION: 24 * 60 * 60 * 1000,
  PASSWORD_RESET: 30 * 60 * 1000,
  STAFF_INVITATION: 72 * 60 * 60 * 1000,
  ACCOUNT_UNLOCK: 24 * 60 * 60 * 1000,
};

/** Issues a single-use token (only its hash is stored); earlier unused ones of the same purpose stop working. */
export async function issueAuthToken(purpose: AuthTokenPurpose, userId: string): Promise<string> {
  const token = newToken();
  const now = new Date();
  const db = getDb();
  await db.authToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: now } });
  await db.authToken.create({
    data: {
      purpose,
      userId,
      tokenHash: hashToken(token),
      expiresAt: new Date(now.getTime() + LIFETIME_MS[purpose]),
    },
  });
  return token;
}

/** The user a still-valid token belongs to, without using it up (to render a form). */
export async function peekAuthToken(purpose: AuthTokenPurpose, token: string): Promise<string | null> {
  const row = await getDb().authToken.findFirst({
    where: { purpose, tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: new Date() } },
    select: { userId: true },
  });
  return row?.userId ?? null;
}

/** Uses a token up, exactly once even under concurrent requests; returns its user or null. */
export async function consumeAuthToken(purpose: AuthTokenPurpose, token: string): Promise<string | null> {
  const db = getDb();
  const tokenHash = hashToken(token);
  const { count } = await db.authToken.updateMany({
    where: { purpose, tokenHash, usedAt: null, expiresAt: { gt: new Date() } },
    data: { usedAt: new Date() },
  });
  if (count !== 1) return null;
  const row = await db.authToken.findUnique({ where: { tokenHash }, select: { userId: true } });
  return row?.userId ?? null;
}
