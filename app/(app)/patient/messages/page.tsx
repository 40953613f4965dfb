import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Inbox } from "@/components/messaging/inbox";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { inboxOf, messagingPartnersOf } from "@/lib/domain/messaging/queries";

export const metadata: Metadata = { title: "Messages" };

/** The patient's conversations with their doctors. */
export default async function PatientMessagesPage() {
  const actor = await requireActor("messages:use");
  if (actor.role !== "PATIENT") notFound();
  const [inbox, partners, timeZone] = await runAs(actor, () =>
    Promise.all([inboxOf(actor), messagingPartnersOf(actor), accountTimeZone(actor)]),
  );
  return (
    <>
      <h1 className="text-2xl font-bold text-brand-900">Messages</h1>
      <p className="text-sm text-slate-700">
        Secure messages with the doctors you have a visit with. They are not for emergencies: for anything
        urgent, call the clinic or your local emergency number.
      </p>
      <Inbox
        initial={inbox}
        partners={partners}
        basePath="/patient/messages"
        timeZone={timeZone}
        viewer="patient"
      />
    </>
  );
}
