import "server-only";
import { Prisma } from "@/lib/db/generated/client";
import { type RequestContext, actorRoleLabel } from "@/lib/request-context";
import { type ChainedFields, GENESIS_HASH, chainHash } from "./chain";

export type AuditOutcome = "SUCCESS" | "FAILURE" | "DENIED";
/** Ids, names, counts and flags only: audit rows never hold PHI values. */
export type AuditDetails = Record<string, string | number | boolean | null | readonly string[]>;

export interface AuditEvent {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  outcome?: AuditOutcome;
  details?: AuditDetails;
}

// Every writer takes this transaction-scoped lock before reading the chain's
// head, so concurrent transactions append one after another and never fork it.
const AUDIT_CHAIN_LOCK_KEY = 7_244_913_551;

function detailsOf(event: AuditEvent, actor: RequestContext["actor"]): AuditDetails | null {
  const details = { ...(actor.kind === "system" ? { system: actor.name } : {}), ...event.details };
  return Object.keys(details).length ? details : null;
}

/** Appends events to the chain inside the caller's transaction: if this fails, the caller's work rolls back. */
export async function appendAuditEvents(
  tx: Prisma.TransactionClient,
  events: readonly AuditEvent[],
  context: RequestContext | undefined,
): Promise<void> {
  if (events.length === 0) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY}::bigint)`;
  const head = await tx.auditLog.findFirst({
    orderBy: { sequence: "desc" },
    select: { sequence: true, hash: true },
  });
  let sequence = head?.sequence ?? 0n;
  let prevHash = head?.hash ?? GENESIS_HASH;
  const occurredAt = new Date();
  const actor = context?.actor ?? { kind: "anonymous" as const };
  const rows = events.map((event) => {
    sequence += 1n;
    const fields: ChainedFields = {
      sequence,
      occurredAt,
      actorId: actor.kind === "user" ? actor.userId : null,
      actorRole: actorRoleLabel(actor),
      action: event.action,
      resourceType: event.resourceType,
      resourceId: event.resourceId ?? null,
      outcome: event.outcome ?? "SUCCESS",
      requestId: context?.requestId ?? null,
      ip: context?.ip ?? null,
      userAgent: context?.userAgent ?? null,
      details: detailsOf(event, actor),
    };
    const hash = chainHash(prevHash, fields);
    const row = {
      ...fields,
      outcome: fields.outcome as AuditOutcome,
      details: fields.details === null ? Prisma.DbNull : (fields.details as Prisma.InputJsonValue),
      prevHash,
      hash,
    };
    prevHash = hash;
    return row;
  });
  await tx.auditLog.createMany({ data: rows });
}
