// The receipt of a completed payment as a PDF: clinic, receipt number, who
// paid for which visit and when, the amount, every refund and what was paid in
// the end. A TEST MODE payment says, above everything, that no money moved.
// Names are printed as written, in any script the bundled font covers (and ₹).
import "server-only";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { PDF_COLORS, pageLayout, renderPdf } from "@/lib/pdf/document";
import { REFUND_CAUSE_LABEL, REFUND_STATUS_LABEL } from "./labels";
import { formatMoney } from "./money";
import type { Receipt } from "./queries";

const { ink: INK, muted: MUTED } = PDF_COLORS;
const BANNER_FILL = "#fef3c7";
const BANNER_EDGE = "#b45309";
const BANNER_INK = "#78350f";

export const TEST_MODE_BANNER = "TEST MODE — no money moved";

export function renderReceiptPdf(receipt: Receipt): Promise<Buffer> {
  const money = (minor: number) => formatMoney(minor, receipt.currency);
  const when = (instant: Date) => formatDateTime(instant, receipt.timeZone);
  return renderPdf({ title: "Receipt", author: receipt.clinic.name, subject: "Payment receipt" }, (doc) => {
    const { left, width, rule, labelled } = pageLayout(doc);
    /** A line with its amount at the right margin. */
    const amountRow = (label: string, amount: string, options: { bold?: boolean; size?: number } = {}) => {
      const top = doc.y;
      doc
        .font(options.bold ? "bold" : "regular")
        .fontSize(options.size ?? 11)
        .fillColor(INK);
      doc.text(label, left, top, { width: width * 0.7 });
      const below = doc.y;
      doc.text(amount, left, top, { width, align: "right" });
      doc.x = left;
      doc.y = Math.max(below, doc.y) + 2;
    };

    if (receipt.mode === "test") {
      const top = doc.y;
      const height = 44;
      doc.rect(left, top, width, height).fillAndStroke(BANNER_FILL, BANNER_EDGE);
      doc
        .font("bold")
        .fontSize(16)
        .fillColor(BANNER_INK)
        .text(TEST_MODE_BANNER, left, top + 11, { width, align: "center" });
      doc.x = left;
      doc.y = top + height + 14;
    }

    doc.font("bold").fontSize(18).fillColor(INK).text(receipt.clinic.name, left, doc.y);
    if (receipt.clinic.address)
      doc.font("regular").fontSize(10).fillColor(MUTED).text(receipt.clinic.address);
    doc.moveDown(0.6);
    doc.font("bold").fontSize(14).fillColor(INK).text("Receipt");
    rule();

    labelled("Receipt number", receipt.receiptNumber);
    labelled("Paid", when(receipt.paidAt));
    labelled(
      "Paid with",
      receipt.mode === "test" && receipt.provider !== "TEST"
        ? `${receipt.providerName} (test mode)`
        : receipt.providerName,
    );
    doc.moveDown(0.5);
    labelled("Patient", receipt.patientName || "—");
    labelled("Doctor", receipt.doctorName);
    labelled("Visit", when(receipt.visitStartsAt));
    rule();

    amountRow("Consultation", money(receipt.amountMinor));
    for (const refund of receipt.refunds) {
      const date = when(refund.settledAt ?? refund.requestedAt);
      const status = REFUND_STATUS_LABEL[refund.status];
      const amount =
        refund.status === "SUCCEEDED" ? `−${money(refund.amountMinor)}` : money(refund.amountMinor);
      amountRow(`Refund: ${REFUND_CAUSE_LABEL[refund.cause]}`, amount);
      doc
        .font("regular")
        .fontSize(9)
        .fillColor(MUTED)
        .text(`${status[0]!.toUpperCase()}${status.slice(1)}, ${date}`, left, doc.y - 2);
      doc.moveDown(0.3);
    }
    rule();
    amountRow("Net paid", money(receipt.netPaidMinor), { bold: true, size: 13 });
    const pending = receipt.refunds
      .filter((refund) => refund.status === "PENDING")
      .reduce((total, refund) => total + refund.amountMinor, 0);
    if (pending > 0) {
      doc
        .font("regular")
        .fontSize(10)
        .fillColor(MUTED)
        .text(`A further ${money(pending)} is being refunded and is not deducted above yet.`, left, doc.y);
    }
    doc.moveDown(1.2);
    doc
      .font("regular")
      .fontSize(9)
      .fillColor(MUTED)
      .text(
        receipt.mode === "test"
          ? "This payment was made in test mode: no card was charged and no money moved."
          : "Refunds reach the card or account that paid, usually within 5–10 working days.",
        left,
        doc.y,
      );
  });
}
