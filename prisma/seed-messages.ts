// Demo conversations: Maya Patel and Dr Okafor (a few messages after her check-up,
// the newest one unread by Maya), and Jonas Berg with Dr Lindqvist, so the inboxes
// in `npm run dev` show threads, unread counts and read marks. Idempotent.
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import { DEMO_EMAILS } from "./demo-accounts";

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

export async function seedDemoMessages(db: Db): Promise<void> {
  const idOf = async (email: string) =>
    (await db.user.findFirstOrThrow({ where: { email }, select: { id: true } })).id;
  const [okafor, lindqvist] = await Promise.all(DEMO_EMAILS.doctors.map(idOf));
  const [maya, jonas] = await Promise.all(DEMO_EMAILS.patients.slice(0, 2).map(idOf));
  const conversations = [
    {
      patientId: maya!,
      doctorId: okafor!,
      messages: [
        {
          from: maya!,
          minutesAgo: 3 * 1440,
          read: true,
          body: "Hello Dr Okafor, I picked up the levothyroxine. Should I take it before breakfast?",
        },
        {
          from: okafor!,
          minutesAgo: 3 * 1440 - 45,
          read: true,
          body: "Yes: 30 to 60 minutes before breakfast, with water only. Leave coffee until after.",
        },
        {
          from: maya!,
          minutesAgo: 2 * 1440,
          read: true,
          body: "Thanks! I uploaded my blood test results from the lab to my documents.",
        },
        {
          from: okafor!,
          minutesAgo: 90,
          read: false,
          body: "I have looked at them: TSH is improving. We will go through them at your visit this week. Guidance on thyroid tests: https://www.nhs.uk/conditions/thyroid-function-test/",
        },
      ],
    },
    {
      patientId: jonas!,
      doctorId: lindqvist!,
      messages: [
        {
          from: jonas!,
          minutesAgo: 1440,
          read: false,
          body: "Before my appointment: should I take a photo of the mole each week until then?",
        },
      ],
    },
  ];
  for (const conversation of conversations) {
    const pair = { patientId: conversation.patientId, doctorId: conversation.doctorId };
    if (await db.messageThread.findUnique({ where: { patientId_doctorId: pair }, select: { id: true } }))
      continue;
    const last = conversation.messages.at(-1)!;
    const thread = await db.messageThread.create({
      data: {
        ...pair,
        createdAt: minutesAgo(conversation.messages[0]!.minutesAgo + 1),
        lastMessageAt: minutesAgo(last.minutesAgo),
      },
      select: { id: true },
    });
    for (const message of conversation.messages) {
      const createdAt = minutesAgo(message.minutesAgo);
      await db.message.create({
        data: {
          id: randomUUID(),
          threadId: thread.id,
          patientId: conversation.patientId,
          senderId: message.from,
          body: message.body,
          createdAt,
          readAt: message.read ? new Date(createdAt.getTime() + 20 * 60_000) : null,
        },
        select: { id: true },
      });
    }
  }
}
