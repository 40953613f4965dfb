// Verification sessions: a key pair per check, opened by the patient's browser, destroyed by the
// browser when done (cleanup-session) or by the expiry job. The private key is a PHI field of the
// session row (encrypted under the patient's data key, itself wrapped by the key ring), so it is
// never stored or logged in the clear and dies with the patient's key on erasure.
import "server-only";
import { createHash } from "node:crypto";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { getDb, recordAuditEvent, transaction, transactionClient } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";
import { runAsSystem } from "@/lib/request-context";
import { consumeRateLimit } from "@/lib/security/rate-limit";
import { generateSessionKeyPair } from "./envelope";
import { payerAdapter } from "./payers";
import type { VerificationSessionView } from "./schemas";

/** Only patients check their own insurance; anyone else is told nothing exists. */
export function assertInsurancePatient(actor: AuthenticatedActor): void {
  if (actor.role !== "PATIENT") throw new AppError("NOT_FOUND", "Not found.");
  if (!payerAdapter()) {
    throw new AppError("NOT_FOUND", "This clinic does not check insurance online. Ask the front desk.");
  }
}

/**
 * Opens a session: 10 per minute per client address (per patient when the address is unknown),
 * and at most INSURANCE_MAX_SESSIONS_PER_IP live at once per address and per patient.
 */
export async function openVerificationSession(
  actor: AuthenticatedActor,
  clientAddressKey: string | null,
): Promise<VerificationSessionView> {
  assertInsurancePatient(actor);
  const env = getEnv();
  await consumeRateLimit("insuranceSession", clientAddressKey ?? `user:${actor.userId}`);
  const pair = await generateSessionKeyPair();
  return transaction(async () => {
    // Two tabs (or two networks) opening sessions at once must not both pass a count: each waits
    // for the other on the patient's lock and the address's, always taken in that order. The
    // address is hashed first, so it is not a statement parameter in the clear.
    for (const key of [
      `patient:${actor.userId}`,
      ...(clientAddressKey ? [`address:${clientAddressKey}`] : []),
    ]) {
      const lock = createHash("sha256").update(`insurance-session:${key}`).digest("hex");
      await transactionClient().$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${lock}, 0))`;
    }
    const now = new Date();
    const db = getDb();
    const live = await Promise.all([
      clientAddressKey
        ? db.insuranceSession.count({ where: { clientAddress: clientAddressKey, expiresAt: { gt: now } } })
        : 0,
      db.insuranceSession.count({ where: { patientId: actor.userId, expiresAt: { gt: now } } }),
    ]);
    if (Math.max(...live) >= env.INSURANCE_MAX_SESSIONS_PER_IP) {
      await recordAuditEvent({
        action: "insurance.session.refused",
        resourceType: "InsuranceSession",
        subjectId: actor.userId,
        outcome: "DENIED",
        details: { reason: "too-many-live-sessions", limit: env.INSURANCE_MAX_SESSIONS_PER_IP },
      });
      return null;
    }
    const expiresAt = new Date(now.getTime() + env.INSURANCE_SESSION_TTL_MINUTES * 60_000);
    const session = await db.insuranceSession.create({
      data: {
        patientId: actor.userId,
        publicKey: JSON.stringify(pair.publicJwk),
        privateKey: JSON.stringify(pair.privateJwk),
        clientAddress: clientAddressKey,
        createdAt: now,
        expiresAt,
      },
      select: { id: true },
    });
    await recordAuditEvent({
      action: "insurance.session.opened",
      resourceType: "InsuranceSession",
      resourceId: session.id,
      subjectId: actor.userId,
      details: { expiresAt: expiresAt.toISOString() },
    });
    return {
      sessionId: session.id,
      publicKey: pair.publicJwk,
      expiresAt: expiresAt.toISOString(),
      serverTime: Date.now(),
    };
  }).then((view) => {
    if (view) return view;
    throw new AppError(
      "RATE_LIMITED",
      `You already have ${env.INSURANCE_MAX_SESSIONS_PER_IP} insurance checks open. Finish one, or wait until they end (at most ${env.INSURANCE_SESSION_TTL_MINUTES} minutes).`,
      { retryAfterSeconds: 60 },
    );
  });
}

/** Destroys a session's keys at once (the browser's cleanup, when the check is done or abandoned). */
export async function destroyVerificationSession(
  actor: AuthenticatedActor,
  sessionId: string,
): Promise<void> {
  assertInsurancePatient(actor);
  const destroyed = await transaction(async () => {
    const { count } = await getDb().insuranceSession.deleteMany({
      where: { id: sessionId, patientId: actor.userId },
    });
    if (count === 0) return false;
    await recordAuditEvent({
      action: "insurance.session.destroyed",
      resourceType: "InsuranceSession",
      resourceId: sessionId,
      subjectId: actor.userId,
      details: { reason: "cleanup" },
    });
    return true;
  });
  if (!destroyed) throw new AppError("NOT_FOUND", "This verification session has already ended.");
}

/** The job: destroys every expired session's keys, a batch at a time, each destruction audited. */
export async function destroyExpiredSessions(now = new Date()): Promise<number> {
  return runAsSystem("insurance.sessions.expire", async () => {
    let total = 0;
    for (;;) {
      const destroyed = await transaction(async () => {
        const db = getDb();
        const expired = await db.insuranceSession.findMany({
          where: { expiresAt: { lte: now } },
          select: { id: true, patientId: true },
          orderBy: { expiresAt: "asc" },
          take: 200,
        });
        if (expired.length === 0) return 0;
        await db.insuranceSession.deleteMany({ where: { id: { in: expired.map((session) => session.id) } } });
        for (const session of expired) {
          await recordAuditEvent({
            action: "insurance.session.destroyed",
            resourceType: "InsuranceSession",
            resourceId: session.id,
            subjectId: session.patientId,
            details: { reason: "expired" },
          });
        }
        return expired.length;
      });
      total += destroyed;
      if (destroyed < 200) return total;
    }
  });
}
