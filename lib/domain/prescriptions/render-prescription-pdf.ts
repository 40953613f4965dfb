// The prescription as a PDF: clinic, prescriber and licence, patient and date of
// birth, the date signed, every item in full, and the code anyone can check at
// /verify/<code>. Names are printed as written, in any script the font covers.
import "server-only";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { getEnv } from "@/lib/env";
import { PDF_COLORS, pageLayout, renderPdf } from "@/lib/pdf/document";
import type { PrescriptionDocument } from "./queries";
import { ITEM_FIELDS } from "./schemas";
import { formatIsoDate } from "@/lib/domain/health-profile/dates";

const { ink: INK, muted: MUTED } = PDF_COLORS;

export const verificationUrl = (code: string) => new URL(`/verify/${code}`, getEnv().APP_URL).toString();

export function renderPrescriptionPdf({
  prescription,
  patient,
  doctorTimeZone,
}: PrescriptionDocument): Promise<Buffer> {
  const env = getEnv();
  return renderPdf(
    { title: "Prescription", author: prescription.doctorName, subject: env.CLINIC_NAME },
    (doc) => {
      const { rule, labelled } = pageLayout(doc);

      doc.font("bold").fontSize(18).fillColor(INK).text(env.CLINIC_NAME);
      if (env.CLINIC_ADDRESS) doc.font("regular").fontSize(10).fillColor(MUTED).text(env.CLINIC_ADDRESS);
      doc.moveDown(0.6);
      doc.font("bold").fontSize(14).fillColor(INK).text("Prescription");
      rule();

      labelled("Prescriber", prescription.doctorName);
      labelled("Licence number", prescription.licenseNumber ?? "not recorded");
      labelled("Signed", formatDateTime(prescription.signedAt, doctorTimeZone));
      doc.moveDown(0.5);
      labelled("Patient", patient.fullName);
      labelled("Date of birth", patient.dateOfBirth ? formatIsoDate(patient.dateOfBirth) : "not recorded");
      rule();

      for (const item of prescription.items) {
        doc
          .font("bold")
          .fontSize(12)
          .fillColor(INK)
          .text(`${item.position}. ${item.medicine} ${item.strength}, ${item.form}`);
        doc.moveDown(0.15);
        for (const field of ITEM_FIELDS) {
          if (field.name === "medicine") continue;
          labelled(field.label, item[field.name]);
        }
        labelled("Refills", String(item.refills));
        if (item.instructions) labelled("Instructions", item.instructions);
        doc.moveDown(0.6);
      }
      rule();

      doc.font("bold").fontSize(10).fillColor(MUTED).text("Verification code");
      doc
        .font("bold")
        .fontSize(16)
        .fillColor(INK)
        .text(prescription.verificationCode, { characterSpacing: 1 });
      const url = verificationUrl(prescription.verificationCode);
      doc
        .font("regular")
        .fontSize(10)
        .fillColor(MUTED)
        .text("Anyone can confirm that this prescription was issued, by whom and when, at:");
      doc.fillColor(INK).text(url, { link: url });
      doc.moveDown(0.3);
      doc.fillColor(MUTED).text("The check shows no patient information. Signed electronically in Haven.");
    },
  );
}
