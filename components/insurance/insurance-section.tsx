import "server-only";
import { Card } from "@/components/ui/form";
import { type AuthenticatedActor, runAs } from "@/lib/auth/current";
import { offeredPayers, sandboxTestMembers } from "@/lib/domain/insurance/payers";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { ownVerifications } from "@/lib/domain/insurance/queries";
import { InsuranceCheckForm } from "./insurance-check-form";
import { VerificationResult } from "./verification-result";

/** The patient's insurance: the check form, the sandbox's test ids, and the latest checks. */
export async function InsuranceSection({
  actor,
  history = 5,
}: {
  actor: AuthenticatedActor;
  /** How many earlier checks to list (0: only the form). */
  history?: number;
}) {
  const payers = offeredPayers();
  if (payers.length === 0) {
    return (
      <Card title="Insurance">
        <p className="text-sm text-slate-700">
          This clinic does not check insurance online. Bring your insurance card to your visit or ask the
          front desk.
        </p>
      </Card>
    );
  }
  const [checks, timeZone] = await runAs(actor, () =>
    Promise.all([history > 0 ? ownVerifications(actor, history) : [], accountTimeZone(actor)]),
  );
  const testMembers = sandboxTestMembers();
  return (
    <>
      <Card title="Check your coverage">
        <p className="mb-4 text-sm text-slate-700">
          Enter the details on your insurance card. They are encrypted in this browser before they are sent,
          go only to the insurer you choose, and are kept encrypted. Your doctors see whether your coverage is
          active, never your member id.
        </p>
        {testMembers ? (
          <details className="mb-4 text-sm text-slate-700">
            <summary className="cursor-pointer font-medium">
              This clinic uses the sandbox insurers (test data)
            </summary>
            <ul className="mt-2 list-disc pl-5">
              {testMembers.map((member) => (
                <li key={member.memberId}>
                  <code>{member.memberId}</code>: {member.answer}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        <InsuranceCheckForm payers={payers} timeZone={timeZone} />
      </Card>
      {history > 0 ? (
        <Card title="Your recent checks">
          {checks.length === 0 ? (
            <p className="text-sm text-slate-700">No checks yet.</p>
          ) : (
            <ul className="space-y-3" aria-label="Recent insurance checks">
              {checks.map((check) => (
                <li key={check.referenceNumber}>
                  <VerificationResult check={check} timeZone={timeZone} />
                </li>
              ))}
            </ul>
          )}
        </Card>
      ) : null}
    </>
  );
}
