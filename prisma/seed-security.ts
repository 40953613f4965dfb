// Security operations in the product tour: an emergency (break-glass) access by Dr. Okafor to
// Lucia Romero's chart two hours ago, awaiting an admin's review (the monitor raises its alert
// within seconds of `npm run dev` starting), and an incident being worked on.
import type { Db } from "@/lib/db/client";
import { recordAuditEvent } from "@/lib/db/client";
import { runAsActor, runAsSystem } from "@/lib/request-context";
import { DEMO_EMAILS } from "./demo-accounts";

const HOUR = 3_600_000;

export async function seedDemoSecurity(db: Db): Promise<void> {
  await runAsSystem("seed", async () => {
    const idOf = async (email: string) =>
      (await db.user.findFirstOrThrow({ where: { email }, select: { id: true } })).id;
    const [okafor, lucia, admin] = await Promise.all([
      idOf(DEMO_EMAILS.doctors[0]),
      idOf(DEMO_EMAILS.patients[2]),
      idOf(DEMO_EMAILS.admin),
    ]);
    if ((await db.breakGlassGrant.count({ where: { doctorId: okafor } })) === 0) {
      // Ended an hour ago: the tour shows the review, and no demo doctor reads a chart they do not treat.
      const grantedAt = new Date(Date.now() - 2 * HOUR);
      const grant = await db.breakGlassGrant.create({
        data: {
          doctorId: okafor,
          patientId: lucia,
          reason:
            "Covering the weekend on-call: the patient phoned with swelling of the lips after a new cream; checking allergies.",
          grantedAt,
          expiresAt: new Date(grantedAt.getTime() + HOUR),
        },
        select: { id: true },
      });
      await runAsActor({ kind: "user", userId: okafor, role: "DOCTOR" }, () =>
        recordAuditEvent({
          action: "break-glass.granted",
          resourceType: "BreakGlassGrant",
          resourceId: grant.id,
          subjectId: lucia,
          details: { patientId: lucia, hours: 1, seeded: true },
        }),
      );
    }
    if ((await db.incident.count()) === 0) {
      const discoveredAt = new Date(Date.now() - 26 * HOUR);
      await db.incident.create({
        data: {
          title: "Phishing email reported by the front desk",
          status: "CONTAINED",
          discoveredAt,
          openedById: admin,
          entries: {
            create: [
              { kind: "STATUS", text: "Incident opened.", authorId: admin, createdAt: discoveredAt },
              {
                kind: "ASSESSMENT",
                text: "One staff account entered its password on a fake sign-in page. The audit log shows no sign-in from a new address since.",
                authorId: admin,
                createdAt: new Date(discoveredAt.getTime() + HOUR),
              },
              {
                kind: "ACTION",
                text: "Password reset, sessions revoked, second factor re-enrolled. Sender blocked at the mail gateway.",
                authorId: admin,
                createdAt: new Date(discoveredAt.getTime() + 2 * HOUR),
              },
              {
                kind: "STATUS",
                text: "Status changed from Open to Contained.",
                authorId: admin,
                createdAt: new Date(discoveredAt.getTime() + 2 * HOUR),
              },
            ],
          },
        },
      });
    }
  });
}
