// The documents area's pure rules: file names, download names, the upload gate
// in front of Next (and its agreement with next.config.mjs), and clamd replies.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  MAX_UPLOAD_BODY_BYTES,
  MESSAGES,
  downloadFileName,
  isDownloadable,
  sanitizeFileName,
  formatFileSize,
  tooLargeMessage,
} from "@/lib/domain/documents/schemas";
import { parseReply } from "@/lib/integrations/clamav/instream";
import {
  DOCUMENT_DOWNLOAD_CSP,
  documentDownloadPolicy,
  refuseOversizedUpload,
} from "@/lib/security/upload-gate";

describe("file names", () => {
  it("keeps a readable display name: no folders, controls, bidi tricks or header-breaking characters", () => {
    expect(sanitizeFileName("C:\\Users\\maya\\blood test.pdf")).toBe("blood test.pdf");
    expect(sanitizeFileName("../../etc/passwd")).toBe("passwd");
    expect(sanitizeFileName('report"\r\nX-Evil: 1.pdf')).toBe("report_X-Evil_ 1.pdf");
    expect(sanitizeFileName("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    expect(sanitizeFileName("...")).toBe("document");
    expect(sanitizeFileName("Befund Müller – März.pdf")).toBe("Befund Müller – März.pdf");
    const long = sanitizeFileName(`${"a".repeat(300)}.pdf`);
    expect(long).toHaveLength(120);
    expect(long.endsWith(".pdf")).toBe(true);
  });

  it("downloads under an ASCII name that says nothing about the content", () => {
    expect(downloadFileName("0b7c4a2e-1111-4222-8333-444455556666", "image/png")).toBe(
      "document-0b7c4a2e.png",
    );
  });

  it("never offers a file still waiting for its scan", () => {
    expect(isDownloadable("PENDING")).toBe(false);
    expect(isDownloadable("CLEAN")).toBe(true);
    expect(isDownloadable("NOT_SCANNED")).toBe(true);
  });

  it("says the size of a file that is too large", () => {
    expect(tooLargeMessage(11 * 1024 * 1024)).toBe("The file is larger than 10 MB. This one is 11.0 MB.");
    expect(formatFileSize(800)).toBe("1 KB");
    expect(formatFileSize(300 * 1024 + 1)).toBe("301 KB");
    expect(formatFileSize(10 * 1024 * 1024)).toBe("10.0 MB");
  });
});

describe("the upload gate in front of Next", () => {
  const upload = (headers: Record<string, string>, url = "http://haven.example/api/documents") =>
    new Request(url, { method: "POST", headers });

  it("agrees with the body size Next lets the proxy buffer", () => {
    const config = readFileSync(path.resolve(import.meta.dirname, "../../../next.config.mjs"), "utf8");
    const expression = /proxyClientMaxBodySize: ([\d\s*+]+),/.exec(config)?.[1];
    expect(expression).toBeDefined();
    const value = expression!
      .split("+")
      .reduce((sum, term) => sum + term.split("*").reduce((p, f) => p * Number(f), 1), 0);
    expect(value).toBe(MAX_UPLOAD_BODY_BYTES);
    expect(MAX_UPLOAD_BODY_BYTES).toBeGreaterThan(10 * 1024 * 1024);
  });

  it("lets a 10 MB upload through and refuses a larger declared body early with the clear message", async () => {
    expect(
      refuseOversizedUpload(upload({ "content-length": String(MAX_UPLOAD_BODY_BYTES) }), "r1"),
    ).toBeNull();
    const refused = refuseOversizedUpload(
      upload({ "content-length": String(MAX_UPLOAD_BODY_BYTES + 1) }),
      "r2",
    );
    expect(refused?.status).toBe(413);
    expect(await refused?.json()).toEqual({
      error: { code: "PAYLOAD_TOO_LARGE", message: MESSAGES.tooLarge, requestId: "r2" },
    });
    expect(refuseOversizedUpload(upload({}), "r3")?.status).toBe(411);
  });

  it("leaves every other request alone", () => {
    const big = { "content-length": String(50 * 1024 * 1024) };
    expect(refuseOversizedUpload(upload(big, "http://haven.example/api/documents/abc"), "r")).toBeNull();
    expect(
      refuseOversizedUpload(new Request("http://haven.example/api/documents", { headers: big }), "r"),
    ).toBeNull();
  });
});

describe("the download policy", () => {
  it("sandboxes document downloads only", () => {
    expect(documentDownloadPolicy("/api/documents/0b7c4a2e-1111-4222-8333-444455556666")).toBe(
      DOCUMENT_DOWNLOAD_CSP,
    );
    expect(DOCUMENT_DOWNLOAD_CSP).toMatch(/^sandbox;/);
    expect(documentDownloadPolicy("/api/documents")).toBeNull();
    expect(documentDownloadPolicy("/patient/documents")).toBeNull();
  });
});

describe("clamd replies", () => {
  it("reads OK, FOUND and errors", () => {
    expect(parseReply("stream: OK\0")).toEqual({ status: "clean" });
    expect(parseReply("stream: Eicar-Test-Signature FOUND\0")).toEqual({
      status: "infected",
      signature: "Eicar-Test-Signature",
    });
    expect(parseReply("INSTREAM size limit exceeded. ERROR\0").status).toBe("unavailable");
    expect(parseReply("").status).toBe("unavailable");
  });
});
