// Backups kept in an S3-compatible bucket (BACKUP_STORAGE=s3), against s3rver (an S3 server in Node:
// real ListObjectsV2 and multipart answers, objects on disk; it checks the access key but not V4
// signatures, which the signer's unit test checks against AWS's published example) and a real PostgreSQL: the backup is uploaded with its
// manifest last and the local copy removed; no stored object shows the canary; `latest` is
// downloaded and restored into an empty database; the drill runs from the bucket; the retention
// deletes pruned backups' objects; a file above the part size goes up in a multipart upload and
// comes back byte for byte; unknown credentials are refused by the store, by status.
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { disconnectDb, getDb } from "@/lib/db/client";
import {
  backupConfigFromEnv,
  backupKeyFromEnv,
  backupRepositoryFromEnv,
  retentionPolicyFromEnv,
} from "@/lib/domain/backups/config";
import { MANIFEST_FILE } from "@/lib/domain/backups/manifest";
import { s3Backups } from "@/lib/domain/backups/repository";
import { resolveBackup, restoreBackup } from "@/lib/domain/backups/restore-backup";
import { runBackup } from "@/lib/domain/backups/run-backup";
import { runDrill } from "@/lib/domain/backups/run-drill";
import { applyErasureLedger } from "@/lib/domain/patient-rights/erasure";
import { resetEnvCache } from "@/lib/env";
import { localStore } from "@/lib/integrations/storage/local";
import { S3BucketError, s3Bucket } from "@/lib/integrations/storage/s3-bucket";
import { stopQueue } from "@/lib/jobs/queue";
import { runAsSystem } from "@/lib/request-context";
import { applyMigrations } from "@/scripts/lib/schema-engine";
import { careVisit, person } from "../support/care";
import { type ScratchDatabase, createScratchDatabase, runSql } from "../support/database";

vi.mock("next/headers", () => ({ headers: () => Promise.resolve(new Headers()) }));

const sharedUrl = process.env.DATABASE_URL!;
const CANARY = `S3BackupCanary${randomBytes(6).toString("hex")}`;
const BUCKET = "haven-backups";
const PREFIX = "clinic-a/backups/";
// s3rver's built-in account: an unknown access key is refused.
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER", region: "us-east-1" };
const work = mkdtempSync(path.join(tmpdir(), "haven-backups-s3-"));
const dirs = {
  staging: path.join(work, "staging"),
  documents: path.join(work, "documents"),
  objects: path.join(work, "s3rver"),
  restoredDocuments: path.join(work, "restored-documents"),
};
let server: S3rver;
let endpoint = "";
let scratch: ScratchDatabase | undefined;
const others: ScratchDatabase[] = [];
const savedEnv = { ...process.env };

/** Each request the bucket client sent: method and path with query. */
const sent: string[] = [];
const recordingFetch: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : input.toString());
  sent.push(`${init?.method ?? "GET"} ${url.pathname}${url.search}`);
  return fetch(input, init);
};

const bucketClient = (overrides: Partial<Parameters<typeof s3Bucket>[0]> = {}) =>
  s3Bucket({ endpoint, bucket: BUCKET, ...CREDENTIALS, fetch: recordingFetch, ...overrides });

async function useDatabase(url: string) {
  await stopQueue();
  await disconnectDb();
  process.env.DATABASE_URL = url;
  resetEnvCache();
}

/** Every file s3rver stored (objects and their metadata), with its bytes. */
function storedFiles(): { name: string; bytes: Buffer }[] {
  return readdirSync(dirs.objects, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const name = path.join(entry.parentPath, entry.name);
      return { name, bytes: readFileSync(name) };
    });
}

