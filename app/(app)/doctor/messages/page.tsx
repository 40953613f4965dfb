import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Inbox } from "@/components/messaging/inbox";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { inboxOf, messagingPartnersOf } from "@/lib/domain/messaging/queries";

export const metadata: Metadata = { title: "Messages" };

/** The doctor's conversations with their patients. */
export default async function DoctorMessagesPage() {
  const actor = await requireActor("messages:use");
  if (actor.role !== "DOCTOR") notFound();
  const [inbox, partners, timeZone] = await runAs(actor, () =>
    Promise.all([inboxOf(actor), messagingPartnersOf(actor), accountTimeZone(actor)]),
  );
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Messages</h1>
      <p className="text-sm text-slate-700">
        Secure messages with the patients you have a confirmed visit with.
      </p>
      <Inbox
        initial={inbox}
        partners={partners}
        basePath="/doctor/messages"
        timeZone={timeZone}
        viewer="doctor"
      />
    </>
  );
}
