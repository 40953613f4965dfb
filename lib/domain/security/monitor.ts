// The security monitor: reads the sealed audit stream in chain order (so a row
// that committed late is never skipped), applies the rules (rules.ts), and
// raises or updates alerts. One monitor at a time across every instance (a
// transaction-scoped advisory lock); its position, its alerts, their audit rows
// and their notification jobs commit together, so a crash repeats a batch
// rather than losing or doubling an alert.
import "server-only";
import { Prisma } from "@/lib/db/generated/client";
import { auditLogReader, recordAuditEvent, transaction, transactionClient } from "@/lib/db/client";
import { getEnv } from "@/lib/env";
import { queue, sendJob } from "@/lib/jobs/queue";
import { runAsSystem } from "@/lib/request-context";
import {
  CHART_VIEWED_ACTION,
  CLINICAL_RESOURCE_TYPES,
  PHI_READ_ACTION,
  type Match,
  RULE_SEVERITY,
  type RuleSettings,
  SIGN_IN_ACTION,
  type StreamRow,
  type WindowCheck,
  evaluateRows,
  hourBucket,
  parseWorkHours,
} from "./rules";

const MONITOR_LOCK = 7_244_913_553;
const BATCH = 2_000;
/** Ids kept in an alert's details (enough to start an investigation; the audit viewer has the rest). */
const MAX_IDS = 100;

export function ruleSettingsFromEnv(): RuleSettings {
  const env = getEnv();
  return {
    failedSignIns: {
      threshold: env.SECURITY_FAILED_SIGN_INS,
      windowMinutes: env.SECURITY_FAILED_SIGN_IN_MINUTES,
    },
    chartReadBurst: {
      threshold: env.SECURITY_CHART_READ_BURST,
      windowMinutes: env.SECURITY_CHART_READ_MINUTES,
    },
    bulkExport: { rows: env.SECURITY_BULK_EXPORT_ROWS, perHour: env.SECURITY_EXPORTS_PER_HOUR },
    workHours: { ...parseWorkHours(env.SECURITY_WORK_HOURS), timeZone: env.SECURITY_TIME_ZONE },
  };
}

export interface MonitorReport {
  /** Sealed audit rows read. */
  rows: number;
  raised: number;
  updated: number;
  /** Another instance held the monitor lock. */
  busy: boolean;
}

interface RawStreamRow {
  seal_sequence: bigint;
  sequence: bigint;
  occurred_at: Date;
  actor_id: string | null;
  actor_role: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  outcome: string;
  ip: string | null;
  subject_id: string | null;
  details: Record<string, unknown> | null;
}

const minutesBefore = (at: Date, minutes: number) => new Date(at.getTime() - minutes * 60_000);

