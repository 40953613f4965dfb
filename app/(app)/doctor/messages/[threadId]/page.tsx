import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ThreadView } from "@/components/messaging/thread-view";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { threadViewOf } from "@/lib/domain/messaging/queries";
import { SEND_FAILURES, type SendFailure } from "@/lib/domain/messaging/schemas";
import { Alert } from "@/components/ui/form";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";

export const metadata: Metadata = { title: "Conversation" };

/** One conversation of the doctor with a patient (anyone else's thread: 404). */
export default async function DoctorThreadPage({
  params,
  searchParams,
}: {
  params: Promise<{ threadId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireActor("messages:use");
  if (actor.role !== "DOCTOR") notFound();
  const threadId = pageIdOr404((await params).threadId);
  const [thread, timeZone] = await orNotFound(
    runAs(actor, () => Promise.all([threadViewOf(actor, threadId), accountTimeZone(actor)])),
  );
  const unsent = (await searchParams).unsent;
  const failure =
    typeof unsent === "string" && Object.hasOwn(SEND_FAILURES, unsent)
      ? SEND_FAILURES[unsent as SendFailure]
      : null;
  return (
    <>
      {failure ? <Alert tone="error">{failure}</Alert> : null}
      <p className="text-sm">
        <Link href="/doctor/messages" className="text-brand-700 underline">
          ← All messages
        </Link>
      </p>
      {/* A doctor's counterpart is the patient: attachments go into that patient's documents. */}
      <ThreadView
        initial={thread}
        basePath="/doctor/messages"
        patientId={thread.counterpart.id}
        timeZone={timeZone}
      />
    </>
  );
}
