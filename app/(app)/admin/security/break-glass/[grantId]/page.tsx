import type { Metadata, Route } from "next";
import Link from "next/link";
import { DetailRow } from "@/components/admin/detail-row";
import { ActionForm } from "@/components/ui/action-form";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { reviewGrantAction } from "@/lib/domain/security/actions";
import { grantForReview } from "@/lib/domain/security/break-glass";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Emergency access review" };

const REVIEW_LABEL = { APPROPRIATE: "Appropriate", INAPPROPRIATE: "Not appropriate" } as const;

export default async function BreakGlassReviewPage({ params }: { params: Promise<{ grantId: string }> }) {
  const actor = await requireActor("security:manage");
  const grantId = pageIdOr404((await params).grantId);
  const [grant, timeZone] = await orNotFound(
    runAs(actor, () => Promise.all([grantForReview(grantId), accountTimeZone(actor)])),
  );
  const when = (at: Date) => formatDateTime(at, timeZone);
  return (
    <>
      <p className="text-sm">
        <Link href="/admin/security" className="text-brand-700 underline">
          Security
        </Link>
      </p>
      <h1 className="text-2xl font-bold text-brand-900">Emergency access by {grant.doctorName}</h1>
      <Card title="The access">
        <dl className="text-sm">
          <DetailRow label="Doctor">{grant.doctorName}</DetailRow>
          <DetailRow label="Patient (id)">
            <span className="font-mono text-xs">{grant.patientId}</span>
          </DetailRow>
          <DetailRow label="Granted">{when(grant.grantedAt)}</DetailRow>
          <DetailRow label="Until">{when(grant.expiresAt)}</DetailRow>
          <DetailRow label="Reason given">
            <span className="whitespace-pre-wrap">{grant.reason}</span>
          </DetailRow>
        </dl>
        <p className="mt-4 text-sm">
          <Link
            href={`/admin/audit?actor=${grant.doctorId}&subject=${grant.patientId}` as Route}
            className="text-brand-700 underline"
          >
            What the doctor read in this patient&apos;s record (audit log)
          </Link>
        </p>
      </Card>
      <Card title="Review">
        {grant.reviewedAt && grant.review ? (
          <dl className="text-sm">
            <DetailRow label="Finding">{REVIEW_LABEL[grant.review]}</DetailRow>
            <DetailRow label="Reviewed">{when(grant.reviewedAt)}</DetailRow>
            <DetailRow label="Note">
              <span className="whitespace-pre-wrap">{grant.reviewNote}</span>
            </DetailRow>
          </dl>
        ) : (
          <ActionForm
            action={reviewGrantAction}
            hidden={{ grantId: grant.id }}
            submitLabel="Close the review"
            fields={[
              {
                name: "review",
                label: "Was the access appropriate?",
                kind: "select",
                options: [
                  { value: "", label: "Choose…" },
                  { value: "APPROPRIATE", label: REVIEW_LABEL.APPROPRIATE },
                  { value: "INAPPROPRIATE", label: REVIEW_LABEL.INAPPROPRIATE },
                ],
              },
              {
                name: "reviewNote",
                label: "What you checked",
                kind: "textarea",
                hint: "For example: confirmed with the on-call doctor; the patient arrived at the emergency desk.",
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
