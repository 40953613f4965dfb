import "server-only";
import { Prisma } from "@/lib/db/generated/client";
import { type RequestContext, actorRoleLabel } from "@/lib/request-context";

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

function detailsOf(event: AuditEvent, actor: RequestContext["actor"]): string | null {
  const details = { ...(actor.kind === "system" ? { system: actor.name } : {}), ...event.details };
  return Object.keys(details).length ? JSON.stringify(details) : null;
}

/**
 * Appends events to the audit chain inside the caller's transaction: if this
 * fails, the caller's work rolls back. The database numbers, stamps and hashes
 * each row (trigger audit_log_chain) and holds the chain lock until commit.
 */
export async function appendAuditEvents(
  tx: Prisma.TransactionClient,
  events: readonly AuditEvent[],
  context: RequestContext | undefined,
): Promise<void> {
  if (events.length === 0) return;
  const actor = context?.actor ?? { kind: "anonymous" as const };
  const rows = events.map(
    (event) => Prisma.sql`(
      ${actor.kind === "user" ? actor.userId : null}::uuid,
      ${actorRoleLabel(actor)},
      ${event.action},
      ${event.resourceType},
      ${event.resourceId ?? null},
      ${event.outcome ?? "SUCCESS"}::"AuditOutcome",
      ${context?.requestId ?? null},
      ${context?.ip ?? null},
      ${context?.userAgent ?? null},
      ${detailsOf(event, actor)}::jsonb
    )`,
  );
  await tx.$executeRaw`
    INSERT INTO audit_log (actor_id, actor_role, action, resource_type, resource_id, outcome, request_id, ip, user_agent, details)
    VALUES ${Prisma.join(rows)}`;
}
