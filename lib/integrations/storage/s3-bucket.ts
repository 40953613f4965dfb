// A bucket of an S3-compatible store (AWS S3, MinIO, Ceph, R2…) for whole files under path-like keys
// ("backups/<id>/database.sql.gz.enc"): streamed uploads (one PUT, or a multipart upload above
// partBytes, since one PUT stops at 5 GiB), streamed downloads, listing by prefix, deletion. Every
// request is SigV4-signed with the payload's real SHA-256 (read once to hash, once to send), so
// the store checks what it received. Path-style URLs, as in s3.ts; errors name the status only.
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { type SigV4Credentials, sha256Hex, signRequest, uriEncode } from "./sigv4";

export interface S3BucketOptions extends SigV4Credentials {
  endpoint: string;
  bucket: string;
  /** Files above this go up in parts of this size (S3: at least 5 MiB, at most 10,000 parts). */
  partBytes?: number;
  /** Defaults to the global fetch (tests may pass their own). */
  fetch?: typeof fetch;
}

export interface S3Object {
  key: string;
  bytes: number;
}

export interface S3Bucket {
  putFile(key: string, file: string): Promise<void>;
  putBytes(key: string, bytes: Uint8Array): Promise<void>;
  /** The object's bytes, or null when there is none. */
  getBytes(key: string): Promise<Buffer | null>;
  /** Streams the object into the file; false (and no file) when there is none. */
  getToFile(key: string, file: string): Promise<boolean>;
  /** Every object whose key starts with prefix, in key order. */
  list(prefix: string): Promise<S3Object[]>;
  /** The "folders" right under prefix: each distinct `<prefix><name>/`, as name. */
  folders(prefix: string): Promise<string[]>;
  /** Removing a missing object is not an error. */
  delete(key: string): Promise<void>;
}

export class S3BucketError extends Error {
  override name = "S3BucketError";
}

const DEFAULT_PART_BYTES = 64 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 60 * 60_000;
// Small requests get 30 s; a transfer gets 30 s plus a minute per 64 MiB (about 1 MB/s at worst).
const timeoutFor = (bytes: number) => 30_000 + Math.ceil(bytes / DEFAULT_PART_BYTES) * 60_000;

/** Segments of letters, digits, ".", "_" and "-" joined by "/": never "..", never empty. */
const KEY_PATTERN = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

export function assertObjectKey(key: string): void {
  if (!KEY_PATTERN.test(key) || key.length > 900) throw new S3BucketError("invalid object key");
}

/** The five entities S3's XML uses in keys and tokens. */
const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** The text of each <tag>…</tag> in an S3 XML answer (flat elements only: keys, sizes, tokens). */
function elements(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, "g"))].map((match) =>
    unescapeXml(match[1]!),
  );
}

async function sha256OfRange(file: string, start: number, end: number): Promise<string> {
  const hash = createHash("sha256");
  if (end >= start) await pipeline(createReadStream(file, { start, end }), hash);
  return hash.digest("hex");
}

