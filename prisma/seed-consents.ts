// Demo consents: every demo patient agreed to the current version of each consent when their
// account was made, and Jonas Weber once withdrew secure messaging and agreed again later, so the
// privacy page's history shows a withdrawal. Only for a patient with no consent rows: idempotent.
import type { Db } from "@/lib/db/client";
import { CONSENT_KINDS, currentGrantOf } from "@/lib/domain/consent/documents";
import { DEMO_EMAILS } from "./demo-accounts";

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

export async function seedDemoConsents(db: Db): Promise<void> {
  for (const [index, email] of DEMO_EMAILS.patients.entries()) {
    const { id } = await db.user.findFirstOrThrow({ where: { email }, select: { id: true } });
    if ((await db.consent.count({ where: { userId: id } })) > 0) continue;
    const withdrewMessaging = index === 1;
    await db.consent.createMany({
      data: [
        ...CONSENT_KINDS.map((kind) => ({
          userId: id,
          ...currentGrantOf(kind),
          acceptedAt: daysAgo(kind === "MESSAGING" && withdrewMessaging ? 20 : 60),
        })),
        ...(withdrewMessaging
          ? [
              {
                userId: id,
                ...currentGrantOf("MESSAGING"),
                acceptedAt: daysAgo(60),
                withdrawnAt: daysAgo(45),
              },
            ]
          : []),
      ],
    });
  }
}
