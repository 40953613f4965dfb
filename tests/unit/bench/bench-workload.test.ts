import { fileTypeFromBuffer } from "file-type";
import { describe, expect, it } from "vitest";
import {
  CLINIC_DAY_MIX,
  benchPdf,
  multipartUpload,
  operationPicker,
  sharesInPercent,
} from "@/scripts/lib/bench-workload";

function counts(pick: (i: number) => string, from: number, n: number): Map<string, number> {
  const seen = new Map<string, number>();
  for (let i = from; i < from + n; i += 1) seen.set(pick(i), (seen.get(pick(i)) ?? 0) + 1);
  return seen;
}

describe("the clinic day's mix", () => {
  it("is 80 % reads, 15 % writes and 5 % bookings and uploads", () => {
    const total = CLINIC_DAY_MIX.reduce((sum, share) => sum + share.weight, 0);
    const byKind = (kind: string) =>
      CLINIC_DAY_MIX.filter((share) => share.kind === kind).reduce((sum, share) => sum + share.weight, 0) /
      total;
    expect(byKind("read")).toBeCloseTo(0.8, 10);
    expect(byKind("write")).toBeCloseTo(0.15, 10);
    expect(byKind("booking-or-upload")).toBeCloseTo(0.05, 10);
    expect(sharesInPercent(CLINIC_DAY_MIX)["message-send"]).toBe(15);
  });
});

describe("operationPicker", () => {
  it("issues each operation in its share, within half a percent over 10 000 requests", () => {
    const pick = operationPicker(CLINIC_DAY_MIX);
    const seen = counts(pick, 0, 10_000);
    const percent = sharesInPercent(CLINIC_DAY_MIX);
    for (const share of CLINIC_DAY_MIX) {
      expect(Math.abs(((seen.get(share.name) ?? 0) / 10_000) * 100 - percent[share.name])).toBeLessThan(0.5);
    }
  });

  it("keeps the shares in a short window anywhere in the sequence (a 10 s step is a few thousand requests)", () => {
    const pick = operationPicker([
      { name: "read", weight: 80, kind: "read" },
      { name: "write", weight: 15, kind: "write" },
      { name: "upload", weight: 5, kind: "booking-or-upload" },
    ]);
    const seen = counts(pick, 123_457, 400);
    expect(seen.get("read")).toBeGreaterThanOrEqual(316);
    expect(seen.get("read")).toBeLessThanOrEqual(324);
    expect(seen.get("upload")).toBeGreaterThanOrEqual(18);
    expect(seen.get("upload")).toBeLessThanOrEqual(22);
  });

  it("is deterministic: the same index gives the same operation", () => {
    const [first, second] = [operationPicker(CLINIC_DAY_MIX), operationPicker(CLINIC_DAY_MIX)];
    const sequence = Array.from({ length: 50 }, (_, i) => first(i));
    expect(Array.from({ length: 50 }, (_, i) => second(i))).toEqual(sequence);
    expect(new Set(sequence).size).toBeGreaterThan(5);
  });

  it("refuses an empty workload, a weight that is not positive and a bad index", () => {
    expect(() => operationPicker([])).toThrow(/at least one/);
    expect(() => operationPicker([{ name: "x", weight: 0, kind: "read" }])).toThrow(/positive/);
    expect(() => operationPicker([{ name: "x", weight: Number.NaN, kind: "read" }])).toThrow(/positive/);
    expect(() => operationPicker(CLINIC_DAY_MIX)(-1)).toThrow(/whole number/);
    expect(() => operationPicker(CLINIC_DAY_MIX)(1.5)).toThrow(/whole number/);
  });
});

describe("the upload body", () => {
  it("is a PDF of exactly the asked size, recognised by its content", async () => {
    const pdf = benchPdf(200 * 1024);
    expect(pdf.byteLength).toBe(200 * 1024);
    expect((await fileTypeFromBuffer(pdf))?.mime).toBe("application/pdf");
    expect(() => benchPdf(10)).toThrow(/at least/);
  });

  it("is a multipart form a server parses back into the same field and file", async () => {
    const pdf = benchPdf(4096);
    const { body, contentType } = multipartUpload(
      { patientId: "3f1c2a4e-0000-4000-8000-000000000001" },
      { field: "file", name: "scan.pdf", type: "application/pdf", bytes: pdf },
    );
    const form = await new Response(new Uint8Array(body), {
      headers: { "content-type": contentType },
    }).formData();
    expect(form.get("patientId")).toBe("3f1c2a4e-0000-4000-8000-000000000001");
    const file = form.get("file");
    expect(file).toBeInstanceOf(File);
    expect(Buffer.from(await (file as File).arrayBuffer()).equals(pdf)).toBe(true);
    expect((file as File).name).toBe("scan.pdf");
  });
});
