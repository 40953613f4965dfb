// The document stores: the local directory (atomic, private, no path traversal)
// and the S3-compatible client, whose SigV4 signer is checked against AWS's
// published example and whose requests a tiny fake S3 server verifies and stores.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localStore } from "@/lib/integrations/storage/local";
import { s3Store } from "@/lib/integrations/storage/s3";
import { sha256Hex, signRequest } from "@/lib/integrations/storage/sigv4";

const key = () => randomBytes(24).toString("base64url");

describe("local document store", () => {
  const directory = path.join(mkdtempSync(path.join(tmpdir(), "haven-store-")), "documents");
  const store = localStore(directory);

  it("writes into a private directory, reads back, deletes, and answers null for a missing key", async () => {
    const name = key();
    await store.put(name, Buffer.from("ciphertext"));
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(directory, name)).mode & 0o777).toBe(0o600);
    expect((await store.get(name))?.toString()).toBe("ciphertext");
    // Nothing temporary is left behind.
    expect(readdirSync(directory)).toEqual([name]);
    await store.delete(name);
    expect(await store.get(name)).toBeNull();
    await store.delete(name);
  });

  it("refuses keys that could leave the directory", async () => {
    for (const bad of ["../../etc/passwd", "a/b", ".hidden-file-name-x", "short", "x".repeat(129)]) {
      await expect(store.put(bad, Buffer.from("x"))).rejects.toThrow(/invalid storage key/);
      await expect(store.get(bad)).rejects.toThrow(/invalid storage key/);
    }
  });
});

describe("SigV4 signer", () => {
  it("reproduces AWS's published example (GET Object with a Range header)", () => {
    const headers = signRequest(
      {
        method: "GET",
        url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"),
        headers: { Range: "bytes=0-9" },
        payloadHash: sha256Hex(""),
      },
      {
        accessKeyId: "AKIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        region: "us-east-1",
      },
      new Date("2013-05-24T00:00:00Z"),
    );
    expect(headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, " +
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
    expect(headers["x-amz-date"]).toBe("20130524T000000Z");
  });
});

describe("S3-compatible store against a fake S3 server", () => {
  const objects = new Map<string, Buffer>();
  const seen: { method: string; url: string; authorization: string }[] = [];
  let endpoint = "";
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const authorization = request.headers.authorization ?? "";
      seen.push({ method: request.method!, url: request.url!, authorization });
      const shape =
        /^AWS4-HMAC-SHA256 Credential=test-access\/\d{8}\/eu-test-1\/s3\/aws4_request, SignedHeaders=([a-z0-9-;]+), Signature=[0-9a-f]{64}$/.exec(
          authorization,
        );
      const signed = shape?.[1]?.split(";") ?? [];
      const hashOk =
        request.headers["x-amz-content-sha256"] === createHash("sha256").update(body).digest("hex");
      if (!shape || !signed.includes("host") || !signed.includes("x-amz-date") || !hashOk) {
        response.writeHead(403).end("<Error><Code>SignatureDoesNotMatch</Code></Error>");
        return;
      }
      const name = request.url!;
      if (request.method === "PUT") objects.set(name, body);
      if (request.method === "DELETE") objects.delete(name);
      if (request.method === "GET" && !objects.has(name)) {
        response.writeHead(404).end("<Error><Code>NoSuchKey</Code></Error>");
        return;
      }
      response.writeHead(request.method === "DELETE" ? 204 : 200);
      response.end(request.method === "GET" ? objects.get(name) : undefined);
    });
  });
  // No idle timeout: under load (CI runs two Node.js versions' tests beside a build), a pause
  // between requests outlived the 5 s default and fetch reused the socket as it closed (ECONNRESET).
  server.keepAliveTimeout = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const store = () =>
    s3Store({
      endpoint,
      bucket: "haven-docs",
      region: "eu-test-1",
      accessKeyId: "test-access",
      secretAccessKey: "test-secret",
    });

  it("puts, gets and deletes signed objects with path-style URLs", async () => {
    const name = key();
    const bytes = randomBytes(70_000);
    await store().put(name, bytes);
    expect(objects.get(`/haven-docs/${name}`)).toEqual(bytes);
    expect(await store().get(name)).toEqual(bytes);
    await store().delete(name);
    expect(await store().get(name)).toBeNull();
    expect(seen.map((request) => request.method)).toEqual(["PUT", "GET", "DELETE", "GET"]);
  });

  it("reports a refusal by status, never quietly", async () => {
    const wrong = s3Store({
      endpoint,
      bucket: "haven-docs",
      region: "elsewhere",
      accessKeyId: "test-access",
      secretAccessKey: "test-secret",
    });
    await expect(wrong.put(key(), Buffer.from("x"))).rejects.toThrow(/HTTP 403/);
    await expect(store().get("../escape-attempt-x")).rejects.toThrow(/invalid storage key/);
  });
});
