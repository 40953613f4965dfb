// The document store this deployment uses (DOCUMENT_STORAGE): a local
// directory by default, or an S3-compatible bucket.
import "server-only";
import { getEnv } from "@/lib/env";
import { localStore } from "./local";
import { s3Store } from "./s3";
import type { ObjectStore } from "./types";

export type { ObjectStore } from "./types";
export { StoreFullError } from "./types";

let cached: { signature: string; store: ObjectStore } | undefined;

export function documentStore(): ObjectStore {
  const env = getEnv();
  // Tests change the configuration between cases; a deployment never does.
  const signature = [env.DOCUMENT_STORAGE, env.DOCUMENTS_DIR, env.S3_ENDPOINT, env.S3_BUCKET].join("|");
  if (cached?.signature === signature) return cached.store;
  let store: ObjectStore;
  if (env.DOCUMENT_STORAGE === "s3") {
    const { S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION } = env;
    if (!S3_ENDPOINT || !S3_BUCKET || !S3_ACCESS_KEY_ID || !S3_SECRET_ACCESS_KEY) {
      throw new Error(
        "DOCUMENT_STORAGE=s3 needs S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY",
      );
    }
    store = s3Store({
      endpoint: S3_ENDPOINT,
      bucket: S3_BUCKET,
      region: S3_REGION,
      accessKeyId: S3_ACCESS_KEY_ID,
      secretAccessKey: S3_SECRET_ACCESS_KEY,
    });
  } else {
    store = localStore(env.DOCUMENTS_DIR);
  }
  cached = { signature, store };
  return store;
}
