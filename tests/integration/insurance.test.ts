// Insurance eligibility against a real PostgreSQL, through the three route handlers as a browser
// calls them: the details are sealed with WebCrypto to the session's key, checked with both sandbox
// payers (X12 270/271 and FHIR R4), stored encrypted (raw SQL finds no member id or name), and
// audited. Stale, replayed, moved or foreign payloads are refused; a destroyed or expired session
// cannot be used; payer failures and timeouts give a retryable message; only the patient may call.
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { POST as cleanupRoute } from "@/app/api/insurance/cleanup-session/route";
import { POST as initRoute } from "@/app/api/insurance/init-session/route";
import { POST as verifyRoute } from "@/app/api/insurance/verify/route";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { disconnectDb } from "@/lib/db/client";
import { withdrawConsent } from "@/lib/domain/consent/withdraw-consent";
import { sealPayload } from "@/lib/domain/insurance/envelope";
import { latestCoverageStatus, ownVerifications } from "@/lib/domain/insurance/queries";
import type { VerificationSessionView, VerificationView } from "@/lib/domain/insurance/schemas";
import { expireSessionsJob } from "@/lib/domain/insurance/jobs";
import { destroyExpiredSessions } from "@/lib/domain/insurance/sessions";
import { resetEnvCache } from "@/lib/env";
import { stopQueue } from "@/lib/jobs/queue";
import { asActor } from "../support/actors";
import { browserHeaders } from "../support/browser";
import { careVisit, person } from "../support/care";
import { runSql } from "../support/database";

// runAs (in the route handlers) reads the request's headers for its audit rows.
vi.mock("next/headers", () => ({ headers: () => Promise.resolve(new Headers()) }));

const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  runSql<T>(process.env.DATABASE_URL!, text, params);

afterAll(async () => {
  await stopQueue();
  await disconnectDb();
});

let network = 100;
/** This person's browser, on an address of its own unless one is given. */
async function headersOf(actor?: AuthenticatedActor, address?: string): Promise<Record<string, string>> {
  const headers = await browserHeaders((network += 1), actor);
  if (address) headers["x-forwarded-for"] = address;
  return headers;
}

async function init(actor?: AuthenticatedActor, address?: string): Promise<Response> {
  return initRoute(
    new Request("http://localhost/api/insurance/init-session", {
      method: "POST",
      headers: { ...(await headersOf(actor, address)), "content-type": "application/json" },
      body: "{}",
    }),
    { params: Promise.resolve({}) },
  );
}

async function openSession(actor: AuthenticatedActor): Promise<VerificationSessionView> {
  const response = await init(actor);
  expect(response.status).toBe(201);
  return (await response.json()) as VerificationSessionView;
}

async function verify(
  actor: AuthenticatedActor | undefined,
  body: unknown,
  sessionHeader: string,
): Promise<Response> {
  return verifyRoute(
    new Request("http://localhost/api/insurance/verify", {
      method: "POST",
      headers: {
        ...(await headersOf(actor)),
        "content-type": "application/json",
        "x-session-id": sessionHeader,
      },
      body: JSON.stringify(body),
    }),
    { params: Promise.resolve({}) },
  );
}

async function cleanup(actor: AuthenticatedActor | undefined, sessionId: string): Promise<Response> {
  return cleanupRoute(
    new Request("http://localhost/api/insurance/cleanup-session", {
      method: "POST",
      headers: { ...(await headersOf(actor)), "x-session-id": sessionId },
    }),
    { params: Promise.resolve({}) },
  );
}

const DETAILS = {
  payerId: "SBX-X12",
  memberId: "SBX-ACTIVE-1001",
  groupNumber: "GRP-77120",
  subscriberFirstName: "Oskarina",
  subscriberLastName: "Vandermeulen",
  subscriberDateOfBirth: "1984-03-09",
};

async function sealedBody(
  session: VerificationSessionView,
  details: Record<string, unknown> = DETAILS,
  timestamp = Date.now(),
) {
  return {
    sessionId: session.sessionId,
    encryptedPayload: await sealPayload(
      session.publicKey,
      session.sessionId,
      timestamp,
      JSON.stringify(details),
    ),
    timestamp,
    patientConsent: true,
  };
}

interface ErrorBody {
  message: string;
  fields?: { field: string; message: string }[];
}
async function errorOf(response: Response): Promise<ErrorBody> {
  return ((await response.json()) as { error: ErrorBody }).error;
}

