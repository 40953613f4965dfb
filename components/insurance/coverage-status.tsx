import "server-only";
import { type AuthenticatedActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { latestCoverageStatus } from "@/lib/domain/insurance/queries";
import { COVERAGE_STATUS_LABEL } from "@/lib/domain/insurance/schemas";
import { formatDateTime } from "@/lib/domain/scheduling/format";

/**
 * The latest insurance check's status (never the member details): on the booking page for the
 * patient, in the chart for their doctors, on the account page for admins.
 */
export async function CoverageStatus({ actor, patientId }: { actor: AuthenticatedActor; patientId: string }) {
  const [status, timeZone] = await runAs(actor, () =>
    Promise.all([latestCoverageStatus(actor, patientId), accountTimeZone(actor)]),
  );
  if (!status) {
    return (
      <p className="text-sm text-slate-700" data-testid="coverage-status">
        Insurance: not checked yet.
      </p>
    );
  }
  return (
    <p className="text-sm text-slate-800" data-testid="coverage-status">
      Insurance: <strong>{COVERAGE_STATUS_LABEL[status.status]}</strong>, checked{" "}
      {formatDateTime(status.checkedAt, timeZone)} (reference {status.referenceNumber})
    </p>
  );
}
