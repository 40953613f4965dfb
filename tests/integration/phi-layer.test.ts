// The encrypted, audited data layer against a real PostgreSQL.
import { randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import {
  createBaseClient,
  destroyDataKey,
  disconnectDb,
  getDb,
  recordAuditEvent,
  transaction,
} from "@/lib/db/client";
import { PhiAccessDeniedError, UnsupportedPhiQueryError } from "@/lib/db/phi-extension";
import { PHI_MODELS } from "@/lib/db/phi-fields";
import { DataKeyDestroyedError, DecryptionError } from "@/lib/crypto/field-cipher";
import { runWithContext } from "@/lib/request-context";
import { postgresBinary } from "@/scripts/lib/postgres-server";
import { asUser, uniqueEmail } from "../support/actors";
import { runSql } from "../support/database";

const databaseUrl = process.env.DATABASE_URL!;
const base = createBaseClient({ url: databaseUrl, poolSize: 2, connectTimeoutMs: 5_000 });
afterAll(async () => {
  await base.$disconnect();
  await disconnectDb();
});

const CANARY = `CANARY-${randomUUID()}`;
const profileInput = (tag: string) => ({
  fullName: `${CANARY} name ${tag}`,
  dateOfBirth: "1990-02-03",
  phone: "+1 (555) 010-4242",
  address: `${CANARY} address ${tag}`,
  medicalHistory: `${CANARY} history ${tag}`,
  allergies: `${CANARY} allergies ${tag}`,
  emergencyContact: `${CANARY} contact ${tag}`,
});

async function createPatient(tag: string, email = uniqueEmail()) {
  return asUser("ADMIN", () =>
    getDb().user.create({
      data: {
        email,
        role: "PATIENT",
        mfaSecret: `${CANARY}SECRET`,
        patientProfile: { create: profileInput(tag) },
      },
      include: { patientProfile: true },
    }),
  );
}

const auditRowsOf = (requestId: string) =>
  base.auditLog.findMany({ where: { requestId }, orderBy: { sequence: "asc" } });

describe("field encryption at rest", () => {
  it("stores every PHI column as ciphertext: raw SQL and pg_dump find no plaintext", async () => {
    const user = await createPatient("at-rest", `${CANARY.toLowerCase()}@example.test`);
    expect(user.patientProfile?.allergies).toBe(`${CANARY} allergies at-rest`);

    // The account's own models here; appointments (scheduling.test.ts) and clinical notes
    // (clinical-notes.test.ts) are read raw where they are written.
    const accountModels = Object.entries(PHI_MODELS).filter(([model]) =>
      ["User", "PatientProfile"].includes(model),
    );
    for (const [model, fields] of accountModels) {
      const table = model === "User" ? "users" : "patient_profiles";
      const idColumn = model === "User" ? "id" : "user_id";
      const [row] = await runSql<Record<string, string | null>>(
        databaseUrl,
        `SELECT * FROM ${table} WHERE ${idColumn} = $1`,
        [user.id],
      );
      const columns = Object.keys(fields).map((f) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
      for (const column of columns) {
        expect(row?.[column], `${table}.${column}`).toMatch(
          /^v2:[0-9a-f-]{36}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/,
        );
      }
      expect(JSON.stringify(row)).not.toMatch(new RegExp(CANARY, "i"));
      expect(JSON.stringify(row)).not.toContain("1990-02-03");
      // The phone's distinctive digits, raw or normalised ("555" alone also occurs in random ids).
      expect(JSON.stringify(row)).not.toMatch(/010-?4242|0104242/);
    }

    const dump = execFileSync(postgresBinary("pg_dump"), ["--data-only", databaseUrl], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    expect(dump).toContain(user.id);
    expect(dump).not.toMatch(new RegExp(CANARY, "i"));
  });

  it("finds users by email and profiles by phone through blind indexes", async () => {
    const email = uniqueEmail("Lookup");
    const user = await createPatient("lookup", email);
    await asUser("ADMIN", async () => {
      const found = await getDb().user.findFirst({ where: { email: `  ${email.toUpperCase()} ` } });
      expect(found?.id).toBe(user.id);
      expect(found?.email).toBe(email);
      const byIn = await getDb().user.findMany({ where: { email: { in: [email, "nobody@example.test"] } } });
      expect(byIn.map((u) => u.id)).toEqual([user.id]);
      const byPhone = await getDb().patientProfile.findMany({
        where: { phone: "+15550104242", userId: user.id },
      });
      expect(byPhone).toHaveLength(1);
      expect(await getDb().user.count({ where: { email } })).toBe(1);
    });
  });

  it("decrypts nested selects and hides the id it had to add", async () => {
    const user = await createPatient("nested");
    const selected = await asUser("DOCTOR", () =>
      getDb().patientProfile.findUnique({
        where: { userId: user.id },
        select: { allergies: true, user: { select: { email: true } } },
      }),
    );
    expect(selected).toEqual({ allergies: `${CANARY} allergies nested`, user: { email: user.email } });
  });
});

describe("integrity", () => {
  it("fails with a clear integrity error when a stored byte is flipped", async () => {
    const user = await createPatient("tamper");
    const [row] = await runSql<{ allergies: string }>(
      databaseUrl,
      "SELECT allergies FROM patient_profiles WHERE user_id = $1",
      [user.id],
    );
    const parts = row!.allergies.split(":");
    const body = Buffer.from(parts[3]!, "base64url");
    body[3] = body[3]! ^ 0xff;
    parts[3] = body.toString("base64url");
    await runSql(databaseUrl, "UPDATE patient_profiles SET allergies = $1 WHERE user_id = $2", [
      parts.join(":"),
      user.id,
    ]);

    const read = asUser("DOCTOR", () => getDb().patientProfile.findUnique({ where: { userId: user.id } }));
    await expect(read).rejects.toThrow(DecryptionError);
    await expect(
      asUser("DOCTOR", () => getDb().patientProfile.findUnique({ where: { userId: user.id } })),
    ).rejects.toThrow(/patient_profiles\.allergies of row .* failed its integrity check/);
  });

  it("refuses a ciphertext moved to another row or column", async () => {
    const first = await createPatient("first");
    const second = await createPatient("second");
    await runSql(
      databaseUrl,
      `UPDATE patient_profiles SET allergies = (SELECT allergies FROM patient_profiles WHERE user_id = $1) WHERE user_id = $2`,
      [first.id, second.id],
    );
    await expect(
      asUser("DOCTOR", () => getDb().patientProfile.findUnique({ where: { userId: second.id } })),
    ).rejects.toThrow(DecryptionError);

    await runSql(databaseUrl, `UPDATE patient_profiles SET medical_history = allergies WHERE user_id = $1`, [
      first.id,
    ]);
    await expect(
      asUser("DOCTOR", () =>
        getDb().patientProfile.findUnique({ where: { userId: first.id }, select: { medicalHistory: true } }),
      ),
    ).rejects.toThrow(/medical_history .* failed its integrity check/);
  });
});

describe("operations that cannot work on ciphertext fail loudly", () => {
  it("refuses ordering, substring filters, raw SQL on PHI tables and nested PHI updates", async () => {
    await asUser("ADMIN", async () => {
      const db = getDb();
      await expect(db.user.findMany({ orderBy: { email: "asc" } })).rejects.toThrow(UnsupportedPhiQueryError);
      await expect(db.user.findMany({ where: { email: { contains: "a" } } })).rejects.toThrow(
        /only equals, in and not filters work on it, not "contains"/,
      );
      await expect(db.patientProfile.findMany({ where: { allergies: "Penicillin" } })).rejects.toThrow(
        /has no blind index/,
      );
      await expect(db.$queryRaw`SELECT email FROM users`).rejects.toThrow(/raw SQL on users/);
      await expect(db.$executeRawUnsafe("UPDATE patient_profiles SET phone = NULL")).rejects.toThrow(
        /raw SQL on patient_profiles/,
      );
      await expect(
        db.user.update({
          where: { id: randomUUID() },
          data: { patientProfile: { update: { allergies: "x" } } },
        }),
      ).rejects.toThrow(/nested update of PatientProfile is not supported/);
      await expect(db.auditLog.deleteMany({})).rejects.toThrow(/append-only/);
    });
  });

  it("refuses PHI access without an authenticated actor", async () => {
    await expect(getDb().user.findMany({})).rejects.toThrow(PhiAccessDeniedError);
    await expect(
      runWithContext({ actor: { kind: "anonymous" }, requestId: null, ip: null, userAgent: null }, () =>
        getDb().patientProfile.findMany({}),
      ),
    ).rejects.toThrow(PhiAccessDeniedError);
    // Non-PHI models need no actor.
    await expect(getDb().doctorProfile.count()).resolves.toEqual(expect.any(Number));
  });
});

describe("conditional updates stay atomic", () => {
  it("lets exactly one of many concurrent compare-and-set updates win", async () => {
    for (let round = 0; round < 3; round += 1) {
      const user = await createPatient(`cas${round}`);
      const counts = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          asUser("ADMIN", () =>
            getDb().user.updateMany({
              where: { id: user.id, mfaLastTimeStep: null },
              data: { mfaLastTimeStep: i + 1 },
            }),
          ),
        ),
      );
      expect(counts.reduce((sum, r) => sum + r.count, 0)).toBe(1);
    }
  });

  it("keeps the caller's conditions when it encrypts row by row", async () => {
    const user = await createPatient("conditional");
    const missed = await asUser("DOCTOR", () =>
      getDb().patientProfile.updateMany({
        where: { userId: user.id, updatedAt: { lt: new Date(0) } },
        data: { allergies: "should not be written" },
      }),
    );
    expect(missed.count).toBe(0);
    const hit = await asUser("DOCTOR", () =>
      getDb().patientProfile.updateManyAndReturn({
        where: { userId: user.id },
        data: { allergies: "Pollen" },
        select: { allergies: true },
      }),
    );
    expect(hit).toEqual([{ allergies: "Pollen" }]);
  });
});

describe("audit rows written with every PHI access", () => {
  it("writes exactly the expected rows for create, read, update, updateMany, upsert and delete", async () => {
    const adminId = randomUUID();
    const email = uniqueEmail();
    const created = await asUser(
      "ADMIN",
      async (context) => {
        const user = await getDb().user.create({
          data: { email, role: "PATIENT", patientProfile: { create: { fullName: "Ada Example" } } },
          include: { patientProfile: true },
        });
        const rows = await auditRowsOf(context.requestId!);
        expect(rows.map((r) => [r.action, r.resourceType, r.resourceId, r.details])).toEqual([
          ["phi.create", "User", user.id, { fields: ["email"] }],
          ["phi.create", "PatientProfile", user.patientProfile!.id, { fields: ["fullName"] }],
        ]);
        for (const row of rows) {
          expect(row).toMatchObject({ actorId: adminId, actorRole: "ADMIN", outcome: "SUCCESS" });
          expect(row).toMatchObject({ ip: "203.0.113.7", userAgent: "haven-tests" });
        }
        return user;
      },
      adminId,
    );
    const profileId = created.patientProfile!.id;

    await asUser("DOCTOR", async (context) => {
      await getDb().patientProfile.findMany({
        where: { userId: created.id },
        select: { allergies: true, fullName: true },
      });
      const rows = await auditRowsOf(context.requestId!);
      expect(rows.map((r) => [r.action, r.resourceType, r.resourceId, r.details])).toEqual([
        ["phi.read", "PatientProfile", profileId, { fields: ["fullName"] }],
      ]);
    });

    await asUser("DOCTOR", async (context) => {
      await getDb().patientProfile.update({
        where: { id: profileId },
        data: { allergies: "Latex", phone: "+1 555 0100" },
      });
      await getDb().patientProfile.updateMany({
        where: { userId: created.id },
        data: { medicalHistory: "None" },
      });
      await getDb().patientProfile.upsert({
        where: { userId: created.id },
        create: { userId: created.id, fullName: "unused" },
        update: { address: "1 Main St" },
      });
      const rows = await auditRowsOf(context.requestId!);
      expect(rows.map((r) => [r.action, r.resourceId, r.details])).toEqual([
        ["phi.update", profileId, { fields: ["allergies", "phone"] }],
        ["phi.update", profileId, { fields: ["medicalHistory"] }],
        ["phi.update", profileId, { fields: ["address"] }],
      ]);
      const profile = await getDb().patientProfile.findUnique({ where: { id: profileId } });
      expect(profile).toMatchObject({ allergies: "Latex", medicalHistory: "None", address: "1 Main St" });
    });

    await asUser("ADMIN", async (context) => {
      await getDb().user.findFirst({ where: { email }, select: { id: true } });
      await getDb().patientProfile.delete({ where: { id: profileId }, select: { id: true } });
      const rows = await auditRowsOf(context.requestId!);
      expect(rows.map((r) => [r.action, r.resourceType, r.resourceId, r.details])).toEqual([
        ["phi.query", "User", null, { operation: "findFirst", filterFields: ["User.email"], matched: 1 }],
        ["phi.delete", "PatientProfile", profileId, null],
      ]);
    });
  });

  it("records non-data events through the same chain", async () => {
    await asUser("PATIENT", async (context) => {
      await recordAuditEvent({ action: "auth.sign-out", resourceType: "Session", resourceId: "s-1" });
      const rows = await auditRowsOf(context.requestId!);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: "auth.sign-out", actorRole: "PATIENT", outcome: "SUCCESS" });
    });
  });

  it("rolls the operation back when the audit insert fails", async () => {
    const failingRequest = `fail-${randomUUID()}`;
    await runSql(
      databaseUrl,
      `CREATE OR REPLACE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.request_id LIKE 'fail-%' THEN RAISE EXCEPTION 'audit insert failed (test)'; END IF;
         RETURN NEW;
       END $$;
       DROP TRIGGER IF EXISTS test_fail_audit ON audit_log;
       CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_fail_audit();`,
    );
    const email = uniqueEmail("rollback");
    try {
      await expect(
        runWithContext(
          {
            actor: { kind: "user", userId: randomUUID(), role: "ADMIN" },
            requestId: failingRequest,
            ip: null,
            userAgent: null,
          },
          () =>
            transaction(async () => {
              await getDb().doctorProfile.count();
              return getDb().user.create({
                data: { email, role: "PATIENT", patientProfile: { create: { fullName: "X" } } },
              });
            }),
        ),
      ).rejects.toThrow(/audit insert failed/);
      // A read needs no transaction, but no PHI leaves the data layer unless its audit row was written.
      const existing = await createPatient("unaudited-read");
      await expect(
        runWithContext(
          {
            actor: { kind: "user", userId: randomUUID(), role: "DOCTOR" },
            requestId: `fail-${randomUUID()}`,
            ip: null,
            userAgent: null,
          },
          () => getDb().patientProfile.findUnique({ where: { userId: existing.id } }),
        ),
      ).rejects.toThrow(/audit insert failed/);
    } finally {
      await runSql(databaseUrl, "DROP TRIGGER IF EXISTS test_fail_audit ON audit_log");
    }
    const count = await asUser("ADMIN", () => getDb().user.count({ where: { email } }));
    expect(count).toBe(0);
  });
});

