import type { Metadata } from "next";
import { ThreadPage } from "@/components/messaging/thread-page";

export const metadata: Metadata = { title: "Conversation" };

/** One conversation of the doctor (anyone else's thread: 404). */
export default async function DoctorThreadPage({
  params,
  searchParams,
}: {
  params: Promise<{ threadId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ threadId }, { unsent }] = await Promise.all([params, searchParams]);
  return <ThreadPage portal="DOCTOR" threadId={threadId} unsent={unsent} />;
}
