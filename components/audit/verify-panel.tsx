"use client";

// "Verify integrity": runs the audit chain's verification on the server and shows
// what it found (seals checked, the chain's head, the checkpoint, every problem
// with its sequence numbers).
import { useActionState } from "react";
import { Alert, Button } from "@/components/ui/form";
import type { IntegrityReport } from "@/lib/domain/audit-viewer/verify";
import { type FormState, INITIAL_FORM_STATE } from "@/lib/http/form-state";

export function VerifyPanel({
  action,
}: {
  action: (state: FormState, form: FormData) => Promise<FormState>;
}) {
  const [state, formAction, pending] = useActionState(action, INITIAL_FORM_STATE);
  const report = state.data?.report as IntegrityReport | undefined;
  return (
    <div className="space-y-4">
      <form action={formAction}>
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? "Verifying…" : "Verify integrity"}
        </Button>
      </form>
      {state.message ? <Alert tone={state.ok ? "success" : "error"}>{state.message}</Alert> : null}
      {report ? (
        <dl
          className="grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]"
          aria-label="Verification result"
        >
          <dt className="text-slate-600">Result</dt>
          <dd className="font-medium">
            {report.ok ? "Intact" : `Broken${report.brokenAt ? ` at seal ${report.brokenAt}` : ""}`}
          </dd>
          <dt className="text-slate-600">Rows checked</dt>
          <dd>
            {report.sealed} sealed ({report.legacy} from before the sealer); {report.unsealed} waiting to be
            sealed{report.overdue ? `, ${report.overdue} overdue` : ""}
          </dd>
          <dt className="text-slate-600">Sealed head</dt>
          <dd>
            {report.head
              ? `seal ${report.head.sealSequence} (${report.head.sealedAt})`
              : "nothing sealed yet"}
          </dd>
          <dt className="text-slate-600">Checkpoint</dt>
          <dd>
            {report.checkpoint
              ? `seal ${report.checkpoint.sealSequence} at ${report.checkpoint.at}: ${report.checkpoint.matched ? "matched" : "does NOT match"}`
              : "no signed checkpoint yet"}
          </dd>
          <dt className="text-slate-600">Checked</dt>
          <dd>
            {report.checkedAt} in {report.durationMs} ms
          </dd>
          {report.problems.length ? (
            <>
              <dt className="text-slate-600">Problems</dt>
              <dd>
                <ul className="list-disc space-y-1 pl-5">
                  {report.problems.map((problem) => (
                    <li key={problem}>{problem}</li>
                  ))}
                </ul>
              </dd>
            </>
          ) : null}
        </dl>
      ) : null}
    </div>
  );
}