const auditOf = (subjectId: string) =>
  sql<{ action: string; outcome: string; details: Record<string, unknown> | null }>(
    `SELECT action, outcome::text, details FROM audit_log
     WHERE subject_id = $1 AND action LIKE 'insurance.%' ORDER BY sequence`,
    [subjectId],
  );

describe("a check, end to end through the routes", () => {
  it("active with the X12 payer: the copay comes back, the rows hold no plaintext, cleanup ends the session", async () => {
    const patient = await person("PATIENT", "Oskarina Vandermeulen");
    const session = await openSession(patient.actor);
    expect(session.publicKey).toMatchObject({ kty: "EC", crv: "P-256" });
    expect(Date.parse(session.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(Date.parse(session.expiresAt) - Date.now()).toBeLessThanOrEqual(30 * 60_000);

    const response = await verify(patient.actor, await sealedBody(session), session.sessionId);
    expect(response.status).toBe(200);
    const result = (await response.json()) as VerificationView;
    expect(result).toMatchObject({
      status: "ACTIVE",
      planName: "Sandbox Gold PPO",
      copay: { amountMinor: 2500, currency: "USD" },
      coinsurancePercent: 20,
      payerName: "Haven Sandbox Health (X12)",
      memberIdEnding: "1001",
    });
    expect(result.referenceNumber).toMatch(/^HVN-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    // Raw SQL: the session's private key and the check's details are ciphertext.
    const sessionRows = await sql<Record<string, unknown>>(
      "SELECT * FROM insurance_sessions WHERE patient_id = $1",
      [patient.id],
    );
    const checkRows = await sql<Record<string, unknown>>(
      "SELECT * FROM insurance_verifications WHERE patient_id = $1",
      [patient.id],
    );
    expect(checkRows).toHaveLength(1);
    expect(checkRows[0]).toMatchObject({ status: "ACTIVE", reference_number: result.referenceNumber });
    const raw = JSON.stringify([sessionRows, checkRows]);
    for (const secret of [
      "SBX-ACTIVE-1001",
      "Oskarina",
      "Vandermeulen",
      "1984-03-09",
      "GRP-77120",
      "Gold PPO",
      '"d":',
    ]) {
      expect(raw).not.toContain(secret);
    }
    const auditRaw = JSON.stringify(await sql("SELECT * FROM audit_log WHERE subject_id = $1", [patient.id]));
    for (const secret of ["SBX-ACTIVE-1001", "Oskarina", "Vandermeulen", "1984-03-09"]) {
      expect(auditRaw).not.toContain(secret);
    }

    // The patient reads it back decrypted, member id masked.
    const [own] = await asActor(patient.actor, () => ownVerifications(patient.actor));
    expect(own).toMatchObject({
      referenceNumber: result.referenceNumber,
      memberIdEnding: "1001",
      status: "ACTIVE",
    });

    expect((await cleanup(patient.actor, session.sessionId)).status).toBe(204);
    expect(await sql("SELECT id FROM insurance_sessions WHERE id = $1", [session.sessionId])).toHaveLength(0);
    // The check survives its session.
    expect(
      await sql("SELECT id FROM insurance_verifications WHERE patient_id = $1", [patient.id]),
    ).toHaveLength(1);

    const after = await verify(patient.actor, await sealedBody(session), session.sessionId);
    expect(after.status).toBe(404);
    expect((await errorOf(after)).message).toMatch(/session has ended/);
    expect((await cleanup(patient.actor, session.sessionId)).status).toBe(404);

    const actions = (await auditOf(patient.id)).map((row) => `${row.action}:${row.outcome}`);
    expect(actions).toEqual([
      "insurance.session.opened:SUCCESS",
      "insurance.payer.asked:SUCCESS",
      "insurance.verified:SUCCESS",
      "insurance.session.destroyed:SUCCESS",
      "insurance.verify.refused:DENIED",
    ]);
  });

  it.each([
    ["SBX-X12", "SBX-INACTIVE-2002", "INACTIVE", null],
    ["SBX-FHIR", "SBX-INACTIVE-2002", "INACTIVE", null],
    ["SBX-X12", "SBX-NOTFOUND-3003", "NOT_FOUND", /could not find this/],
    ["SBX-FHIR", "ZZ-UNKNOWN-9", "NOT_FOUND", /could not find this/],
    ["SBX-FHIR", "SBX-ACTIVE-1001", "ACTIVE", null],
  ])("payer %s, member %s: %s", async (payerId, memberId, status, message) => {
    const patient = await person("PATIENT");
    const session = await openSession(patient.actor);
    const response = await verify(
      patient.actor,
      await sealedBody(session, { ...DETAILS, payerId, memberId }),
      session.sessionId,
    );
    expect(response.status).toBe(200);
    const result = (await response.json()) as VerificationView;
    expect(result.status).toBe(status);
    if (message) expect(result.message).toMatch(message);
    if (status === "INACTIVE")
      expect(result).toMatchObject({ planName: "Sandbox Silver EPO", coverageEnd: "2026-06-30" });
    if (status === "ACTIVE") expect(result.copay).toEqual({ amountMinor: 2500, currency: "USD" });
  });
});

describe("refusals", () => {
  it("a stale or future timestamp, a replay, a moved payload, a changed timestamp and a header mismatch are refused", async () => {
    const patient = await person("PATIENT");
    const session = await openSession(patient.actor);

    const stale = await verify(
      patient.actor,
      await sealedBody(session, DETAILS, Date.now() - 6 * 60_000),
      session.sessionId,
    );
    expect(stale.status).toBe(400);
    expect((await errorOf(stale)).message).toMatch(/out of date/);
    const future = await verify(
      patient.actor,
      await sealedBody(session, DETAILS, Date.now() + 6 * 60_000),
      session.sessionId,
    );
    expect(future.status).toBe(400);

    const body = await sealedBody(session);
    expect((await verify(patient.actor, body, session.sessionId)).status).toBe(200);
    const replay = await verify(patient.actor, body, session.sessionId);
    expect(replay.status).toBe(409);
    expect((await errorOf(replay)).message).toMatch(/already received/);

    // The same ciphertext with another timestamp: the associated data no longer matches.
    const retimed = { ...(await sealedBody(session)), timestamp: Date.now() - 1_000 };
    const retimedResponse = await verify(patient.actor, retimed, session.sessionId);
    expect(retimedResponse.status).toBe(400);
    expect((await errorOf(retimedResponse)).message).toMatch(/could not be read/);

    // Sealed for one session, posted to another of the same patient.
    const other = await openSession(patient.actor);
    const moved = { ...(await sealedBody(session)), sessionId: other.sessionId };
    const movedResponse = await verify(patient.actor, moved, other.sessionId);
    expect(movedResponse.status).toBe(400);

    const mismatch = await verify(patient.actor, await sealedBody(session), other.sessionId);
    expect(mismatch.status).toBe(400);
    expect((await errorOf(mismatch)).message).toMatch(/X-Session-ID/);

    const noConsent = await verify(
      patient.actor,
      { ...(await sealedBody(session)), patientConsent: false },
      session.sessionId,
    );
    expect(noConsent.status).toBe(422);
    const [consentField] = (await errorOf(noConsent)).fields ?? [];
    expect(consentField?.field).toBe("patientConsent");
    expect(consentField?.message).toMatch(/Agree to your details being sent/);

    const reasons = (await auditOf(patient.id))
      .filter((row) => row.action === "insurance.verify.refused")
      .map((row) => row.details?.reason);
    expect(reasons).toEqual(["stale", "stale", "replayed", "undecryptable", "undecryptable"]);
    // Only the one accepted payload reached the payer and was stored.
    expect(
      await sql("SELECT id FROM insurance_verifications WHERE patient_id = $1", [patient.id]),
    ).toHaveLength(1);
  });

  it("invalid details are named field by field, after decryption, and nothing is stored", async () => {
    const patient = await person("PATIENT");
    const session = await openSession(patient.actor);
    const response = await verify(
      patient.actor,
      await sealedBody(session, {
        ...DETAILS,
        memberId: "SBX*ACTIVE~1001",
        subscriberDateOfBirth: "2999-01-01",
      }),
      session.sessionId,
    );
    expect(response.status).toBe(422);
    const fields = (await errorOf(response)).fields?.map((field) => field.field);
    expect(fields).toEqual(["memberId", "subscriberDateOfBirth"]);
    const unknownPayer = await verify(
      patient.actor,
      await sealedBody(session, { ...DETAILS, payerId: "NOT-A-PAYER" }),
      session.sessionId,
    );
    expect(unknownPayer.status).toBe(422);
    expect(
      await sql("SELECT id FROM insurance_verifications WHERE patient_id = $1", [patient.id]),
    ).toHaveLength(0);
  });

  it("without the data-processing consent the check is refused with the consent's message", async () => {
    const patient = await person("PATIENT");
    const session = await openSession(patient.actor);
    await asActor(patient.actor, () => withdrawConsent(patient.actor, patient.id, "PRIVACY"));
    const response = await verify(patient.actor, await sealedBody(session), session.sessionId);
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toMatch(/data processing|privacy/i);
  });
});

describe("payer failures", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.stubEnv("NODE_ENV", "test");
    resetEnvCache();
  });

  it("a payer that cannot answer, and one that times out, give a retryable 503 and are stored as such", async () => {
    vi.stubEnv("INSURANCE_PAYER_TIMEOUT_MS", "600");
    resetEnvCache();
    const patient = await person("PATIENT");
    const session = await openSession(patient.actor);
    for (const [payerId, memberId, words] of [
      ["SBX-X12", "SBX-ERROR-4004", /is not answering right now/],
      ["SBX-FHIR", "SBX-ERROR-4004", /is not answering right now/],
      ["SBX-X12", "SBX-TIMEOUT-5005", /did not answer in time/],
    ] as const) {
      const started = Date.now();
      const response = await verify(
        patient.actor,
        await sealedBody(session, { ...DETAILS, payerId, memberId }),
        session.sessionId,
      );
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("60");
      const { message } = await errorOf(response);
      expect(message).toMatch(words);
      expect(message).toMatch(/try again in a few minutes/);
      expect(message).not.toContain(memberId);
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    const rows = await sql<{ status: string }>(
      "SELECT status::text FROM insurance_verifications WHERE patient_id = $1",
      [patient.id],
    );
    expect(rows.map((row) => row.status)).toEqual(["PAYER_ERROR", "PAYER_ERROR", "PAYER_ERROR"]);
  });
});

describe("who may call", () => {
  it("anonymous visitors, doctors and admins get 404 from every route; another patient's session is a 404", async () => {
    const patient = await person("PATIENT");
    const other = await person("PATIENT");
    const doctor = await person("DOCTOR");
    const admin = await person("ADMIN");
    const session = await openSession(patient.actor);
    const body = await sealedBody(session);
    for (const actor of [undefined, doctor.actor, admin.actor]) {
      expect((await init(actor)).status).toBe(404);
      expect((await verify(actor, body, session.sessionId)).status).toBe(404);
      expect((await cleanup(actor, session.sessionId)).status).toBe(404);
    }
    expect((await verify(other.actor, body, session.sessionId)).status).toBe(404);
    expect((await cleanup(other.actor, session.sessionId)).status).toBe(404);
    // The owner's session is untouched by all of that.
    expect((await verify(patient.actor, body, session.sessionId)).status).toBe(200);
  });

  it("the doctors of the patient and the admins see the latest status, never the details; other doctors nothing", async () => {
    const patient = await person("PATIENT");
    const treating = await person("DOCTOR");
    const stranger = await person("DOCTOR");
    const admin = await person("ADMIN");
    await careVisit(treating.id, patient.id);
    const session = await openSession(patient.actor);
    await verify(
      patient.actor,
      await sealedBody(session, { ...DETAILS, memberId: "SBX-INACTIVE-2002" }),
      session.sessionId,
    );
    const seen = await asActor(treating.actor, () => latestCoverageStatus(treating.actor, patient.id));
    expect(seen).toMatchObject({ status: "INACTIVE" });
    expect(Object.keys(seen ?? {}).sort()).toEqual(["checkedAt", "referenceNumber", "status"]);
    expect(await asActor(admin.actor, () => latestCoverageStatus(admin.actor, patient.id))).toMatchObject({
      status: "INACTIVE",
    });
    expect(await asActor(stranger.actor, () => latestCoverageStatus(stranger.actor, patient.id))).toBeNull();
    const another = await person("PATIENT");
    expect(await asActor(another.actor, () => latestCoverageStatus(another.actor, patient.id))).toBeNull();
    // Reading the status decrypts nothing (no PHI read), and the look itself is audited.
    const reads = await sql<{ action: string }>(
      "SELECT action FROM audit_log WHERE actor_id = $1 AND resource_type = 'InsuranceVerification' ORDER BY sequence",
      [treating.id],
    );
    expect(reads.map((row) => row.action)).toEqual(["insurance.status.read"]);
  });
});

describe("session limits and expiry", () => {
  beforeEach(() => {
    vi.stubEnv("TRUST_PROXY", "true");
    resetEnvCache();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.stubEnv("NODE_ENV", "test");
    resetEnvCache();
  });

  it("one address holds at most five live sessions, and opens at most ten a minute", async () => {
    const address = `198.51.100.${Math.floor(Math.random() * 200) + 20}`;
    const patients = await Promise.all([1, 2, 3].map(() => person("PATIENT")));
    const statuses: number[] = [];
    for (let index = 0; index < 6; index++) {
      statuses.push((await init(patients[index % 3]!.actor, address)).status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    const limited = await init(patients[0]!.actor, address);
    expect((await errorOf(limited)).message).toMatch(/already have 5 insurance checks open/);

    // Ten a minute per address, whatever the live count: free the slots and keep opening.
    await sql("DELETE FROM insurance_sessions WHERE patient_id = ANY($1::uuid[])", [
      patients.map((p) => p.id),
    ]);
    const more: number[] = [];
    for (let index = 0; index < 4; index++) more.push((await init(patients[1]!.actor, address)).status);
    expect(more.slice(0, 2)).toEqual([201, 201]);
    expect(more.at(-1)).toBe(429);
  });

  it("an expired session is refused at once and destroyed by the job, each destruction audited", async () => {
    const patient = await person("PATIENT");
    const session = await openSession(patient.actor);
    const body = await sealedBody(session);
    await sql(
      "UPDATE insurance_sessions SET created_at = now() - interval '40 minutes', expires_at = now() - interval '10 minutes' WHERE id = $1",
      [session.sessionId],
    );
    expect((await verify(patient.actor, body, session.sessionId)).status).toBe(404);
    expect(await destroyExpiredSessions()).toBeGreaterThanOrEqual(1);
    expect(await sql("SELECT id FROM insurance_sessions WHERE id = $1", [session.sessionId])).toHaveLength(0);
    const destroyed = (await auditOf(patient.id)).filter(
      (row) => row.action === "insurance.session.destroyed",
    );
    expect(destroyed.map((row) => row.details?.reason)).toEqual(["expired"]);
  });
});

describe("logs", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    vi.stubEnv("NODE_ENV", "test");
    resetEnvCache();
  });

  it("at debug level, every path (answer, payer failure, timeout, bad payload, invalid details, expiry) logs no member detail", async () => {
    vi.stubEnv("LOG_LEVEL", "debug");
    vi.stubEnv("INSURANCE_PAYER_TIMEOUT_MS", "500");
    resetEnvCache();
    const written: string[] = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, "write").mockImplementation((chunk: string | Uint8Array) => {
        written.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        return true;
      });
    }
    const patient = await person("PATIENT");
    const session = await openSession(patient.actor);
    const details = { ...DETAILS, subscriberFirstName: "Wilhelmina", subscriberLastName: "Quackenbush" };
    for (const memberId of ["SBX-ACTIVE-1001", "SBX-ERROR-4004", "SBX-TIMEOUT-5005"]) {
      await verify(patient.actor, await sealedBody(session, { ...details, memberId }), session.sessionId);
    }
    const retimed = { ...(await sealedBody(session, details)), timestamp: Date.now() - 2_000 };
    expect((await verify(patient.actor, retimed, session.sessionId)).status).toBe(400);
    const other = await openSession(patient.actor);
    const invalid = await sealedBody(other, { ...details, subscriberDateOfBirth: "1984-13-40" });
    expect((await verify(patient.actor, invalid, other.sessionId)).status).toBe(422);
    await sql(
      "UPDATE insurance_sessions SET created_at = now() - interval '1 hour', expires_at = now() - interval '1 minute' WHERE patient_id = $1",
      [patient.id],
    );
    await expireSessionsJob();

    const log = written.join("");
    expect(log).toContain("expired insurance sessions destroyed");
    for (const secret of [
      "SBX-ACTIVE-1001",
      "SBX-ERROR-4004",
      "SBX-TIMEOUT-5005",
      "Wilhelmina",
      "Quackenbush",
      "1984-03-09",
      "1984-13-40",
      "GRP-77120",
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});
