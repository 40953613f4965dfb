// The backup settings of this deployment (lib/env.ts), for the commands and the jobs.
import { phiCryptoConfigFromEnv } from "@/lib/crypto/config";
import { decodeBackupKey, getEnv } from "@/lib/env";
import { documentStore } from "@/lib/integrations/storage";
import { s3Bucket } from "@/lib/integrations/storage/s3-bucket";
import type { BackupConfig } from "./create-backup";
import { backupKeyFrom } from "./manifest";
import { type BackupRepository, localBackups, s3Backups } from "./repository";
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

/** BACKUP_STORAGE: the folder BACKUP_DIR, or a bucket (BACKUP_DIR is then where backups are written first). */
export function backupRepositoryFromEnv(): BackupRepository {
  const env = getEnv();
  if (env.BACKUP_STORAGE !== "s3") return localBackups(env.BACKUP_DIR);
  const { BACKUP_S3_ENDPOINT, BACKUP_S3_BUCKET, BACKUP_S3_ACCESS_KEY_ID, BACKUP_S3_SECRET_ACCESS_KEY } = env;
  if (!BACKUP_S3_ENDPOINT || !BACKUP_S3_BUCKET || !BACKUP_S3_ACCESS_KEY_ID || !BACKUP_S3_SECRET_ACCESS_KEY) {
    throw new BackupNotConfiguredError(
      "BACKUP_STORAGE=s3 needs BACKUP_S3_ENDPOINT, BACKUP_S3_BUCKET, BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY",
    );
  }
  const bucket = s3Bucket({
    endpoint: BACKUP_S3_ENDPOINT,
    bucket: BACKUP_S3_BUCKET,
    region: env.BACKUP_S3_REGION,
    accessKeyId: BACKUP_S3_ACCESS_KEY_ID,
    secretAccessKey: BACKUP_S3_SECRET_ACCESS_KEY,
  });
  return s3Backups(bucket, env.BACKUP_S3_PREFIX, env.BACKUP_DIR, BACKUP_S3_BUCKET);
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
    repository: backupRepositoryFromEnv(),
  };
}

export function retentionPolicyFromEnv(): RetentionPolicy {
  const env = getEnv();
  return { daily: env.BACKUP_KEEP_DAILY, weekly: env.BACKUP_KEEP_WEEKLY, monthly: env.BACKUP_KEEP_MONTHLY };
}
