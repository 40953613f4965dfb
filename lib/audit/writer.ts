import "server-only";
import { randomUUID } from "node:crypto";
import { Prisma } from "@/lib/db/generated/client";
import { type RequestContext, actorRoleLabel } from "@/lib/request-context";
import { type AuditRowContent, canonicalJson, rowMac } from "./canonical";
import type { AuditKeys } from "./keys";

export type AuditOutcome = "SUCCESS" | "FAILURE" | "DENIED";
/** Ids, names, counts and flags only: audit rows never hold PHI values. */
export type AuditDetails = Record<string, string | number | boolean | null | readonly string[]>;

export interface AuditEvent {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  outcome?: AuditOutcome;
  details?: AuditDetails;
  /** Whose personal data this concerns (a patient's chart, a user's account): the viewer's patient filter. */
  subjectId?: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An id as PostgreSQL renders a uuid (lower case, hyphenated): the MAC is over that text. */
function canonicalUuid(value: string | null | undefined, column: string): string | null {
  if (value === null || value === undefined) return null;
  const id = value.toLowerCase();
  if (!UUID.test(id)) throw new Error(`audit ${column} must be a uuid`);
  return id;
}

function detailsOf(event: AuditEvent, actor: RequestContext["actor"]): string | null {
  const details = { ...(actor.kind === "system" ? { system: actor.name } : {}), ...event.details };
  return Object.keys(details).length ? canonicalJson(details) : null;
}

/**
 * Appends events to the audit log inside the caller's transaction: if this
 * fails, the caller's work rolls back. No lock: each row carries the MAC only
 * Haven can make, and the sealer chains committed rows afterwards.
 */
export async function appendAuditEvents(
  tx: Pick<Prisma.TransactionClient, "$executeRaw">,
  keys: AuditKeys,
  events: readonly AuditEvent[],
  context: RequestContext | undefined,
): Promise<void> {
  if (events.length === 0) return;
  const actor = context?.actor ?? { kind: "anonymous" as const };
  // Millisecond precision: what timestamptz(3) stores, so the MAC survives the round trip.
  const occurredAt = new Date();
  const rows = events.map((event) => {
    const content: AuditRowContent = {
      event_id: randomUUID(),
      occurred_at: occurredAt.toISOString(),
      actor_id: actor.kind === "user" ? canonicalUuid(actor.userId, "actor_id") : null,
      actor_role: actorRoleLabel(actor),
      action: event.action,
      resource_type: event.resourceType,
      resource_id: event.resourceId ?? null,
      outcome: event.outcome ?? "SUCCESS",
      request_id: context?.requestId ?? null,
      ip: context?.ip ?? null,
      user_agent: context?.userAgent ?? null,
      details: detailsOf(event, actor),
      subject_id: canonicalUuid(event.subjectId, "subject_id"),
    };
    return Prisma.sql`(
      ${content.event_id}::uuid,
      ${occurredAt}::timestamptz,
      ${content.actor_id}::uuid,
      ${content.actor_role},
      ${content.action},
      ${content.resource_type},
      ${content.resource_id},
      ${content.outcome}::"AuditOutcome",
      ${content.request_id},
      ${content.ip},
      ${content.user_agent},
      ${content.details}::jsonb,
      ${content.subject_id}::uuid,
      ${rowMac(keys, content)}
    )`;
  });
  await tx.$executeRaw`
    INSERT INTO audit_log (event_id, occurred_at, actor_id, actor_role, action, resource_type, resource_id,
                           outcome, request_id, ip, user_agent, details, subject_id, row_mac)
    VALUES ${Prisma.join(rows)}`;
}
