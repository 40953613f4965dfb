// The receipt PDF, read back with poppler's pdftotext: every fact a patient
// needs, refunds and the net figure, a shaped Devanagari name and ₹, the
// bundled font only, and a TEST MODE banner exactly when no money moved.
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Receipt } from "@/lib/domain/payments/queries";
import { TEST_MODE_BANNER, renderReceiptPdf } from "@/lib/domain/payments/render-receipt-pdf";

const scratch = mkdtempSync(path.join(tmpdir(), "haven-receipt-"));
function poppler(pdf: Buffer) {
  const file = path.join(scratch, `${randomUUID()}.pdf`);
  writeFileSync(file, pdf);
  const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  return {
    flat: text.replace(/\s+/g, " "),
    info: execFileSync("pdfinfo", [file], { encoding: "utf8" }),
    fonts: execFileSync("pdffonts", [file], { encoding: "utf8" }),
  };
}

function receipt(overrides: Partial<Receipt> = {}): Receipt {
  return {
    receiptNumber: "5b0e7c1e-3f5d-4c55-9a43-2f0d8c6a1b2e",
    paidAt: new Date("2031-03-02T09:15:00Z"),
    clinic: { name: "Haven Clinic", address: "1 Harbour Street, Lisbon" },
    patientName: "Lucia Romero",
    doctorName: "Dr. Erik Lindqvist",
    visitStartsAt: new Date("2031-03-10T14:30:00Z"),
    timeZone: "Europe/Berlin",
    amountMinor: 4500,
    currency: "EUR",
    provider: "STRIPE",
    providerName: "Stripe",
    mode: "live",
    refunds: [],
    refundedMinor: 0,
    netPaidMinor: 4500,
    ...overrides,
  };
}

describe("receipt PDF", () => {
  it("prints the clinic, receipt number, people, times in the patient's zone, the amount and the net", async () => {
    const pdf = await renderReceiptPdf(receipt());
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    const { flat, info, fonts } = poppler(pdf);
    expect(info).toMatch(/Pages:\s+1/);
    expect(info).toMatch(/Title:\s+Receipt/);
    expect(fonts).toContain("NotoSansDevanagari");
    expect(fonts).not.toMatch(/Helvetica|Times|Courier/);
    for (const expected of [
      "Haven Clinic",
      "1 Harbour Street, Lisbon",
      "Receipt number: 5b0e7c1e-3f5d-4c55-9a43-2f0d8c6a1b2e",
      "Lucia Romero",
      "Dr. Erik Lindqvist",
      // 14:30 UTC is 15:30 in Berlin (CET in March).
      "Mon, 10 Mar 2031, 15:30 CET",
      "Sun, 2 Mar 2031, 10:15 CET",
      "Paid with: Stripe",
      "Consultation €45.00",
      "Net paid €45.00",
    ]) {
      expect(flat).toContain(expected);
    }
    expect(flat).not.toContain("TEST MODE");
    expect(flat).not.toContain("test mode");
  });

  it("lists refunds with their state and deducts only those that went through", async () => {
    const { flat } = poppler(
      await renderReceiptPdf(
        receipt({
          refunds: [
            {
              id: randomUUID(),
              amountMinor: 2250,
              currency: "EUR",
              status: "SUCCEEDED",
              cause: "PATIENT_CANCELLED",
              requestedAt: new Date("2031-03-05T10:00:00Z"),
              settledAt: new Date("2031-03-05T10:01:00Z"),
            },
            {
              id: randomUUID(),
              amountMinor: 1000,
              currency: "EUR",
              status: "PENDING",
              cause: "ADMIN",
              requestedAt: new Date("2031-03-06T10:00:00Z"),
              settledAt: null,
            },
          ],
          refundedMinor: 2250,
          netPaidMinor: 2250,
        }),
      ),
    );
    expect(flat).toContain("Refund: You cancelled the visit −€22.50 Refunded, Wed, 5 Mar 2031, 11:01 CET");
    expect(flat).toContain(
      "Refund: Refunded by the clinic €10.00 Refund pending, Thu, 6 Mar 2031, 11:00 CET",
    );
    expect(flat).toContain("Net paid €22.50");
    expect(flat).toContain("A further €10.00 is being refunded");
  });

  it("prints a Devanagari name shaped, and rupees with ₹", async () => {
    const { flat } = poppler(
      await renderReceiptPdf(
        receipt({
          patientName: "अनन्या शर्मा",
          doctorName: "डॉ. रवि मेनन",
          timeZone: "Asia/Kolkata",
          amountMinor: 60000,
          currency: "INR",
          provider: "RAZORPAY",
          providerName: "Razorpay",
          netPaidMinor: 60000,
        }),
      ),
    );
    expect(flat).toContain("अनन्या");
    // The reph (र्) is placed over the last syllable by shaping, so it comes out in visual order.
    expect(flat).toMatch(/श(मार्|र्मा)/);
    expect(flat).toContain("₹600.00");
    expect(flat).toContain("Net paid ₹600.00");
    expect(flat).toContain("10 Mar 2031, 20:00 GMT+5:30");
    expect(flat).toContain("Paid with: Razorpay");
  });

  it("says TEST MODE above everything for a payment that moved no money", async () => {
    const { flat } = poppler(
      await renderReceiptPdf(
        receipt({ provider: "TEST", providerName: "The test-mode checkout", mode: "test" }),
      ),
    );
    expect(flat.trim().startsWith(TEST_MODE_BANNER)).toBe(true);
    expect(flat).toContain("no card was charged and no money moved");
    const stripeTest = poppler(await renderReceiptPdf(receipt({ mode: "test" }))).flat;
    expect(stripeTest).toContain(TEST_MODE_BANNER);
    expect(stripeTest).toContain("Paid with: Stripe (test mode)");
  });
});
