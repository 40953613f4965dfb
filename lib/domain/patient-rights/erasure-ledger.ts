// The erasure ledger: every erasure is also written to an append-only file in ERASURE_LEDGER_DIR,
// outside the database and outside its backups. A backup taken before an erasure still holds the
// patient's wrapped data key; restoring it would make their data readable again. So every start of
// a server, a worker and every `npm run db:migrate` (what a restore runs) re-applies the ledger
// (erasure.ts: applyErasureLedger): a listed patient whose old key is back is erased again.
//
// Lines are signed with the audit checkpoint key (Ed25519, never in the database): someone who can
// write the directory cannot add lines to erase other patients; an unsigned line is reported and
// ignored. Two phases: an "intent" line before the erasure commits and a "done" line after, so a
// crash between the commit and the "done" line cannot lose an erasure (the next start sees the
// intent, finds the patient erased in the database and writes the "done" line), and an erasure that
// rolled back (a legal hold won the race, the patient withdrew) is never carried out from the ledger.
import "server-only";
import { sign, verify } from "node:crypto";
import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { AuditKeys } from "@/lib/audit/keys";

export interface LedgerEntry {
  phase: "intent" | "done";
  patientId: string;
  /** The data key destroyed (the one a restored backup would bring back). */
  dataKeyId: string | null;
  requestId: string | null;
  at: string;
}

const FILE_NAME = "erasures.jsonl";
const signedText = (entry: LedgerEntry) =>
  `haven-erasure-ledger-v1|${entry.phase}|${entry.patientId}|${entry.dataKeyId ?? ""}|${entry.requestId ?? ""}|${entry.at}`;

export async function appendLedgerEntry(
  directory: string,
  keys: AuditKeys,
  entry: LedgerEntry,
): Promise<void> {
  const signature = sign(null, Buffer.from(signedText(entry), "utf8"), keys.checkpointPrivateKey);
  const line = JSON.stringify({ v: 1, ...entry, signature: signature.toString("base64url") });
  await mkdir(directory, { recursive: true, mode: 0o700 });
  // appendFile with O_APPEND: concurrent writers' lines do not interleave (each is well under PIPE_BUF).
  await appendFile(path.join(directory, FILE_NAME), `${line}\n`, { mode: 0o600, flag: "a" });
}

export interface LedgerReading {
  entries: LedgerEntry[];
  /** Lines that are not validly signed entries (tampering, or another installation's keys). */
  invalid: number;
}

export async function readLedger(directory: string, keys: AuditKeys): Promise<LedgerReading> {
  let text: string;
  try {
    text = await readFile(path.join(directory, FILE_NAME), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: [], invalid: 0 };
    throw error;
  }
  const entries: LedgerEntry[] = [];
  let invalid = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as Partial<LedgerEntry> & { signature?: string };
      if (
        typeof parsed.patientId !== "string" ||
        typeof parsed.at !== "string" ||
        (parsed.phase !== "intent" && parsed.phase !== "done") ||
        !parsed.signature
      ) {
        invalid += 1;
        continue;
      }
      const entry: LedgerEntry = {
        phase: parsed.phase,
        patientId: parsed.patientId,
        dataKeyId: parsed.dataKeyId ?? null,
        requestId: parsed.requestId ?? null,
        at: parsed.at,
      };
      const valid = verify(
        null,
        Buffer.from(signedText(entry), "utf8"),
        keys.checkpointPublicKey,
        Buffer.from(parsed.signature, "base64url"),
      );
      if (valid) entries.push(entry);
      else invalid += 1;
    } catch {
      invalid += 1;
    }
  }
  return { entries, invalid };
}
