// The admin's audit viewer against a real PostgreSQL: each filter returns exactly
// the rows SQL says match (the shared database holds other tests' rows too, so
// every filter is pinned to this file's own people), keyset pages neither overlap
// nor skip, an email is resolved through the blind index and never reaches the
// URL, the export holds the rows and writes its own audit row, verification
// reports a tampered chain, and nobody but an admin gets anything.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { appendCheckpoint } from "@/lib/audit/checkpoints";
import { sealPendingAuditRows } from "@/lib/audit/sealer";
import { type AuditOutcome, appendAuditEvents } from "@/lib/audit/writer";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { disconnectDb, getDb, recordAuditEvent } from "@/lib/db/client";
import { exportAuditEvents } from "@/lib/domain/audit-viewer/export";
import {
  accountIdByEmail,
  auditActivity,
  auditEventForAdmin,
  auditPageOf,
  listAuditEvents,
} from "@/lib/domain/audit-viewer/queries";
import { type AuditCursor, type AuditFilter, EMPTY_FILTER } from "@/lib/domain/audit-viewer/schemas";
import { verifyAuditIntegrity } from "@/lib/domain/audit-viewer/verify";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";
import { type RequestContext, runAsSystem } from "@/lib/request-context";
import { createAccount } from "../support/accounts";
import { appErrorOf, asActor, asUser, authenticatedActor } from "../support/actors";
import { runSql } from "../support/database";
import { type ScratchLayer, auditKeys, createScratchLayer } from "../support/scratch-layer";

// The filter action reads the session from Next's request; here the test says who is signed in.
const session = vi.hoisted(() => ({ actor: null as AuthenticatedActor | null }));
vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw Object.assign(new Error("NEXT_REDIRECT"), { url });
  },
  notFound: () => {
    throw new Error("NEXT_NOT_FOUND");
  },
}));
vi.mock("@/lib/auth/current", async () => {
  const { roleCan } = await import("@/lib/authz/permissions");
  const { runAsActor } = await import("@/lib/request-context");
  return {
    requireActor: (permission?: Parameters<typeof roleCan>[1]) => {
      const actor = session.actor;
      if (!actor) return Promise.reject(new Error("NEXT_REDIRECT"));
      if (permission && !roleCan(actor.role, permission)) return Promise.reject(new Error("NEXT_NOT_FOUND"));
      return Promise.resolve(actor);
    },
    runAs: (actor: AuthenticatedActor, fn: () => Promise<unknown>) =>
      runAsActor({ kind: "user", userId: actor.userId, role: actor.role }, fn),
  };
});
const { filterAuditAction } = await import("@/app/(app)/admin/audit/actions");

const databaseUrl = process.env.DATABASE_URL!;
const ROWS = 120;
const ACTIONS = ["phi.read", "phi.update", "auth.sign-in"] as const;

interface Expected {
  sequence: string;
  action: string;
  actor_id: string;
  outcome: string;
  occurred_at: Date;
  resource_id: string;
}

/** What SQL says about this file's rows: the truth every filter is compared with. */
const expected = (where: string, params: unknown[]) =>
  runSql<Expected>(
    databaseUrl,
    `SELECT "sequence"::text AS sequence, action, actor_id::text AS actor_id, outcome::text AS outcome,
            occurred_at, resource_id
       FROM audit_log WHERE ${where} ORDER BY audit_log."sequence" DESC`,
    params,
  );

/** Every page of a filter, following the Older links. */
async function allPages(filter: AuditFilter) {
  const pages: string[][] = [];
  let cursor: AuditCursor = null;
  for (let i = 0; i < 20; i += 1) {
    const page = await auditPageOf(filter, cursor);
    pages.push(page.rows.map((row) => row.sequence.toString()));
    if (!page.older) break;
    cursor = page.older;
  }
  return pages;
}

