// Security operations against a real PostgreSQL: the monitor reads the sealed
// audit stream and raises alerts (a doctor reading 30 charts in a minute, failed
// sign-ins, reads after hours, exports, break-glass), once per window, emailed to
// admins without PHI; incidents keep their deadlines and an append-only record;
// break-glass needs a reason, lasts an hour, is read-only and is reviewed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealPendingAuditRows } from "@/lib/audit/sealer";
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { disconnectDb, plainClient, recordAuditEvent } from "@/lib/db/client";
import { chartHeaderOf, patientsOfDoctor } from "@/lib/domain/clinical/chart";
import { createNoteDraft } from "@/lib/domain/clinical/notes";
import { setAlertStatus } from "@/lib/domain/security/alerts";
import {
  grantEmergencyAccess,
  pendingGrants,
  reviewGrant,
  grantForReview,
} from "@/lib/domain/security/break-glass";
import {
  addIncidentEntry,
  incidentDetail,
  openIncident,
  setIncidentStatus,
} from "@/lib/domain/security/incidents";
import { type MonitorReport, ruleSettingsFromEnv, runSecurityMonitor } from "@/lib/domain/security/monitor";
import { ALERT_SUBJECT, deliverAlertNotice } from "@/lib/domain/security/notifications";
import type { RuleSettings } from "@/lib/domain/security/rules";
import { breakGlassSchema } from "@/lib/domain/security/schemas";
import { stopQueue } from "@/lib/jobs/queue";
import { resetEnvCache } from "@/lib/env";
import { applyMigrations } from "@/scripts/lib/schema-engine";
import { runAsSystem } from "@/lib/request-context";
import { appErrorOf, asActor } from "../support/actors";
import { type Person, careVisit, person } from "../support/care";
import { type ScratchDatabase, createScratchDatabase, runSql } from "../support/database";

// Alert emails go to every active admin, decrypted, and each Vitest worker has random keys of its
// own: this file gets a database of its own, so other files' admins (under other keys) are not in it.
// It also keeps the monitor's stream to this file's rows.
const sharedUrl = process.env.DATABASE_URL!;
let scratch: ScratchDatabase | undefined;
beforeAll(async () => {
  scratch = await createScratchDatabase(sharedUrl, "security");
  await applyMigrations(scratch.url);
  await stopQueue();
  await disconnectDb();
  process.env.DATABASE_URL = scratch.url;
  resetEnvCache();
}, 120_000);

afterAll(async () => {
  await stopQueue();
  await disconnectDb();
  process.env.DATABASE_URL = sharedUrl;
  resetEnvCache();
  await scratch?.drop();
});

const url = () => process.env.DATABASE_URL!;

