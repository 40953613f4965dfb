// An S3-compatible bucket (AWS S3, MinIO, Ceph, R2…) over fetch with SigV4
// signing, path-style URLs (`<endpoint>/<bucket>/<key>`), so any endpoint
// works without DNS per bucket. Errors name the status only, never a key's content.
import { type SigV4Credentials, sha256Hex, signRequest, uriEncode } from "./sigv4";
import { type ObjectStore, StoreFullError, assertStorageKey } from "./types";

export interface S3Options extends SigV4Credentials {
  endpoint: string;
  bucket: string;
  /** Defaults to the global fetch (tests may pass their own). */
  fetch?: typeof fetch;
}

export class StorageError extends Error {
  override name = "StorageError";
}

export function s3Store(options: S3Options): ObjectStore {
  const doFetch = options.fetch ?? fetch;
  const base = options.endpoint.replace(/\/+$/, "");
  const urlOf = (key: string) => {
    assertStorageKey(key);
    return new URL(`${base}/${uriEncode(options.bucket)}/${key}`);
  };

  async function send(method: string, key: string, body?: Uint8Array): Promise<Response> {
    const url = urlOf(key);
    const headers = signRequest(
      {
        method,
        url,
        headers: body ? { "content-length": String(body.byteLength) } : {},
        payloadHash: sha256Hex(body ?? ""),
      },
      options,
    );
    return doFetch(url, {
      method,
      headers,
      ...(body ? { body: new Uint8Array(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
  }

  return {
    async put(key, bytes) {
      const response = await send("PUT", key, bytes);
      await response.arrayBuffer();
      // 507 Insufficient Storage: the bucket's disks or quota are full (MinIO, Ceph).
      if (response.status === 507) throw new StoreFullError();
      if (!response.ok) throw new StorageError(`object store refused the upload (HTTP ${response.status})`);
    },
    async get(key) {
      const response = await send("GET", key);
      if (response.status === 404) {
        await response.arrayBuffer();
        return null;
      }
      if (!response.ok) throw new StorageError(`object store refused the download (HTTP ${response.status})`);
      return Buffer.from(await response.arrayBuffer());
    },
    async delete(key) {
      const response = await send("DELETE", key);
      await response.arrayBuffer();
      if (!response.ok && response.status !== 404) {
        throw new StorageError(`object store refused the deletion (HTTP ${response.status})`);
      }
    },
  };
}
