// The shared PDF setup (prescriptions, receipts): pdfkit, which shapes
// complex scripts, with Noto Sans Devanagari (OFL; it covers Latin, Devanagari
// and ₹) read from the repository, never fetched. pdfkit's built-in fonts are
// Latin-only, so no text may ever be set in them.
import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import PDFDocument from "pdfkit";

const FONT_FILES = {
  regular: "NotoSansDevanagari_400Regular.ttf",
  bold: "NotoSansDevanagari_700Bold.ttf",
} as const;

export type PdfFont = keyof typeof FONT_FILES;

// A literal folder, so the build traces only the fonts, not the whole project.
export const fontPath = (font: PdfFont) => path.join(process.cwd(), "assets", "fonts", FONT_FILES[font]);

const loaded = new Map<PdfFont, Buffer>();
function fontBytes(font: PdfFont): Buffer {
  let bytes = loaded.get(font);
  if (!bytes) {
    bytes = readFileSync(fontPath(font));
    loaded.set(font, bytes);
  }
  return bytes;
}

export interface PdfOptions {
  title: string;
  author?: string;
  subject?: string;
}

/**
 * Builds an A4 document with the bundled fonts registered as "regular" and
 * "bold" (regular selected) and returns its bytes.
 */
export function renderPdf(options: PdfOptions, draw: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const doc = new PDFDocument({
      size: "A4",
      margin: 56,
      // The initial font: without it pdfkit would load Helvetica, which cannot show most of what Haven prints.
      font: fontPath("regular"),
      info: {
        Title: options.title,
        ...(options.author ? { Author: options.author } : {}),
        ...(options.subject ? { Subject: options.subject } : {}),
        Creator: "Haven",
        Producer: "Haven (pdfkit)",
      },
      lang: "en",
      displayTitle: true,
    });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    try {
      doc.registerFont("regular", fontBytes("regular"));
      doc.registerFont("bold", fontBytes("bold"));
      doc.font("regular");
      draw(doc);
      doc.end();
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** The house colours of Haven's documents. */
export const PDF_COLORS = { ink: "#0f172a", muted: "#475569", rule: "#cbd5e1" } as const;

/** The text column of a page, a horizontal rule across it, and a "Label: value" line. */
export function pageLayout(doc: PDFKit.PDFDocument) {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  return {
    left,
    width,
    rule: () => {
      doc.moveDown(0.5);
      doc
        .moveTo(left, doc.y)
        .lineTo(left + width, doc.y)
        .strokeColor(PDF_COLORS.rule)
        .lineWidth(0.75)
        .stroke();
      doc.moveDown(0.7);
    },
    labelled: (label: string, value: string) => {
      doc
        .font("bold")
        .fontSize(10)
        .fillColor(PDF_COLORS.muted)
        .text(`${label}: `, left, doc.y, { continued: true });
      doc.font("regular").fillColor(PDF_COLORS.ink).text(value);
    },
  };
}