/** Seals what was written, then runs the monitor until it was not busy (other files share the database). */
async function monitor(settings: RuleSettings = ruleSettingsFromEnv()): Promise<MonitorReport> {
  for (let attempt = 0; attempt < 50; attempt++) {
    await sealPendingAuditRows(plainClient(), phiCryptoConfigFromEnv().audit);
    const report = await runSecurityMonitor(settings);
    if (!report.busy) return report;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the security monitor stayed busy");
}

const alertsOf = (actorId: string, rule: string) =>
  runSql<{
    id: string;
    severity: string;
    status: string;
    match_count: number;
    details: Record<string, unknown>;
  }>(
    url(),
    "SELECT id::text, severity::text, status::text, match_count, details FROM security_alerts WHERE actor_id = $1 AND rule = $2",
    [actorId, rule],
  );

/** Work hours that the current time is outside of (in UTC). */
function hoursExcludingNow(): RuleSettings["workHours"] {
  const now = new Date();
  const minutes = now.getUTCHours() * 60 + now.getUTCMinutes();
  return { start: (minutes + 60) % 1_440, end: (minutes + 120) % 1_440, timeZone: "UTC" };
}

describe("the chart-read burst", () => {
  let doctor: Person;
  let patients: Person[];
  beforeAll(async () => {
    await person("ADMIN"); // someone to email
    doctor = await person("DOCTOR");
    patients = [];
    for (let i = 0; i < 30; i++) {
      const patient = await person("PATIENT", `Burst Patient ${i}`);
      await careVisit(doctor.id, patient.id, "COMPLETED");
      patients.push(patient);
    }
  }, 120_000);

  it("raises one high alert when a doctor reads 30 patients' charts within a minute, and emails admins without PHI", async () => {
    const started = Date.now();
    for (const patient of patients)
      await asActor(doctor.actor, () => chartHeaderOf(doctor.actor, patient.id));
    expect(Date.now() - started).toBeLessThan(60_000);
    // Each read names its patient as the audit row's subject.
    const [reads] = await runSql<{ n: string }>(
      url(),
      "SELECT count(DISTINCT subject_id) AS n FROM audit_log WHERE actor_id = $1 AND action = 'phi.read'",
      [doctor.id],
    );
    expect(Number(reads!.n)).toBe(30);

    await monitor();
    const alerts = await alertsOf(doctor.id, "chart-read-burst");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: "HIGH", status: "OPEN" });
    expect(alerts[0]!.details.patients).toBe(30);
    expect([...(alerts[0]!.details.patientIds as string[])].sort()).toEqual(patients.map((p) => p.id).sort());

    // Another pass sees nothing new: still one alert.
    await monitor();
    expect(await alertsOf(doctor.id, "chart-read-burst")).toHaveLength(1);

    // The notification job: every active admin, a link, no name, no patient, no email address.
    const before = await runSql<{ n: string }>(url(), "SELECT count(*) AS n FROM dev_mail");
    await runAsSystem("test", () => deliverAlertNotice({ alertId: alerts[0]!.id }));
    const mails = await runSql<{ subject: string; text: string }>(
      url(),
      "SELECT subject, text FROM dev_mail ORDER BY created_at DESC LIMIT $1",
      [1],
    );
    const [after] = await runSql<{ n: string }>(url(), "SELECT count(*) AS n FROM dev_mail");
    expect(Number(after!.n)).toBeGreaterThan(Number(before[0]!.n));
    expect(mails[0]!.subject).toBe(`${ALERT_SUBJECT}: One user reading many patients' records`);
    expect(mails[0]!.text).toContain(`/admin/security/alerts/${alerts[0]!.id}`);
    // No name, no address, and no id but the alert's own (no patient's, no doctor's).
    expect(mails[0]!.text.replace(alerts[0]!.id, "")).not.toMatch(
      /Burst Patient|@example\.test|[0-9a-f]{8}-[0-9a-f]{4}-/,
    );
    expect(mails[0]!.text).not.toContain(doctor.id);
  });

  it("stays quiet for a doctor who only lists their thirty patients (names are not records)", async () => {
    const lister = await person("DOCTOR");
    for (const patient of patients) await careVisit(lister.id, patient.id, "COMPLETED");
    expect(await asActor(lister.actor, () => patientsOfDoctor(lister.actor))).toHaveLength(30);
    await monitor();
    expect(await alertsOf(lister.id, "chart-read-burst")).toEqual([]);
  });

  it("stays quiet for a doctor reading a few charts", async () => {
    const other = await person("DOCTOR");
    for (const patient of patients.slice(0, 5)) {
      await careVisit(other.id, patient.id, "COMPLETED");
      await asActor(other.actor, () => chartHeaderOf(other.actor, patient.id));
    }
    await monitor();
    expect(await alertsOf(other.id, "chart-read-burst")).toEqual([]);
  });
});