beforeAll(async () => {
  server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: dirs.objects,
    configureBuckets: [{ name: BUCKET }],
  });
  const address = await server.run();
  endpoint = `http://127.0.0.1:${address.port}`;

  scratch = await createScratchDatabase(sharedUrl, "backups_s3");
  await applyMigrations(scratch.url);
  Object.assign(process.env, {
    BACKUP_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    BACKUP_DIR: dirs.staging,
    DOCUMENTS_DIR: dirs.documents,
    BACKUP_STORAGE: "s3",
    BACKUP_S3_ENDPOINT: endpoint,
    BACKUP_S3_BUCKET: BUCKET,
    BACKUP_S3_PREFIX: PREFIX,
    BACKUP_S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    BACKUP_S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  });
  await useDatabase(scratch.url);
  const patient = await person("PATIENT", `${CANARY} Patient`);
  const doctor = await person("DOCTOR");
  await careVisit(doctor.id, patient.id);
  await runAsSystem("test", () =>
    getDb().patientProfile.update({
      where: { userId: patient.id },
      data: { medicalHistory: `${CANARY} type 2 diabetes` },
    }),
  );
}, 120_000);

afterAll(async () => {
  await useDatabase(sharedUrl);
  for (const database of others) await database.drop();
  await scratch?.drop();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
  process.env = savedEnv;
  resetEnvCache();
});

describe("backups in an S3-compatible bucket", () => {
  let backupId = "";

  it("uploads the backup with its manifest last, keeps no local copy, and stores nothing readable", async () => {
    const repository = s3Backups(bucketClient(), PREFIX, dirs.staging, BUCKET);
    sent.length = 0;
    const run = await runBackup({ ...backupConfigFromEnv(), repository }, retentionPolicyFromEnv());
    backupId = run.id;
    expect(run.location).toBe(`s3://${BUCKET}/${PREFIX}${run.id}/`);

    const puts = sent.filter((line) => line.startsWith("PUT "));
    expect(puts.length).toBe(run.manifest.files.length + 1);
    expect(puts.at(-1)).toBe(`PUT /${BUCKET}/${PREFIX}${run.id}/${MANIFEST_FILE}`);
    // Written in BACKUP_DIR first, then removed once uploaded.
    expect(existsSync(path.join(dirs.staging, run.id))).toBe(false);

    const listed = await backupRepositoryFromEnv().list();
    expect(listed.map((listing) => listing.id)).toEqual([run.id]);
    expect(listed[0]!.manifest?.rowCounts.users).toBeGreaterThanOrEqual(2);

    const stored = storedFiles();
    expect(stored.length).toBeGreaterThanOrEqual(run.manifest.files.length + 1);
    for (const file of stored) {
      expect(file.bytes.includes(Buffer.from(CANARY)), file.name).toBe(false);
    }
  }, 120_000);

  it("downloads `latest` and restores it into an empty database, then removes the download", async () => {
    const target = await createScratchDatabase(sharedUrl, "backups_s3_restored");
    others.push(target);
    const liveUrl = process.env.DATABASE_URL!;
    const opened = await resolveBackup("latest", backupRepositoryFromEnv());
    expect(path.dirname(opened.directory)).toBe(path.resolve(dirs.staging));
    await useDatabase(target.url);
    try {
      const summary = await restoreBackup({
        directory: opened.directory,
        databaseUrl: target.url,
        key: backupKeyFromEnv(),
        crypto: phiCryptoConfigFromEnv(),
        sealBoundMs: 2_000,
        documents: localStore(dirs.restoredDocuments),
        applyErasureLedger,
      });
      expect(summary.problems).toEqual([]);
      expect(summary.ok).toBe(true);
      expect(summary.backupId).toBe(backupId);
      expect(summary.phiFieldsDecrypted).toBeGreaterThan(0);
    } finally {
      await opened.close();
      await useDatabase(liveUrl);
    }
    expect(existsSync(opened.directory)).toBe(false);
  }, 240_000);

  it("runs the restore drill on the latest backup in the bucket", async () => {
    const result = await runDrill({
      databaseUrl: scratch!.url,
      backupDir: dirs.staging,
      repository: backupRepositoryFromEnv(),
      key: backupKeyFromEnv(),
      timeoutMs: 150_000,
    });
    expect(result.failureReason).toBeNull();
    expect(result.passed).toBe(true);
    expect(result.backupId).toBe(backupId);
    // Nothing downloaded is left beside the backups.
    expect(readdirSync(dirs.staging).filter((name) => name.startsWith("."))).toEqual([]);
  }, 200_000);

  it("an upload that fails leaves nothing in the bucket, keeps the backup in BACKUP_DIR, and is audited", async () => {
    // The store refuses the manifest (the last object): everything sent before it is taken back.
    const refusingFetch: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input.toString());
      if (init?.method === "PUT" && url.pathname.endsWith(`/${MANIFEST_FILE}`)) {
        return Promise.resolve(new Response("<Error><Code>InternalError</Code></Error>", { status: 500 }));
      }
      return recordingFetch(input, init);
    };
    const repository = s3Backups(bucketClient({ fetch: refusingFetch }), PREFIX, dirs.staging, BUCKET);
    const before = await bucketClient().list(PREFIX);
    await expect(
      runBackup({ ...backupConfigFromEnv(), repository }, retentionPolicyFromEnv()),
    ).rejects.toThrow(
      /upload to s3:\/\/haven-backups\/clinic-a\/backups\/ failed: .*\(HTTP 500\); the backup stays in /,
    );
    expect(await bucketClient().list(PREFIX)).toEqual(before);
    const kept = readdirSync(dirs.staging).filter((name) => /^\d{8}T\d{6}Z-[0-9a-f]{4}$/.test(name));
    expect(kept).toHaveLength(1);
    expect(existsSync(path.join(dirs.staging, kept[0]!, MANIFEST_FILE))).toBe(true);
    const [failed] = await runSql<{ n: string }>(
      scratch!.url,
      "SELECT count(*)::text AS n FROM audit_log WHERE action = 'backup.failed'",
    );
    expect(failed!.n).toBe("1");
    rmSync(path.join(dirs.staging, kept[0]!), { recursive: true });
  }, 120_000);

  it("the retention deletes every object of a pruned backup from the bucket", async () => {
    const config = backupConfigFromEnv();
    const keepOne = { daily: 1, weekly: 0, monthly: 0 };
    const older = await runBackup(config, keepOne, new Date("2030-01-01T02:30:00Z"));
    const newer = await runBackup(config, keepOne, new Date("2030-01-02T02:30:00Z"));
    expect(older.pruned).toEqual([backupId]);
    expect(newer.pruned).toEqual([older.id]);
    const keys = (await bucketClient().list(PREFIX)).map((object) => object.key);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith(`${PREFIX}${newer.id}/`))).toBe(true);
  }, 200_000);
});

