// Signed checkpoints of the seal chain's head, kept outside the database (an
// append-only file in AUDIT_CHECKPOINT_DIR by default; backups ship it off the
// box). A hash chain cannot reveal by itself that its newest links were
// deleted, or that it was emptied: a checkpoint says "the chain reached seal n
// with this hash at this time", signed with a key the database never sees.
import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { sign, verify } from "node:crypto";
import type { AuditKeys } from "./keys";

export interface CheckpointStore {
  directory: string;
}

export interface Checkpoint {
  sealSequence: bigint;
  hash: string;
  at: string;
}

const FILE_NAME = "audit-checkpoints.jsonl";
const checkpointFile = (store: CheckpointStore) => path.join(store.directory, FILE_NAME);
const signedText = (checkpoint: Checkpoint) =>
  `haven-audit-checkpoint-v1|${checkpoint.sealSequence}|${checkpoint.hash}|${checkpoint.at}`;

export async function appendCheckpoint(
  store: CheckpointStore,
  keys: AuditKeys,
  head: { sealSequence: bigint; hash: string },
  at = new Date(),
): Promise<Checkpoint> {
  const checkpoint: Checkpoint = { sealSequence: head.sealSequence, hash: head.hash, at: at.toISOString() };
  const signature = sign(null, Buffer.from(signedText(checkpoint), "utf8"), keys.checkpointPrivateKey);
  const line = JSON.stringify({
    v: 1,
    sealSequence: checkpoint.sealSequence.toString(),
    hash: checkpoint.hash,
    at: checkpoint.at,
    signature: signature.toString("base64url"),
  });
  await mkdir(store.directory, { recursive: true, mode: 0o700 });
  await appendFile(checkpointFile(store), `${line}\n`, { mode: 0o600, flag: "a" });
  return checkpoint;
}

export interface CheckpointReading {
  /** The newest checkpoint whose signature is valid. */
  latest: Checkpoint | null;
  /** Lines that are not a validly signed checkpoint (tampering with the file). */
  invalid: number;
}

export async function readCheckpoints(store: CheckpointStore, keys: AuditKeys): Promise<CheckpointReading> {
  let text: string;
  try {
    text = await readFile(checkpointFile(store), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { latest: null, invalid: 0 };
    throw error;
  }
  let latest: Checkpoint | null = null;
  let invalid = 0;
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed = JSON.parse(line) as {
        sealSequence: string;
        hash: string;
        at: string;
        signature: string;
      };
      const checkpoint: Checkpoint = {
        sealSequence: BigInt(parsed.sealSequence),
        hash: parsed.hash,
        at: parsed.at,
      };
      const valid = verify(
        null,
        Buffer.from(signedText(checkpoint), "utf8"),
        keys.checkpointPublicKey,
        Buffer.from(parsed.signature, "base64url"),
      );
      if (!valid) invalid += 1;
      else if (!latest || checkpoint.sealSequence >= latest.sealSequence) latest = checkpoint;
    } catch {
      invalid += 1;
    }
  }
  return { latest, invalid };
}
