import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { Alert } from "@/components/ui/form";
import { runAs } from "@/lib/auth/current";
import { verifyPrescription } from "@/lib/domain/prescriptions/verify";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { AppError } from "@/lib/http/errors";
import { clientAddressKey } from "@/lib/security/client-ip";

export const metadata: Metadata = { title: "Prescription check", robots: { index: false } };

/** Public: confirms that a prescription with this code exists, who signed it and when; nothing of the patient. */
export default async function VerifyCodePage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  const clientKey = clientAddressKey(await headers());
  const result = await runAs(null, () => verifyPrescription(code, clientKey)).catch((error: unknown) => {
    if (AppError.is(error) && (error.code === "NOT_FOUND" || error.code === "RATE_LIMITED")) return error;
    throw error;
  });
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Prescription check</h1>
      {result instanceof Error ? (
        <Alert>{result.message}</Alert>
      ) : (
        <>
          <Alert tone="success">This prescription was issued through Haven and is authentic.</Alert>
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="font-medium text-slate-600">Signed by</dt>
            <dd className="text-slate-900">{result.doctorName}</dd>
            <dt className="font-medium text-slate-600">Licence number</dt>
            <dd className="text-slate-900">{result.licenseNumber ?? "Not recorded"}</dd>
            <dt className="font-medium text-slate-600">Clinic</dt>
            <dd className="text-slate-900">{result.clinicName}</dd>
            <dt className="font-medium text-slate-600">Signed on</dt>
            <dd className="text-slate-900">{formatDateTime(result.signedAt, result.doctorTimeZone)}</dd>
            <dt className="font-medium text-slate-600">Medicines</dt>
            <dd className="text-slate-900">{result.itemCount}</dd>
          </dl>
          <p className="text-sm text-slate-700">
            Compare these with the printed prescription. For the patient&apos;s privacy, the medicines and the
            patient are not shown here.
          </p>
        </>
      )}
      <p className="text-sm">
        <Link href="/verify" className="text-brand-700 underline">
          Check another code
        </Link>
      </p>
    </>
  );
}