/** The count behind a windowed rule, and the alert when it reaches the threshold. */
async function windowMatch(check: WindowCheck, settings: RuleSettings): Promise<Match | null> {
  const db = auditLogReader();
  if (check.rule === "failed-sign-ins") {
    const { threshold, windowMinutes } = settings.failedSignIns;
    const from = minutesBefore(check.at, windowMinutes);
    const scope =
      check.scope === "account"
        ? Prisma.sql`resource_type = 'User' AND resource_id = ${check.key}`
        : Prisma.sql`ip = ${check.key}`;
    const [row] = await db.$queryRaw<{ n: number; first: bigint | null }[]>`
      SELECT count(*)::int AS n, min(sequence) AS first FROM audit_log
       WHERE action = ${SIGN_IN_ACTION} AND outcome = 'FAILURE' AND ${scope}
         AND occurred_at > ${from} AND occurred_at <= ${check.at}`;
    if (!row || row.n < threshold) return null;
    return {
      rule: "failed-sign-ins",
      dedupeKey: `failed-sign-ins:${check.scope}:${check.key}:${hourBucket(check.at)}`,
      actorId: check.scope === "account" ? check.key : null,
      at: check.at,
      details: {
        failures: row.n,
        windowMinutes,
        threshold,
        scope: check.scope,
        ...(check.scope === "address" ? { address: check.key } : { accountId: check.key }),
        firstSequence: String(row.first),
      },
    };
  }
  if (check.rule === "chart-read-burst") {
    const { threshold, windowMinutes } = settings.chartReadBurst;
    const from = minutesBefore(check.at, windowMinutes);
    // Records of patients (rules.ts isRecordRead), never colleagues' accounts.
    const [row] = await db.$queryRaw<{ n: number; patients: string[] | null }[]>`
      SELECT count(DISTINCT a.subject_id)::int AS n,
             (array_agg(DISTINCT a.subject_id::text))[1:${Prisma.raw(String(MAX_IDS))}] AS patients
        FROM audit_log a JOIN users u ON u.id = a.subject_id AND u.role = 'PATIENT'
       WHERE a.actor_id = ${check.key}::uuid
         AND (a.action = ${CHART_VIEWED_ACTION}
              OR (a.action = ${PHI_READ_ACTION} AND a.resource_type IN (${Prisma.join([...CLINICAL_RESOURCE_TYPES])})))
         AND a.occurred_at > ${from} AND a.occurred_at <= ${check.at}`;
    if (!row || row.n < threshold) return null;
    return {
      rule: "chart-read-burst",
      dedupeKey: `chart-read-burst:${check.key}:${hourBucket(check.at)}`,
      actorId: check.key,
      at: check.at,
      details: { patients: row.n, windowMinutes, threshold, patientIds: row.patients ?? [] },
    };
  }
  const { perHour } = settings.bulkExport;
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM audit_log
     WHERE actor_id = ${check.key}::uuid AND (action LIKE '%.export' OR action LIKE '%.exported')
       AND outcome = 'SUCCESS'
       AND occurred_at > ${minutesBefore(check.at, 60)} AND occurred_at <= ${check.at}`;
  if (!row || row.n < perHour) return null;
  return {
    rule: "bulk-export",
    dedupeKey: `bulk-export:${check.key}:${hourBucket(check.at)}`,
    actorId: check.key,
    at: check.at,
    details: { exportsInHour: row.n, threshold: perHour },
  };
}

/** Raises a new alert (audited, admins emailed) or counts another match of an open one. */
async function raise(match: Match): Promise<"raised" | "updated"> {
  const db = transactionClient();
  const details = JSON.stringify(match.details);
  const [row] = await db.$queryRaw<{ id: string; inserted: boolean }[]>`
    INSERT INTO security_alerts (id, rule, severity, dedupe_key, actor_id, details, first_seen_at, last_seen_at)
    VALUES (gen_random_uuid(), ${match.rule}, ${RULE_SEVERITY[match.rule]}::"AlertSeverity", ${match.dedupeKey},
            ${match.actorId}::uuid, ${details}::jsonb, ${match.at}, ${match.at})
    ON CONFLICT (dedupe_key) DO UPDATE
      SET last_seen_at = GREATEST(security_alerts.last_seen_at, EXCLUDED.last_seen_at),
          match_count = security_alerts.match_count + 1,
          details = EXCLUDED.details
    RETURNING id::text, (xmax = 0) AS inserted`;
  if (!row) throw new Error("the alert upsert returned no row");
  if (!row.inserted) return "updated";
  const patientId = match.details.patientId;
  await recordAuditEvent({
    action: "security.alert.raised",
    resourceType: "SecurityAlert",
    resourceId: row.id,
    details: {
      rule: match.rule,
      severity: RULE_SEVERITY[match.rule],
      ...(match.actorId ? { userId: match.actorId } : {}),
    },
    subjectId: typeof patientId === "string" ? patientId : null,
  });
  await sendJob("security.notify-alert", { alertId: row.id });
  return "raised";
}

/** One pass over what was sealed since the last: every batch until the stream's head. */
export async function runSecurityMonitor(
  settings: RuleSettings = ruleSettingsFromEnv(),
): Promise<MonitorReport> {
  const report: MonitorReport = { rows: 0, raised: 0, updated: 0, busy: false };
  await queue(); // before the transactions that send notification jobs
  return runAsSystem("security.monitor", async () => {
    for (;;) {
      const batch = await transaction(async () => {
        const db = transactionClient();
        const [lock] = await db.$queryRaw<{ locked: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(${MONITOR_LOCK}::bigint) AS locked`;
        if (!lock?.locked) return null;
        const [state] = await db.$queryRaw<{ last: bigint }[]>`
          SELECT last_seal_sequence AS last FROM security_monitor_state WHERE id = 1 FOR UPDATE`;
        if (!state) throw new Error("security_monitor_state is missing its row");
        const raw = await auditLogReader().$queryRaw<RawStreamRow[]>`
          SELECT s.seal_sequence, a.sequence, a.occurred_at, a.actor_id::text AS actor_id, a.actor_role,
                 a.action, a.resource_type, a.resource_id, a.outcome::text AS outcome, a.ip,
                 a.subject_id::text AS subject_id, a.details
            FROM audit_seals s JOIN audit_log a ON a.sequence = s.audit_sequence
           WHERE s.seal_sequence > ${state.last}
           ORDER BY s.seal_sequence
           LIMIT ${BATCH}`;
        if (raw.length === 0) return { rows: 0, raised: 0, updated: 0 };
        const rows: StreamRow[] = raw.map((r) => ({
          sealSequence: r.seal_sequence,
          sequence: r.sequence,
          occurredAt: r.occurred_at,
          actorId: r.actor_id,
          actorRole: r.actor_role,
          action: r.action,
          resourceType: r.resource_type,
          resourceId: r.resource_id,
          outcome: r.outcome,
          ip: r.ip,
          subjectId: r.subject_id,
          details: r.details,
        }));
        const { matches, checks } = evaluateRows(rows, settings);
        for (const check of checks) {
          const match = await windowMatch(check, settings);
          if (match) matches.push(match);
        }
        let raised = 0;
        let updated = 0;
        for (const match of matches) {
          if ((await raise(match)) === "raised") raised += 1;
          else updated += 1;
        }
        const last = rows.at(-1)!.sealSequence;
        await db.$executeRaw`
          UPDATE security_monitor_state SET last_seal_sequence = ${last}, updated_at = now() WHERE id = 1`;
        return { rows: rows.length, raised, updated };
      });
      if (batch === null) return { ...report, busy: true };
      report.rows += batch.rows;
      report.raised += batch.raised;
      report.updated += batch.updated;
      if (batch.rows < BATCH) return report;
    }
  });
}