describe("the audit viewer", () => {
  let admin: AuthenticatedActor;
  let doctor: AuthenticatedActor;
  let patient: AuthenticatedActor;
  let patientEmail: string;
  let noteId: string;

  beforeAll(async () => {
    admin = authenticatedActor((await createAccount("ADMIN")).id, "ADMIN");
    const doctorAccount = await createAccount("DOCTOR");
    doctor = authenticatedActor(doctorAccount.id, "DOCTOR");
    await runAsSystem("test", () =>
      getDb().doctorProfile.create({
        data: { userId: doctor.userId, displayName: "Dr. Audit Viewer", specialty: "General practice" },
      }),
    );
    const patientAccount = await createAccount("PATIENT");
    patient = authenticatedActor(patientAccount.id, "PATIENT");
    patientEmail = patientAccount.email;
    noteId = randomUUID();
    // Reads and changes of the patient's record by the doctor and by herself; 1 in 10 failed.
    for (let i = 0; i < ROWS; i += 1) {
      const by = i % 2 === 0 ? doctor : patient;
      const outcome: AuditOutcome = i % 10 === 0 ? "FAILURE" : "SUCCESS";
      await asUser(
        by.role,
        () =>
          recordAuditEvent({
            action: ACTIONS[i % 3]!,
            resourceType: i % 4 === 0 ? "ClinicalNote" : "PatientProfile",
            resourceId: i % 4 === 0 ? noteId : patient.userId,
            subjectId: patient.userId,
            outcome,
          }),
        by.userId,
      );
    }
  });

  afterAll(async () => {
    await disconnectDb();
  });

  const forPatient = (): AuditFilter => ({ ...EMPTY_FILTER, subjectId: patient.userId });

  it("pages the patient's rows newest first, 50 at a time, without overlap or gap, both ways", async () => {
    // Her account's creation is an event about her too (phi.create), besides the rows written here.
    const truth = (await expected("subject_id = $1", [patient.userId])).map((row) => row.sequence);
    expect(truth.length).toBeGreaterThanOrEqual(ROWS);
    expect(truth.length).toBeLessThan(150);
    const pages = await allPages(forPatient());
    expect(pages.map((page) => page.length)).toEqual([50, 50, truth.length - 100]);
    expect(pages.flat()).toEqual(truth);
    expect(new Set(pages.flat()).size).toBe(truth.length);

    // From the last page, Newer gives back exactly the page before it; from the second, the first.
    const third = await auditPageOf(forPatient(), {
      direction: "older",
      sequence: BigInt(pages[1]!.at(-1)!),
    });
    expect(third.rows.map((row) => row.sequence.toString())).toEqual(pages[2]);
    expect(third.older).toBeNull();
    const second = await auditPageOf(forPatient(), third.newer);
    expect(second.rows.map((row) => row.sequence.toString())).toEqual(pages[1]);
    const first = await auditPageOf(forPatient(), second.newer);
    expect(first.rows.map((row) => row.sequence.toString())).toEqual(pages[0]);
    expect(first.newer).toBeNull();
  });

  it("returns exactly the rows each filter matches", async () => {
    const cases: [AuditFilter, string, unknown[]][] = [
      [
        { ...forPatient(), actorId: doctor.userId },
        "subject_id = $1 AND actor_id = $2",
        [patient.userId, doctor.userId],
      ],
      [
        { ...forPatient(), action: { kind: "exact", value: "phi.read" } },
        "subject_id = $1 AND action = 'phi.read'",
        [patient.userId],
      ],
      [
        { ...forPatient(), action: { kind: "prefix", value: "phi." } },
        "subject_id = $1 AND action LIKE 'phi.%'",
        [patient.userId],
      ],
      [
        { ...forPatient(), action: { kind: "prefix", value: "auth." }, outcome: "FAILURE" },
        "subject_id = $1 AND action LIKE 'auth.%' AND outcome = 'FAILURE'",
        [patient.userId],
      ],
      [
        { ...forPatient(), resourceType: "ClinicalNote", resourceId: noteId },
        "subject_id = $1 AND resource_type = 'ClinicalNote' AND resource_id = $2",
        [patient.userId, noteId],
      ],
      [{ ...EMPTY_FILTER, actorId: patient.userId }, "actor_id = $1", [patient.userId]],
      [{ ...forPatient(), action: { kind: "prefix", value: "nothing." } }, "false", []],
    ];
    for (const [filter, where, params] of cases) {
      const truth = (await expected(where, params)).map((row) => row.sequence);
      expect((await allPages(filter)).flat(), where).toEqual(truth);
    }
    // The patient's own rows are half, and each failed one is there.
    expect((await expected("actor_id = $1", [patient.userId])).length).toBeGreaterThanOrEqual(ROWS / 2);
  });

  it("filters a time range exactly, to the millisecond at both ends", async () => {
    const rows = await expected("subject_id = $1", [patient.userId]);
    const from = rows[90]!.occurred_at;
    const to = rows[30]!.occurred_at;
    const truth = rows
      .filter((row) => row.occurred_at >= from && row.occurred_at < to)
      .map((r) => r.sequence);
    expect(truth.length).toBeGreaterThan(0);
    expect((await allPages({ ...forPatient(), from, to })).flat()).toEqual(truth);
    expect((await allPages({ ...forPatient(), from: to, to: from })).flat()).toEqual([]);
  });

  it("names doctors by display name and everyone else by a short id; the search is audited", async () => {
    const page = await asActor(admin, () => listAuditEvents(admin, forPatient(), null));
    const byDoctor = page.rows.find((row) => row.actorId === doctor.userId)!;
    const byPatient = page.rows.find((row) => row.actorId === patient.userId)!;
    expect(byDoctor.actorLabel).toBe("Doctor · Dr. Audit Viewer");
    expect(byPatient.actorLabel).toBe(`Patient · ${patient.userId.slice(0, 8)}`);
    const [search] = await runSql<{ details: Record<string, unknown> }>(
      databaseUrl,
      "SELECT details FROM audit_log WHERE actor_id = $1 AND action = 'audit.search' ORDER BY sequence DESC LIMIT 1",
      [admin.userId],
    );
    expect(search!.details).toMatchObject({ filters: ["subject"], subjectId: patient.userId, rows: 50 });
  });

  it("shows one row with every column and its seal; an unknown or malformed sequence is not found", async () => {
    const [row] = await expected("subject_id = $1", [patient.userId]);
    const detail = await asActor(admin, () => auditEventForAdmin(admin, row!.sequence));
    expect(detail).toMatchObject({
      sequence: BigInt(row!.sequence),
      subjectId: patient.userId,
      actorId: row!.actor_id,
      action: row!.action,
      ip: "203.0.113.7",
      userAgent: "haven-tests",
      hasRowMac: true,
    });
    expect(typeof detail.requestId).toBe("string");
    expect(detail.seal === null || typeof detail.seal.verdict === "string").toBe(true);
    for (const sequence of ["999999999999", "abc", "0", "-1"]) {
      expect((await appErrorOf(asActor(admin, () => auditEventForAdmin(admin, sequence)))).code).toBe(
        "NOT_FOUND",
      );
    }
  });

  it("counts activity and failures per bucket over the range", async () => {
    const all = await expected("subject_id = $1", [patient.userId]);
    const activity = await asActor(admin, () => auditActivity(admin, forPatient(), "UTC"));
    expect(activity.bucket).toBe("day");
    expect(activity.buckets.length).toBeGreaterThanOrEqual(14);
    expect(activity.buckets.reduce((sum, b) => sum + b.total, 0)).toBe(all.length);
    expect(activity.buckets.reduce((sum, b) => sum + b.failures, 0)).toBe(
      all.filter((row) => row.outcome !== "SUCCESS").length,
    );
    expect(all.filter((row) => row.outcome === "FAILURE")).toHaveLength(ROWS / 10);
  });

  it("exports the filter as CSV and JSON, each with its own audit row (filters, ids only)", async () => {
    const truth = (await expected("subject_id = $1", [patient.userId])).map((row) => row.sequence);
    const csv = await asActor(admin, () => exportAuditEvents(admin, forPatient(), "csv"));
    expect(csv).toMatchObject({
      rows: truth.length,
      capped: false,
      contentType: "text/csv; charset=utf-8",
    });
    expect(csv.fileName).toMatch(/^haven-audit-\d{8}-\d{6}\.csv$/);
    const parsed = Papa.parse<Record<string, string>>(csv.body.slice(1).trim(), { header: true });
    expect(parsed.data.map((row) => row.sequence)).toEqual(truth);
    expect(new Set(parsed.data.map((row) => row.subject_id))).toEqual(new Set([patient.userId]));

    const json = await asActor(admin, () => exportAuditEvents(admin, forPatient(), "json"));
    const document = JSON.parse(json.body) as {
      rowCount: number;
      capped: boolean;
      rows: { sequence: string }[];
    };
    expect(document).toMatchObject({ rowCount: truth.length, capped: false });
    expect(document.rows.map((row) => row.sequence)).toEqual(truth);

    const exports = await runSql<{ details: Record<string, unknown>; outcome: string }>(
      databaseUrl,
      "SELECT details, outcome::text AS outcome FROM audit_log WHERE actor_id = $1 AND action = 'audit.export' ORDER BY sequence",
      [admin.userId],
    );
    expect(exports.map((row) => row.details)).toEqual([
      expect.objectContaining({
        format: "csv",
        rows: truth.length,
        capped: false,
        filters: ["subject"],
        subjectId: patient.userId,
      }),
      expect.objectContaining({ format: "json", rows: truth.length, capped: false }),
    ]);
    // Ids only: the patient's email is nowhere in the audit rows about the export.
    expect(JSON.stringify(exports)).not.toContain(patientEmail);
  });

  it("resolves an email through the blind index to an id for the URL; an unknown one is named as such", async () => {
    session.actor = admin;
    const submit = (fields: Record<string, string>) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      return filterAuditAction(INITIAL_FORM_STATE, form);
    };
    const redirected = (await submit({ patient: patientEmail.toUpperCase(), outcome: "FAILURE" }).then(
      () => null,
      (error: { url?: string }) => error.url,
    )) as string;
    expect(redirected).toBe(`/admin/audit?subject=${patient.userId}&outcome=FAILURE`);
    expect(redirected).not.toContain("@");

    const unknown: FormState = await submit({ user: "nobody.at.all@example.test" });
    expect(unknown).toMatchObject({ ok: false, fieldErrors: { user: "No account with that email." } });
    const badRange: FormState = await submit({ from: "2026-12-02T10:00", to: "2026-12-01T10:00" });
    expect(badRange.fieldErrors?.to).toBe("The start of the time range is after its end.");
    expect(await asActor(admin, () => accountIdByEmail(admin, patientEmail))).toBe(patient.userId);
  });

  it("refuses everyone but admins, as not found, and audits each refusal", async () => {
    for (const outsider of [doctor, patient]) {
      const before = await runSql<{ n: string }>(
        databaseUrl,
        "SELECT count(*) AS n FROM audit_log WHERE actor_id = $1 AND action = 'authz.denied' AND resource_type = 'AuditLog'",
        [outsider.userId],
      );
      const attempts: (() => Promise<unknown>)[] = [
        () => listAuditEvents(outsider, forPatient(), null),
        () => auditEventForAdmin(outsider, "1"),
        () => exportAuditEvents(outsider, forPatient(), "csv"),
        () => auditActivity(outsider, forPatient(), "UTC"),
        () => accountIdByEmail(outsider, patientEmail),
        () => verifyAuditIntegrity(outsider),
      ];
      for (const attempt of attempts) {
        expect((await appErrorOf(asActor(outsider, attempt))).code).toBe("NOT_FOUND");
      }
      const after = await runSql<{ n: string }>(
        databaseUrl,
        "SELECT count(*) AS n FROM audit_log WHERE actor_id = $1 AND action = 'authz.denied' AND resource_type = 'AuditLog'",
        [outsider.userId],
      );
      expect(Number(after[0]!.n) - Number(before[0]!.n)).toBe(attempts.length);
    }
    session.actor = doctor;
    await expect(filterAuditAction(INITIAL_FORM_STATE, new FormData())).rejects.toThrow("NEXT_NOT_FOUND");
    // No export was written by anyone but the admin.
    const exports = await runSql(
      databaseUrl,
      "SELECT 1 FROM audit_log WHERE action = 'audit.export' AND actor_id = ANY($1::uuid[])",
      [[doctor.userId, patient.userId]],
    );
    expect(exports).toEqual([]);
  });
});

