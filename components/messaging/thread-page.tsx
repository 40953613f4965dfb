// One conversation page, the same in both portals: the actor must belong to this
// portal (else 404) and to the thread (else the service's audited 404).
import Link from "next/link";
import { notFound } from "next/navigation";
import { Alert } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { CONSENT_SETTINGS_NAME, CONSENT_SETTINGS_PATH } from "@/lib/domain/consent/documents";
import { consentNoticeFor } from "@/lib/domain/consent/require-consent";
import { threadViewOf } from "@/lib/domain/messaging/queries";
import { MESSAGES_PATH, sendFailureMessage } from "@/lib/domain/messaging/schemas";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";
import { ThreadView } from "./thread-view";

export async function ThreadPage({
  portal,
  threadId: rawThreadId,
  unsent,
}: {
  portal: keyof typeof MESSAGES_PATH;
  threadId: string;
  /** A no-JavaScript send's refusal code (sendMessageFormAction). */
  unsent: unknown;
}) {
  const actor = await requireActor("messages:use");
  if (actor.role !== portal) notFound();
  const threadId = pageIdOr404(rawThreadId);
  const [thread, timeZone] = await orNotFound(
    runAs(actor, () => Promise.all([threadViewOf(actor, threadId), accountTimeZone(actor)])),
  );
  const failure = sendFailureMessage(unsent);
  const basePath = MESSAGES_PATH[portal];
  // Attachments go into the thread's patient's documents; messages need that patient's consent.
  const patientId = portal === "PATIENT" ? actor.userId : thread.counterpart.id;
  const consentMessage = await runAs(actor, () =>
    consentNoticeFor(patientId, "MESSAGING", portal === "PATIENT" ? "self" : "other"),
  );
  return (
    <>
      {failure ? <Alert tone="error">{failure}</Alert> : null}
      <p className="text-sm">
        <Link href={basePath} className="text-brand-700 underline">
          ← All messages
        </Link>
      </p>
      <ThreadView
        initial={thread}
        basePath={basePath}
        patientId={patientId}
        timeZone={timeZone}
        consentNotice={
          consentMessage
            ? {
                message: consentMessage,
                ...(portal === "PATIENT"
                  ? {
                      settings: {
                        href: CONSENT_SETTINGS_PATH,
                        label: `Turn secure messaging back on in ${CONSENT_SETTINGS_NAME}`,
                      },
                    }
                  : {}),
              }
            : null
        }
      />
    </>
  );
}
