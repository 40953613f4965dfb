// The backup settings of this deployment (lib/env.ts), for the commands and the jobs.
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { decodeBackupKey, getEnv } from "@/lib/env";
import { documentStore } from "@/lib/integrations/storage";
import type { BackupConfig } from "./create-backup";
import { backupKeyFrom } from "./manifest";
import type { RetentionPolicy } from "./retention";
import type { BackupKey } from "./segmented-aead";

export class BackupNotConfiguredError extends Error {
  override name = "BackupNotConfiguredError";
}

export function backupKeyFromEnv(): BackupKey {
  const value = getEnv().BACKUP_ENCRYPTION_KEY;
  if (!value) {
    throw new BackupNotConfiguredError(
      "BACKUP_ENCRYPTION_KEY is not set: backups need their own key (`openssl rand -base64 32`; `npm run dev` generates one), never a field key",
    );
  }
  return backupKeyFrom(decodeBackupKey(value));
}

export function backupConfigFromEnv(databaseUrl = getEnv().DATABASE_URL): BackupConfig {
  const env = getEnv();
  return {
    databaseUrl,
    backupDir: env.BACKUP_DIR,
    key: backupKeyFromEnv(),
    auditKeys: phiCryptoConfigFromEnv().audit,
    checkpointDir: env.AUDIT_CHECKPOINT_DIR,
    documents: documentStore(),
  };
}

export function retentionPolicyFromEnv(): RetentionPolicy {
  const env = getEnv();
  return { daily: env.BACKUP_KEEP_DAILY, weekly: env.BACKUP_KEEP_WEEKLY, monthly: env.BACKUP_KEEP_MONTHLY };
}