describe("the other rules", () => {
  it("raises an alert for repeated failed sign-ins to one account, not for fewer", async () => {
    const target = await person("PATIENT");
    const quiet = await person("PATIENT");
    const fail = (userId: string) =>
      runAsSystem("auth.sign-in", () =>
        recordAuditEvent({
          action: "auth.sign-in",
          resourceType: "User",
          resourceId: userId,
          outcome: "FAILURE",
          details: { reason: "password" },
        }),
      );
    const { threshold } = ruleSettingsFromEnv().failedSignIns;
    for (let i = 0; i < threshold; i++) await fail(target.id);
    for (let i = 0; i < threshold - 1; i++) await fail(quiet.id);
    await monitor();
    const alerts = await alertsOf(target.id, "failed-sign-ins");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.details).toMatchObject({ failures: threshold, scope: "account" });
    expect(await alertsOf(quiet.id, "failed-sign-ins")).toEqual([]);

    // Closed as "no action needed", the same rule matching again raises a new alert, not a silent count.
    const admin = await person("ADMIN");
    await asActor(admin.actor, () => setAlertStatus(admin.actor, alerts[0]!.id, "CLOSED"));
    await fail(target.id);
    await monitor();
    const after = await alertsOf(target.id, "failed-sign-ins");
    expect(after.map((alert) => alert.status).sort()).toEqual(["CLOSED", "OPEN"]);
  });

  it("raises an after-hours alert for a doctor reading a chart outside working hours, once a day", async () => {
    const doctor = await person("DOCTOR");
    const patient = await person("PATIENT");
    await careVisit(doctor.id, patient.id, "COMPLETED");
    await asActor(doctor.actor, () => chartHeaderOf(doctor.actor, patient.id));
    await asActor(doctor.actor, () => chartHeaderOf(doctor.actor, patient.id));
    const settings = { ...ruleSettingsFromEnv(), workHours: hoursExcludingNow() };
    await monitor(settings);
    const alerts = await alertsOf(doctor.id, "after-hours-access");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.severity).toBe("LOW");
    expect(alerts[0]!.match_count).toBeGreaterThanOrEqual(2);
  });

  it("raises a bulk-export alert for one large export", async () => {
    const admin = await person("ADMIN");
    await asActor(admin.actor, () =>
      recordAuditEvent({
        action: "audit.export",
        resourceType: "AuditLog",
        details: { format: "csv", rows: 50_000 },
      }),
    );
    await monitor();
    expect(await alertsOf(admin.id, "bulk-export")).toHaveLength(1);
  });
});

describe("break-glass", () => {
  let doctor: Person;
  let patient: Person;
  let admin: Person;
  let email: string;
  beforeAll(async () => {
    doctor = await person("DOCTOR");
    patient = await person("PATIENT", "Glass Patient");
    admin = await person("ADMIN");
    email = patient.email;
  });

  it("is refused without a reason, or for an email that is no patient", async () => {
    const parsed = breakGlassSchema.safeParse({ patientEmail: email, reason: "  need it " });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(
      "State why you need this chart now, in at least 20 characters.",
    );
    const error = await appErrorOf(
      asActor(doctor.actor, () =>
        grantEmergencyAccess(doctor.actor, {
          patientEmail: "nobody@example.test",
          reason: "Unconscious at the desk, allergies unknown",
        }),
      ),
    );
    expect(error.details.fields?.[0]?.field).toBe("patientEmail");
    // Without a grant the chart is a 404.
    expect(
      (await appErrorOf(asActor(doctor.actor, () => chartHeaderOf(doctor.actor, patient.id)))).code,
    ).toBe("NOT_FOUND");
  });

  it("with a reason, opens the chart read-only for one hour; then refuses; alerts and waits for review", async () => {
    const reason = "Patient collapsed in the waiting room; checking allergies before treatment";
    const grant = await asActor(doctor.actor, () =>
      grantEmergencyAccess(doctor.actor, { patientEmail: email, reason }),
    );
    expect(grant.alreadyTreating).toBe(false);
    expect(grant.expiresAt.getTime() - Date.now()).toBeGreaterThan(59 * 60_000);
    expect(grant.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(60 * 60_000);

    const chart = await asActor(doctor.actor, () => chartHeaderOf(doctor.actor, patient.id));
    expect(chart).toMatchObject({ fullName: "Glass Patient", access: "emergency" });
    expect(chart.emergencyUntil?.getTime()).toBe(grant.expiresAt.getTime());
    // Read-only: a note is refused like any chart the doctor may not write.
    const write = await appErrorOf(
      asActor(doctor.actor, () => createNoteDraft(doctor.actor, patient.id, {})),
    );
    expect(write.code).toBe("NOT_FOUND");

    // The reason is the patient's data: encrypted at rest.
    const [raw] = await runSql<{ reason: string }>(
      url(),
      "SELECT reason FROM break_glass_grants WHERE doctor_id = $1",
      [doctor.id],
    );
    expect(raw!.reason).not.toContain("collapsed");

    // The alert, and the review queue.
    await monitor();
    const alerts = await alertsOf(doctor.id, "break-glass");
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.details.patientId).toBe(patient.id);
    const queue = await asActor(admin.actor, () => pendingGrants());
    const pending = queue.find((entry) => entry.doctorId === doctor.id);
    expect(pending).toBeDefined();

    // An hour later: refused.
    await runSql(
      url(),
      "UPDATE break_glass_grants SET granted_at = granted_at - interval '61 minutes', expires_at = expires_at - interval '61 minutes' WHERE doctor_id = $1",
      [doctor.id],
    );
    expect(
      (await appErrorOf(asActor(doctor.actor, () => chartHeaderOf(doctor.actor, patient.id)))).code,
    ).toBe("NOT_FOUND");

    // The admin reads the reason (audited) and closes the review, once.
    const forReview = await asActor(admin.actor, () => grantForReview(pending!.id));
    expect(forReview.reason).toBe(reason);
    await asActor(admin.actor, () =>
      reviewGrant(admin.actor, {
        grantId: pending!.id,
        review: "APPROPRIATE",
        reviewNote: "Confirmed with the desk.",
      }),
    );
    expect(
      (await asActor(admin.actor, () => pendingGrants())).some((entry) => entry.id === pending!.id),
    ).toBe(false);
    const again = await appErrorOf(
      asActor(admin.actor, () =>
        reviewGrant(admin.actor, {
          grantId: pending!.id,
          review: "INAPPROPRIATE",
          reviewNote: "Changed my mind.",
        }),
      ),
    );
    expect(again.code).toBe("CONFLICT");
    const [audit] = await runSql<{ n: string }>(
      url(),
      "SELECT count(*) AS n FROM audit_log WHERE resource_id = $1 AND action IN ('break-glass.granted', 'break-glass.reviewed') AND subject_id = $2",
      [pending!.id, patient.id],
    );
    expect(Number(audit!.n)).toBe(2);
  });
});