describe("the bucket client", () => {
  it("sends a file above the part size as a multipart upload and streams it back byte for byte", async () => {
    const file = path.join(work, "large.bin");
    const bytes = randomBytes(12 * 1024 * 1024 + 1234);
    writeFileSync(file, bytes);
    const bucket = bucketClient({ partBytes: 5 * 1024 * 1024 });
    sent.length = 0;
    await bucket.putFile("parts-test/large.bin", file);
    expect(sent.filter((line) => /[?&]partNumber=\d+/.test(line))).toHaveLength(3);
    expect(sent.filter((line) => line.startsWith("POST "))).toHaveLength(2);

    const back = path.join(work, "large.back");
    expect(await bucket.getToFile("parts-test/large.bin", back)).toBe(true);
    expect(readFileSync(back).equals(bytes)).toBe(true);
    expect(await bucket.getToFile("parts-test/missing.bin", path.join(work, "missing"))).toBe(false);
    expect(existsSync(path.join(work, "missing"))).toBe(false);
    await bucket.delete("parts-test/large.bin");
    expect(await bucket.getBytes("parts-test/large.bin")).toBeNull();
  }, 60_000);

  it("is refused, by status, with unknown credentials; and keys that could leave their folder are refused", async () => {
    const wrong = bucketClient({ accessKeyId: "NOT-A-KEY" });
    await expect(wrong.putBytes("refused/object", Buffer.from("x"))).rejects.toThrow(/HTTP 403/);
    await expect(bucketClient().putBytes("a/../escape", Buffer.from("x"))).rejects.toBeInstanceOf(
      S3BucketError,
    );
    await expect(bucketClient().getBytes("/absolute")).rejects.toBeInstanceOf(S3BucketError);
  });
});
