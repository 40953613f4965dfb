// Patients' data-rights requests in the product tour: Maya Patel asks Dr. Okafor to correct her
// prescription (waiting for his answer: his corrections inbox and the admins' queue are not empty),
// Jonas Weber's correction of his profile was answered, and Lucia Romero's export was delivered and
// her erasure request is paused by a legal hold (a complaint under review).
// Idempotent: nothing is added once a demo patient has a request.
import type { Db } from "@/lib/db/client";
import { dueDateOf } from "@/lib/domain/patient-rights/requests";
import { runAsSystem } from "@/lib/request-context";
import { DEMO_EMAILS } from "./demo-accounts";

const DAY = 86_400_000;

export async function seedDemoRights(db: Db): Promise<void> {
  await runAsSystem("seed", async () => {
    const idOf = async (email: string) =>
      (await db.user.findFirstOrThrow({ where: { email }, select: { id: true } })).id;
    const [okafor, maya, jonas, lucia] = await Promise.all([
      idOf(DEMO_EMAILS.doctors[0]),
      idOf(DEMO_EMAILS.patients[0]),
      idOf(DEMO_EMAILS.patients[1]),
      idOf(DEMO_EMAILS.patients[2]),
    ]);
    if ((await db.dataRequest.count({ where: { patientId: { in: [maya, jonas, lucia] } } })) > 0) return;

    const request = async (input: {
      patientId: string;
      kind: "EXPORT" | "CORRECTION";
      daysAgo: number;
      targetType?: "profile" | "prescription";
      targetId?: string | null;
      details?: string;
      assigneeId?: string;
      answer?: { status: "COMPLETED"; step: string; actorId: string; resolution?: string; afterDays: number };
      outcome?: Record<string, number>;
    }) => {
      const receivedAt = new Date(Date.now() - input.daysAgo * DAY);
      const completedAt = input.answer ? new Date(receivedAt.getTime() + input.answer.afterDays * DAY) : null;
      const { id } = await db.dataRequest.create({
        data: {
          patientId: input.patientId,
          kind: input.kind,
          status: input.answer?.status ?? "RECEIVED",
          receivedAt,
          dueAt: dueDateOf(receivedAt),
          completedAt,
          targetType: input.targetType ?? null,
          targetId: input.targetId ?? null,
          details: input.details ?? null,
          resolution: input.answer?.resolution ?? null,
          assigneeId: input.assigneeId ?? null,
          ...(input.outcome ? { outcome: input.outcome } : {}),
        },
        select: { id: true },
      });
      await db.dataRequestEvent.create({
        data: {
          requestId: id,
          actorId: input.patientId,
          step: "received",
          toStatus: "RECEIVED",
          at: receivedAt,
        },
      });
      if (input.answer && completedAt) {
        await db.dataRequestEvent.create({
          data: {
            requestId: id,
            actorId: input.answer.actorId,
            step: input.answer.step,
            toStatus: input.answer.status,
            at: completedAt,
          },
        });
      }
    };

    const prescription = await db.prescription.findFirst({
      where: { patientId: maya, doctorId: okafor },
      select: { id: true },
      orderBy: { signedAt: "desc" },
    });
    await request({
      patientId: maya,
      kind: "CORRECTION",
      daysAgo: 25,
      targetType: prescription ? "prescription" : "profile",
      targetId: prescription?.id ?? null,
      details:
        "The prescription says levothyroxine 75 micrograms, but at the visit we agreed to stay on 50 micrograms.",
      assigneeId: okafor,
    });
    await request({
      patientId: jonas,
      kind: "CORRECTION",
      daysAgo: 20,
      targetType: "profile",
      details: "My allergies say 'None known', but ibuprofen gives me a rash. Please add it.",
      assigneeId: okafor,
      answer: {
        status: "COMPLETED",
        step: "corrected by the doctor",
        actorId: okafor,
        resolution: "Added the ibuprofen intolerance (rash) to your record and to my notes.",
        afterDays: 6,
      },
    });
    const admin = await idOf(DEMO_EMAILS.admin);
    const holdPlacedAt = new Date(Date.now() - 12 * DAY);
    await db.legalHold.create({
      data: {
        patientId: lucia,
        reason:
          "Complaint about a missed follow-up under review by the clinic's insurer; keep the record intact.",
        placedById: admin,
        placedAt: holdPlacedAt,
      },
    });
    const erasureReceived = new Date(Date.now() - 5 * DAY);
    const erasure = await db.dataRequest.create({
      data: {
        patientId: lucia,
        kind: "ERASURE",
        status: "ON_HOLD",
        receivedAt: erasureReceived,
        dueAt: dueDateOf(erasureReceived),
      },
      select: { id: true },
    });
    await db.dataRequestEvent.createMany({
      data: [
        {
          requestId: erasure.id,
          actorId: lucia,
          step: "received",
          toStatus: "RECEIVED",
          at: erasureReceived,
        },
        {
          requestId: erasure.id,
          actorId: null,
          step: "paused by a legal hold",
          toStatus: "ON_HOLD",
          at: new Date(erasureReceived.getTime() + 1_000),
        },
      ],
    });
    await request({
      patientId: lucia,
      kind: "EXPORT",
      daysAgo: 3,
      answer: { status: "COMPLETED", step: "export delivered", actorId: lucia, afterDays: 0.001 },
      outcome: { appointments: 1, documents: 0, messages: 0 },
    });
  });
}