describe("PHI work only where PHI is touched", () => {
  const anonymous = <T>(fn: () => Promise<T>) =>
    runWithContext({ actor: { kind: "anonymous" }, requestId: randomUUID(), ip: null, userAgent: null }, fn);
  const asAnonymous = async <T>(fn: () => Promise<T>) => {
    const requestId = randomUUID();
    const result = await runWithContext(
      { actor: { kind: "anonymous" }, requestId, ip: null, userAgent: null },
      fn,
    );
    return { result, audit: await auditRowsOf(requestId) };
  };

  it("runs queries that neither return, write nor filter a PHI column without an actor or audit rows", async () => {
    const user = await createPatient("untouched");
    const db = getDb();
    const queries: [string, () => Promise<unknown>][] = [
      ["count", () => db.user.count({ where: { role: "PATIENT" } })],
      [
        "non-PHI select",
        () => db.user.findUnique({ where: { id: user.id }, select: { role: true, status: true } }),
      ],
      [
        "omit every PHI column",
        () => db.user.findUnique({ where: { id: user.id }, omit: { email: true, mfaSecret: true } }),
      ],
      [
        "relation select without PHI",
        () =>
          db.patientProfile.findUnique({
            where: { userId: user.id },
            select: { id: true, user: { select: { role: true } } },
          }),
      ],
      [
        "filter on a non-PHI relation column",
        () => db.patientProfile.count({ where: { user: { role: "PATIENT" } } }),
      ],
      [
        "update of non-PHI columns, no record back",
        () => db.user.update({ where: { id: user.id }, data: { mfaLastTimeStep: 1 }, select: { id: true } }),
      ],
      [
        "updateMany of non-PHI columns",
        () => db.user.updateMany({ where: { id: user.id }, data: { mfaLastTimeStep: 2 } }),
      ],
      [
        "count of a non-PHI model filtered through a non-PHI column",
        () => db.session.count({ where: { user: { status: "ACTIVE" } } }),
      ],
    ];
    for (const [name, query] of queries) {
      const { audit } = await asAnonymous(query);
      expect(audit, name).toEqual([]);
    }
    await expect(db.user.count()).resolves.toBeGreaterThan(0); // no request context at all
  });

  it("still demands an actor and audits every query that touches a PHI column, also through relations", async () => {
    const user = await createPatient("touched");
    const db = getDb();
    await db.session.create({ data: { userId: user.id, expiresAt: new Date(Date.now() + 60_000) } });
    const touching: [string, () => Promise<unknown>][] = [
      ["default selection returns email", () => db.user.findUnique({ where: { id: user.id } })],
      ["PHI column selected", () => db.user.findUnique({ where: { id: user.id }, select: { email: true } })],
      [
        "relation included with its PHI",
        () => db.session.findMany({ where: { userId: user.id }, include: { user: true } }),
      ],
      [
        "PHI column of a related record",
        () =>
          db.user.findUnique({
            where: { id: user.id },
            select: { patientProfile: { select: { allergies: true } } },
          }),
      ],
      ["filter on a PHI column", () => db.user.count({ where: { email: "someone@example.test" } })],
      [
        "filter on a PHI column through a relation",
        () => db.session.count({ where: { user: { email: "someone@example.test" } } }),
      ],
      [
        "filter in a nested relation selection",
        () =>
          db.user.findMany({
            take: 1,
            select: { id: true, sessions: { where: { user: { email: "x@example.test" } } } },
          }),
      ],
      [
        "write of a PHI column",
        () =>
          db.patientProfile.update({
            where: { userId: user.id },
            data: { allergies: "Latex" },
            select: { id: true },
          }),
      ],
    ];
    for (const [name, query] of touching) {
      await expect(anonymous(query), name).rejects.toThrow(PhiAccessDeniedError);
      const requestId = randomUUID();
      await runWithContext(
        {
          actor: { kind: "user", userId: randomUUID(), role: "ADMIN" },
          requestId,
          ip: null,
          userAgent: null,
        },
        query,
      );
      const audit = await auditRowsOf(requestId);
      expect(audit.length, name).toBeGreaterThan(0);
      expect(
        audit.every((row) => row.action.startsWith("phi.")),
        name,
      ).toBe(true);
    }
  });
});

