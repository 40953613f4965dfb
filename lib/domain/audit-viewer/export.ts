// The audit viewer's export: every row of the current filter (newest first, at
// most AUDIT_EXPORT_CAP) as CSV or JSON, with every column. The export writes its
// own audit row (audit.export: format, row count, capped, which filters — ids
// only) in the same transaction as the read: no file leaves without its record.
import "server-only";
import Papa from "papaparse";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { recordAuditEvent, transaction } from "@/lib/db/client";
import { Prisma } from "@/lib/db/generated/client";
import { assertAuditReviewer, searchDetails, selectAuditRows } from "./queries";
import { AUDIT_EXPORT_CAP, type AuditFilter } from "./schemas";

export type ExportFormat = "csv" | "json";

interface ExportRow {
  sequence: bigint;
  event_id: string;
  occurred_at: Date;
  actor_id: string | null;
  actor_role: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  outcome: string;
  subject_id: string | null;
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  details: unknown;
}

const EXPORT_COLUMNS = Prisma.sql`a."sequence", a.event_id::text AS event_id, a.occurred_at,
  a.actor_id::text AS actor_id, a.actor_role, a.action, a.resource_type, a.resource_id,
  a.outcome::text AS outcome, a.subject_id::text AS subject_id, a.request_id, a.ip, a.user_agent, a.details`;

export const AUDIT_CSV_FIELDS = [
  "sequence",
  "event_id",
  "occurred_at",
  "actor_id",
  "actor_role",
  "action",
  "resource_type",
  "resource_id",
  "outcome",
  "subject_id",
  "request_id",
  "ip",
  "user_agent",
  "details",
] as const;

/**
 * A text cell a spreadsheet will not run: a value starting with = + - @ (or a tab
 * or carriage return) would be read as a formula, so it gets a leading apostrophe
 * (OWASP's advice on CSV injection). User agents and resource ids come from outside.
 */
export function spreadsheetSafe(text: string): string {
  return /^[\t\r\n]|^\s*[=+\-@]/.test(text) ? `'${text}` : text;
}

export interface AuditExport {
  body: string;
  contentType: string;
  fileName: string;
  rows: number;
  capped: boolean;
}

const cell = (value: string | null) => (value === null ? "" : spreadsheetSafe(value));

/** The rows as CSV (UTF-8 with a byte-order mark); a capped export starts with a "#" note line. */
export function auditRowsToCsv(rows: readonly ExportRow[], capped: boolean): string {
  const data = rows.map((row) => [
    row.sequence.toString(),
    row.event_id,
    row.occurred_at.toISOString(),
    row.actor_id ?? "",
    row.actor_role,
    cell(row.action),
    cell(row.resource_type),
    cell(row.resource_id),
    row.outcome,
    row.subject_id ?? "",
    cell(row.request_id),
    cell(row.ip),
    cell(row.user_agent),
    row.details === null || row.details === undefined ? "" : cell(JSON.stringify(row.details)),
  ]);
  const note = capped
    ? `# Capped at ${AUDIT_EXPORT_CAP} rows (the newest): narrow the filter to export the rest.\r\n`
    : "";
  return `\uFEFF${note}${Papa.unparse({ fields: [...AUDIT_CSV_FIELDS], data }, { newline: "\r\n" })}\r\n`;
}

export function auditRowsToJson(
  rows: readonly ExportRow[],
  meta: { capped: boolean; filters: Record<string, unknown>; exportedAt: Date },
): string {
  return `${JSON.stringify(
    {
      exportedAt: meta.exportedAt.toISOString(),
      filters: meta.filters,
      rowCount: rows.length,
      cap: AUDIT_EXPORT_CAP,
      capped: meta.capped,
      ...(meta.capped
        ? { note: `Capped at ${AUDIT_EXPORT_CAP} rows (the newest): narrow the filter to export the rest.` }
        : {}),
      rows: rows.map((row) => ({
        sequence: row.sequence.toString(),
        eventId: row.event_id,
        occurredAt: row.occurred_at.toISOString(),
        actorId: row.actor_id,
        actorRole: row.actor_role,
        action: row.action,
        resourceType: row.resource_type,
        resourceId: row.resource_id,
        outcome: row.outcome,
        subjectId: row.subject_id,
        requestId: row.request_id,
        ip: row.ip,
        userAgent: row.user_agent,
        details: row.details ?? null,
      })),
    },
    null,
    2,
  )}\n`;
}

/** The filter's rows as a file; read and audited in one transaction. */
export async function exportAuditEvents(
  actor: AuthenticatedActor,
  filter: AuditFilter,
  format: ExportFormat,
  now = new Date(),
): Promise<AuditExport> {
  await assertAuditReviewer(actor);
  const { rows, capped } = await transaction(async () => {
    const found = await selectAuditRows<ExportRow>(filter, {
      limit: AUDIT_EXPORT_CAP + 1,
      columns: EXPORT_COLUMNS,
    });
    const isCapped = found.length > AUDIT_EXPORT_CAP;
    const kept = isCapped ? found.slice(0, AUDIT_EXPORT_CAP) : found;
    await recordAuditEvent({
      action: "audit.export",
      resourceType: "AuditLog",
      resourceId: null,
      details: searchDetails(filter, { format, rows: kept.length, capped: isCapped }),
    });
    return { rows: kept, capped: isCapped };
  });
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, "").replace("T", "-");
  const fileName = `haven-audit-${stamp}.${format}`;
  const body =
    format === "csv"
      ? auditRowsToCsv(rows, capped)
      : auditRowsToJson(rows, {
          capped,
          exportedAt: now,
          filters: searchDetails(filter),
        });
  return {
    body,
    contentType: format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
    fileName,
    rows: rows.length,
    capped,
  };
}
