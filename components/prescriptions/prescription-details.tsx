// One prescription as its patient and doctors read it: who signed it and when,
// every medicine in full, the verification code and the PDF.
import { Fragment } from "react";
import { ITEM_FIELDS, type PrescriptionView } from "@/lib/domain/prescriptions/schemas";
import { formatDateTime } from "@/lib/domain/scheduling/format";

/** A plain link (not next/link): the answer is a file to save, not a page. */
export const pdfHref = (prescriptionId: string) => `/api/prescriptions/${prescriptionId}/pdf`;

/** "Amoxicillin 500 mg, Ibuprofen 400 mg" */
export const itemsSummary = (prescription: PrescriptionView) =>
  prescription.items.map((item) => `${item.medicine} ${item.strength}`).join(", ");

export function PrescriptionDetails({
  prescription,
  timeZone,
}: {
  prescription: PrescriptionView;
  timeZone: string;
}) {
  return (
    <div className="space-y-6">
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-slate-600">Signed by</dt>
        <dd className="text-slate-900">{prescription.doctorName}</dd>
        <dt className="font-medium text-slate-600">Licence number</dt>
        <dd className="text-slate-900">{prescription.licenseNumber ?? "Not recorded"}</dd>
        <dt className="font-medium text-slate-600">Signed on</dt>
        <dd className="text-slate-900">{formatDateTime(prescription.signedAt, timeZone)}</dd>
        <dt className="font-medium text-slate-600">Verification code</dt>
        <dd className="font-mono text-slate-900" data-testid="verification-code">
          {prescription.verificationCode}
        </dd>
      </dl>
      <ol className="space-y-4">
        {prescription.items.map((item) => (
          <li key={item.position} className="rounded-md border border-slate-200 p-4">
            <h3 className="font-semibold text-brand-900">
              {item.position}. {item.medicine} {item.strength}, {item.form}
            </h3>
            <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
              {ITEM_FIELDS.filter((field) => field.name !== "medicine").map((field) => (
                <Fragment key={field.name}>
                  <dt className="text-slate-600">{field.label}</dt>
                  <dd className="text-slate-900">{item[field.name]}</dd>
                </Fragment>
              ))}
              <dt className="text-slate-600">Refills</dt>
              <dd className="text-slate-900">{item.refills}</dd>
              {item.instructions ? (
                <>
                  <dt className="text-slate-600">Instructions</dt>
                  <dd className="whitespace-pre-line text-slate-900">{item.instructions}</dd>
                </>
              ) : null}
            </dl>
          </li>
        ))}
      </ol>
      <p>
        <a
          href={pdfHref(prescription.id)}
          download
          className="inline-flex rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
        >
          Download PDF
        </a>
      </p>
    </div>
  );
}
