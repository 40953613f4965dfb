import { type AuthenticatedActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { documentsOfPatient } from "@/lib/domain/documents/queries";
import { DocumentList } from "./document-list";
import { UploadDocumentForm } from "./upload-document-form";

/** The chart's documents: every file of the patient, and an upload into their record. */
export async function ChartDocuments({
  actor,
  patientId,
  readOnly = false,
}: {
  actor: AuthenticatedActor;
  patientId: string;
  /** Emergency (break-glass) access: documents are listed, none is added. */
  readOnly?: boolean;
}) {
  const [documents, timeZone] = await runAs(actor, () =>
    Promise.all([documentsOfPatient(actor, patientId), accountTimeZone(actor)]),
  );
  return (
    <section
      aria-labelledby="documents"
      className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
    >
      <h2 id="documents" className="mb-4 text-lg font-semibold text-brand-900">
        Documents
      </h2>
      <DocumentList documents={documents} timeZone={timeZone} viewer="doctor" />
      {readOnly ? null : (
        <div className="mt-6 border-t border-slate-100 pt-4">
          <UploadDocumentForm patientId={patientId} label="Add a document to this chart" />
        </div>
      )}
    </section>
  );
}