describe("verify integrity", () => {
  let layer: ScratchLayer;
  afterAll(() => layer?.close());

  it("reports an intact chain, then the tampered row by its sequence; both runs audited", async () => {
    const admin = authenticatedActor(randomUUID(), "ADMIN");
    layer = await createScratchLayer("auditviewer");
    const checkpoints = { directory: mkdtempSync(path.join(tmpdir(), "haven-checkpoints-")) };
    const context: RequestContext = {
      actor: { kind: "user", userId: randomUUID(), role: "DOCTOR" },
      requestId: null,
      ip: null,
      userAgent: null,
    };
    for (let i = 0; i < 8; i += 1) {
      await layer.base.$transaction((tx) =>
        appendAuditEvents(
          tx,
          auditKeys,
          [{ action: "phi.read", resourceType: "Test", resourceId: `r${i}` }],
          context,
        ),
      );
    }
    const sealed = await sealPendingAuditRows(layer.base, auditKeys);
    await appendCheckpoint(checkpoints, auditKeys, sealed.head!);
    const source = { base: layer.base, keys: auditKeys, checkpoints, sealBoundMs: 60_000 };

    const intact = await asActor(admin, () => verifyAuditIntegrity(admin, source));
    expect(intact).toMatchObject({
      ok: true,
      sealed: 8,
      unsealed: 0,
      head: { sealSequence: "8" },
      checkpoint: { sealSequence: "8", matched: true },
      brokenAt: null,
      problems: [],
    });

    await runSql(
      layer.database.url,
      "BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_log SET action = 'edited' WHERE sequence = 3; COMMIT;",
    );
    const broken = await asActor(admin, () => verifyAuditIntegrity(admin, source));
    expect(broken.ok).toBe(false);
    expect(broken.brokenAt).toBe("3");
    expect(broken.problems.join("\n")).toMatch(/audit row 3 \(seal 3\)/);

    const runs = await runSql<{ outcome: string; details: Record<string, unknown> }>(
      databaseUrl,
      "SELECT outcome::text AS outcome, details FROM audit_log WHERE actor_id = $1 AND action = 'audit.verify' ORDER BY sequence",
      [admin.userId],
    );
    expect(runs.map((run) => run.outcome)).toEqual(["SUCCESS", "FAILURE"]);
    expect(runs[0]!.details).toMatchObject({ sealed: 8, problems: 0 });
    expect(runs[1]!.details).toMatchObject({ brokenAt: "3" });
  });
});
