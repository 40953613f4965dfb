// Erasure's pure parts: every PHI model has a fate, what the patient is told, the ledger's
// signatures (a line someone adds or edits is never applied), and the settings it needs.
import { randomBytes, randomUUID } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { auditKeysFrom } from "@/lib/audit/keys";
import { PHI_MODELS } from "@/lib/db/phi-fields";
import { ERASURE_PLAN, erasureCategories } from "@/lib/domain/patient-rights/erasure";
import { appendLedgerEntry, readLedger } from "@/lib/domain/patient-rights/erasure-ledger";
import { parseEnv } from "@/lib/env";

const keys = auditKeysFrom(randomBytes(32), randomBytes(32));
const otherKeys = auditKeysFrom(randomBytes(32), randomBytes(32));
const entry = (phase: "intent" | "done" = "done") => ({
  phase,
  patientId: randomUUID(),
  dataKeyId: randomUUID(),
  requestId: randomUUID(),
  at: new Date().toISOString(),
});

describe("the erasure plan", () => {
  it("says what becomes of every PHI model", () => {
    expect(Object.keys(ERASURE_PLAN).sort()).toEqual(Object.keys(PHI_MODELS).sort());
  });

  it("tells the patient what is erased and kept, and why, in either clinical-records mode", () => {
    const retain = erasureCategories("retain");
    const redact = erasureCategories("redact");
    for (const categories of [retain, redact]) {
      expect(categories.filter((c) => c.fate === "erased").length).toBeGreaterThan(0);
      expect(categories.filter((c) => c.fate === "retained").length).toBeGreaterThan(0);
      for (const category of categories) expect(category.why.length).toBeGreaterThan(20);
    }
    const clinical = (list: typeof retain) => list.find((c) => c.label.startsWith("Visits"))!.why;
    expect(clinical(retain)).toMatch(/new key/);
    expect(clinical(redact)).toMatch(/replaced by a marker/);
  });
});

describe("the erasure ledger", () => {
  it("reads back what it wrote, in order", async () => {
    const directory = mkdtempSync(path.join(tmpdir(), "haven-ledger-"));
    const first = entry("intent");
    const second = { ...entry(), dataKeyId: null, requestId: null };
    await appendLedgerEntry(directory, keys, first);
    await appendLedgerEntry(directory, keys, second);
    expect(await readLedger(directory, keys)).toEqual({ entries: [first, second], invalid: 0 });
  });

  it("is empty when nothing was ever erased", async () => {
    const directory = path.join(tmpdir(), `haven-ledger-missing-${randomUUID()}`);
    expect(await readLedger(directory, keys)).toEqual({ entries: [], invalid: 0 });
  });

  it("ignores and counts lines that were edited, added by hand or signed with other keys", async () => {
    const directory = mkdtempSync(path.join(tmpdir(), "haven-ledger-"));
    const genuine = entry("intent");
    await appendLedgerEntry(directory, keys, genuine);
    const file = path.join(directory, "erasures.jsonl");
    const line = readFileSync(file, "utf8").trim();
    // Someone points a genuine signature at another patient, adds an unsigned line and garbage.
    const edited = JSON.stringify({ ...(JSON.parse(line) as object), patientId: randomUUID() });
    // An erasure that never committed ("intent") passed off as carried out.
    const promoted = JSON.stringify({ ...(JSON.parse(line) as object), phase: "done" });
    appendFileSync(file, `${edited}\n${promoted}\n${JSON.stringify({ v: 1, ...entry() })}\nnot json\n`);
    await appendLedgerEntry(directory, otherKeys, entry());
    expect(await readLedger(directory, keys)).toEqual({ entries: [genuine], invalid: 5 });
    writeFileSync(file, "");
    expect(await readLedger(directory, keys)).toEqual({ entries: [], invalid: 0 });
  });
});

describe("settings", () => {
  const production = {
    NODE_ENV: "production",
    DATABASE_URL: "postgresql://haven@db:5432/haven",
    AUTH_SECRET: "q8Zr3vN1xL0pW7sK2mB5tY9cF4hJ6dG1aE8uR3oI",
    PHI_ENCRYPTION_KEYS: `k2:${randomBytes(32).toString("base64")}`,
    PHI_BLIND_INDEX_KEY: randomBytes(32).toString("base64"),
    AUDIT_MAC_KEY: randomBytes(32).toString("base64"),
    AUDIT_CHECKPOINT_KEY: randomBytes(32).toString("base64"),
    BACKUP_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    AUDIT_CHECKPOINT_DIR: "/var/lib/haven/audit-checkpoints",
    ERASURE_LEDGER_DIR: "/var/lib/haven/erasure-ledger",
    SMTP_URL: "smtp://mail.internal:587",
    APP_URL: "https://haven.example.org",
  };
  const problemsOf = (raw: Record<string, string | undefined>) => {
    try {
      parseEnv(raw);
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  };

  it("production needs a ledger directory outside the database", () => {
    expect(problemsOf({ ...production, ERASURE_LEDGER_DIR: undefined })).toMatch(
      /ERASURE_LEDGER_DIR is missing: production records erasures in a directory outside the database/,
    );
  });

  it("keeps audit logs at least six years and offers two clinical-records modes", () => {
    expect(problemsOf({ ...production, RETENTION_AUDIT_LOG_DAYS: "365" })).toMatch(
      /RETENTION_AUDIT_LOG_DAYS must be at least 2192/,
    );
    expect(problemsOf({ ...production, ERASURE_CLINICAL_RECORDS: "forget" })).toMatch(
      /ERASURE_CLINICAL_RECORDS/,
    );
    expect(parseEnv({ ...production, ERASURE_CLINICAL_RECORDS: "redact" }).ERASURE_CLINICAL_RECORDS).toBe(
      "redact",
    );
  });
});