describe("per-person data keys", () => {
  const dataKeyIdOf = (envelope: string) => envelope.split(":")[1];

  it("encrypts each person's PHI with their own data key, stored only wrapped", async () => {
    const [alice, bob] = [await createPatient("alice"), await createPatient("bob")];
    const rows = await runSql<{ user_id: string; allergies: string; email: string; key_id: string }>(
      databaseUrl,
      `SELECT p.user_id::text, p.allergies, u.email, k.id::text AS key_id, k.wrapped_key
         FROM patient_profiles p JOIN users u ON u.id = p.user_id JOIN data_keys k ON k.owner_id = u.id
        WHERE u.id IN ($1, $2)`,
      [alice.id, bob.id],
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(dataKeyIdOf(row.allergies)).toBe(row.key_id);
      expect(dataKeyIdOf(row.email)).toBe(row.key_id);
    }
    expect(rows[0]!.key_id).not.toBe(rows[1]!.key_id);
  });

  it("refuses one patient's value under another patient's data key", async () => {
    const [alice, bob] = [await createPatient("alice2"), await createPatient("bob2")];
    const [aliceRow] = await runSql<{ allergies: string }>(
      databaseUrl,
      "SELECT allergies FROM patient_profiles WHERE user_id = $1",
      [alice.id],
    );
    const [bobKey] = await runSql<{ id: string }>(
      databaseUrl,
      "SELECT id::text FROM data_keys WHERE owner_id = $1",
      [bob.id],
    );
    const pointedAtBob = aliceRow!.allergies.replace(dataKeyIdOf(aliceRow!.allergies)!, bobKey!.id);
    await runSql(databaseUrl, "UPDATE patient_profiles SET allergies = $1 WHERE user_id = $2", [
      pointedAtBob,
      alice.id,
    ]);
    await expect(
      asUser("DOCTOR", () => getDb().patientProfile.findUnique({ where: { userId: alice.id } })),
    ).rejects.toThrow(DecryptionError);
  });

  it("makes every value of a person undecryptable once their data key is destroyed, and audits it", async () => {
    const [alice, bob] = [await createPatient("alice3"), await createPatient("bob3")];
    await asUser("ADMIN", () => destroyDataKey(alice.id, "erasure-request"));
    await expect(
      asUser("DOCTOR", () => getDb().patientProfile.findUnique({ where: { userId: alice.id } })),
    ).rejects.toThrow(DataKeyDestroyedError);
    await expect(
      asUser("DOCTOR", () => getDb().user.findUnique({ where: { id: alice.id }, select: { email: true } })),
    ).rejects.toThrow(/belongs to a person whose data was erased/);
    // The ciphertext is still there, and nothing can open it; others are untouched.
    const [row] = await runSql<{ allergies: string }>(
      databaseUrl,
      "SELECT allergies FROM patient_profiles WHERE user_id = $1",
      [alice.id],
    );
    expect(row!.allergies).toMatch(/^v2:/);
    const bobProfile = await asUser("DOCTOR", () =>
      getDb().patientProfile.findUnique({ where: { userId: bob.id }, select: { allergies: true } }),
    );
    expect(bobProfile?.allergies).toBe(`${CANARY} allergies bob3`);
    const audit = await base.auditLog.findMany({
      where: { action: "keys.data-key.destroyed", resourceId: alice.id },
    });
    expect(audit).toHaveLength(1);
  });
});