export function s3Bucket(options: S3BucketOptions): S3Bucket {
  const doFetch = options.fetch ?? fetch;
  const base = options.endpoint.replace(/\/+$/, "");
  const partBytes = options.partBytes ?? DEFAULT_PART_BYTES;

  interface Send {
    query?: Record<string, string>;
    body?: Uint8Array | { file: string; start: number; end: number };
    /** The bound on the whole exchange, body included (default: by the size sent). */
    timeoutMs?: number;
  }

  async function send(method: string, key: string | null, request: Send = {}): Promise<Response> {
    if (key !== null) assertObjectKey(key);
    const url = new URL(
      `${base}/${uriEncode(options.bucket)}${key === null ? "" : `/${key.split("/").map(uriEncode).join("/")}`}`,
    );
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    const { body } = request;
    const length =
      body === undefined ? 0 : body instanceof Uint8Array ? body.byteLength : body.end - body.start + 1;
    const headers = signRequest(
      {
        method,
        url,
        headers: body !== undefined ? { "content-length": String(length) } : {},
        payloadHash:
          body === undefined
            ? sha256Hex("")
            : body instanceof Uint8Array
              ? sha256Hex(body)
              : await sha256OfRange(body.file, body.start, body.end),
      },
      options,
    );
    const payload =
      body === undefined
        ? {}
        : body instanceof Uint8Array
          ? { body: new Uint8Array(body) }
          : {
              body: Readable.toWeb(
                length > 0
                  ? createReadStream(body.file, { start: body.start, end: body.end })
                  : Readable.from([]),
              ) as ReadableStream<Uint8Array>,
              duplex: "half" as const,
            };
    const signal = AbortSignal.timeout(request.timeoutMs ?? timeoutFor(length));
    return doFetch(url, { method, headers, ...payload, signal });
  }

  async function expectOk(response: Response, what: string): Promise<string> {
    const text = await response.text();
    if (!response.ok) throw new S3BucketError(`the object store refused ${what} (HTTP ${response.status})`);
    return text;
  }

  async function putMultipart(key: string, file: string, size: number): Promise<void> {
    const created = await expectOk(await send("POST", key, { query: { uploads: "" } }), "to start an upload");
    const uploadId = elements(created, "UploadId")[0];
    if (!uploadId) throw new S3BucketError("the object store started an upload without an id");
    try {
      const parts: { number: number; etag: string }[] = [];
      for (let start = 0, number = 1; start < size; start += partBytes, number += 1) {
        const end = Math.min(start + partBytes, size) - 1;
        const response = await send("PUT", key, {
          query: { partNumber: String(number), uploadId },
          body: { file, start, end },
        });
        await expectOk(response, `part ${number} of an upload`);
        const etag = response.headers.get("etag");
        if (!etag) throw new S3BucketError(`the object store gave part ${number} no ETag`);
        parts.push({ number, etag });
      }
      const completion = Buffer.from(
        `<CompleteMultipartUpload>${parts
          .map(({ number, etag }) => `<Part><PartNumber>${number}</PartNumber><ETag>${etag}</ETag></Part>`)
          .join("")}</CompleteMultipartUpload>`,
      );
      const answer = await expectOk(
        await send("POST", key, { query: { uploadId }, body: completion }),
        "to complete an upload",
      );
      // S3 may answer 200 and put the failure in the body.
      if (/<Error>/.test(answer)) throw new S3BucketError("the object store could not complete an upload");
    } catch (error) {
      await send("DELETE", key, { query: { uploadId } })
        .then((response) => response.arrayBuffer())
        .catch(() => undefined);
      throw error;
    }
  }

  /** ListObjectsV2, every page; with a delimiter, the common prefixes instead of what is under them. */
  async function listAll(prefix: string, byFolder: boolean) {
    const objects: S3Object[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      const query: Record<string, string> = { "list-type": "2", prefix };
      if (byFolder) query.delimiter = "/";
      if (token) query["continuation-token"] = token;
      const xml = await expectOk(await send("GET", null, { query }), "a listing");
      for (const [, entry] of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const [key] = elements(entry!, "Key");
        const [size] = elements(entry!, "Size");
        if (key !== undefined) objects.push({ key, bytes: Number(size ?? 0) });
      }
      for (const [, entry] of xml.matchAll(/<CommonPrefixes>([\s\S]*?)<\/CommonPrefixes>/g)) {
        prefixes.push(...elements(entry!, "Prefix"));
      }
      token =
        elements(xml, "IsTruncated")[0] === "true" ? elements(xml, "NextContinuationToken")[0] : undefined;
    } while (token);
    return { objects, prefixes };
  }

  return {
    async putFile(key, file) {
      const { size } = await stat(file);
      if (size > partBytes) return putMultipart(key, file, size);
      await expectOk(await send("PUT", key, { body: { file, start: 0, end: size - 1 } }), "an upload");
    },

    async putBytes(key, bytes) {
      await expectOk(await send("PUT", key, { body: bytes }), "an upload");
    },

    async getBytes(key) {
      const response = await send("GET", key);
      if (response.status === 404) {
        await response.arrayBuffer();
        return null;
      }
      if (!response.ok) {
        await response.arrayBuffer();
        throw new S3BucketError(`the object store refused a download (HTTP ${response.status})`);
      }
      return Buffer.from(await response.arrayBuffer());
    },

    async getToFile(key, file) {
      // A backup's dump may be gigabytes: the bound covers the whole streamed body.
      const response = await send("GET", key, { timeoutMs: DOWNLOAD_TIMEOUT_MS });
      if (response.status === 404) {
        await response.arrayBuffer();
        return false;
      }
      if (!response.ok || !response.body) {
        await response.arrayBuffer();
        throw new S3BucketError(`the object store refused a download (HTTP ${response.status})`);
      }
      try {
        await pipeline(
          Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
          createWriteStream(file, { mode: 0o600 }),
        );
      } catch (error) {
        await rm(file, { force: true });
        throw error;
      }
      return true;
    },

    async list(prefix) {
      const { objects } = await listAll(prefix, false);
      return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async folders(prefix) {
      const { prefixes } = await listAll(prefix, true);
      return prefixes
        .filter((folder) => folder.startsWith(prefix) && folder.endsWith("/"))
        .map((folder) => folder.slice(prefix.length, -1))
        .sort();
    },

    async delete(key) {
      const response = await send("DELETE", key);
      await response.arrayBuffer();
      if (!response.ok && response.status !== 404) {
        throw new S3BucketError(`the object store refused a deletion (HTTP ${response.status})`);
      }
    },
  };
}
