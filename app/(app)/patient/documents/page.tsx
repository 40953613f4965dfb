import type { Metadata } from "next";
import { DocumentList } from "@/components/documents/document-list";
import { UploadDocumentForm } from "@/components/documents/upload-document-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { documentsOfPatient } from "@/lib/domain/documents/queries";

export const metadata: Metadata = { title: "Documents" };

/** The patient's own documents: upload, scan status, download. */
export default async function PatientDocumentsPage() {
  const actor = await requireActor("health:manage-own");
  const [documents, timeZone] = await runAs(actor, () =>
    Promise.all([documentsOfPatient(actor, actor.userId), accountTimeZone(actor)]),
  );
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Documents</h1>
      <p className="text-sm text-slate-700">
        Lab results, letters and scans you want your doctors to see. Only you and the doctors you have a visit
        with can open them.
      </p>
      <Card title="Upload">
        <UploadDocumentForm patientId={actor.userId} />
      </Card>
      <Card title="Your documents">
        <DocumentList documents={documents} timeZone={timeZone} viewer="patient" />
      </Card>
    </>
  );
}