describe("incidents", () => {
  it("open from an alert with its deadlines, keep an append-only record, and close their alerts", async () => {
    const admin = await person("ADMIN");
    const suspect = await person("DOCTOR");
    await asActor(suspect.actor, () =>
      recordAuditEvent({
        action: "audit.export",
        resourceType: "AuditLog",
        details: { format: "json", rows: 9_999 },
      }),
    );
    await monitor();
    const [alert] = await alertsOf(suspect.id, "bulk-export");
    const [firstSeen] = await runSql<{ at: Date }>(
      url(),
      "SELECT first_seen_at AS at FROM security_alerts WHERE id = $1",
      [alert!.id],
    );

    const incidentId = await asActor(admin.actor, () =>
      openIncident(admin.actor, { title: "Large export by one account", alertId: alert!.id }),
    );
    const detail = await asActor(admin.actor, () => incidentDetail(incidentId));
    expect(detail.discoveredAt.getTime()).toBe(firstSeen!.at.getTime());
    const due = Object.fromEntries(
      detail.deadlines.map((d) => [d.law, d.due.getTime() - detail.discoveredAt.getTime()]),
    );
    expect(due).toEqual({ GDPR: 72 * 3_600_000, HIPAA: 60 * 86_400_000 });
    expect((await alertsOf(suspect.id, "bulk-export"))[0]!.status).toBe("ACKNOWLEDGED");
    // An alert joins one incident only.
    expect(
      (
        await appErrorOf(
          asActor(admin.actor, () => openIncident(admin.actor, { title: "Twice", alertId: alert!.id })),
        )
      ).code,
    ).toBe("CONFLICT");

    await asActor(admin.actor, () =>
      addIncidentEntry(admin.actor, {
        incidentId,
        kind: "ASSESSMENT",
        text: "Export was a scheduled compliance report.",
      }),
    );
    await expect(
      runSql(url(), "UPDATE incident_entries SET text = 'rewritten' WHERE incident_id = $1", [incidentId]),
    ).rejects.toThrow(/append-only/);
    await asActor(admin.actor, () => setIncidentStatus(admin.actor, { incidentId, status: "CLOSED" }));
    expect((await alertsOf(suspect.id, "bulk-export"))[0]!.status).toBe("CLOSED");
    const closed = await asActor(admin.actor, () => incidentDetail(incidentId));
    expect(closed.entries.map((entry) => entry.kind)).toEqual(["STATUS", "ASSESSMENT", "STATUS"]);
    expect(closed.closedAt).toBeInstanceOf(Date);
    await expect(
      asActor(admin.actor, () => setAlertStatus(admin.actor, alert!.id, "ACKNOWLEDGED")),
    ).rejects.toThrow(/already closed/);
  });
});
