// Insurance checks in the product tour: Maya Patel's coverage was verified active with the sandbox
// X12 insurer (Dr. Okafor's chart and the booking page show "Coverage active"), and Jonas Weber's
// plan with the sandbox FHIR insurer came back inactive. The answers are the sandbox's own.
// Idempotent: nothing is added once a demo patient has a check.
import type { Db } from "@/lib/db/client";
import { newReferenceNumber } from "@/lib/domain/insurance/verify-insurance";
import {
  SANDBOX_FHIR_PAYER,
  SANDBOX_MEMBERS,
  SANDBOX_X12_PAYER,
} from "@/lib/integrations/sandbox-payer/server";
import { runAsSystem } from "@/lib/request-context";
import { DEMO_EMAILS } from "./demo-accounts";

const DAY = 86_400_000;

export async function seedDemoInsurance(db: Db): Promise<void> {
  await runAsSystem("seed", async () => {
    const idOf = async (email: string) =>
      (await db.user.findFirstOrThrow({ where: { email }, select: { id: true } })).id;
    const [maya, jonas] = await Promise.all([idOf(DEMO_EMAILS.patients[0]), idOf(DEMO_EMAILS.patients[1])]);
    if ((await db.insuranceVerification.count({ where: { patientId: { in: [maya, jonas] } } })) > 0) return;

    const checks = [
      {
        patientId: maya,
        status: "ACTIVE" as const,
        payer: SANDBOX_X12_PAYER,
        memberId: "SBX-ACTIVE-1001",
        firstName: "Maya",
        lastName: "Patel",
        dateOfBirth: "1990-04-12",
        daysAgo: 3,
      },
      {
        patientId: jonas,
        status: "INACTIVE" as const,
        payer: SANDBOX_FHIR_PAYER,
        memberId: "SBX-INACTIVE-2002",
        firstName: "Jonas",
        lastName: "Weber",
        dateOfBirth: "1978-11-02",
        daysAgo: 6,
      },
    ];
    for (const check of checks) {
      const at = new Date(Date.now() - check.daysAgo * DAY);
      await db.insuranceVerification.create({
        data: {
          patientId: check.patientId,
          referenceNumber: newReferenceNumber(),
          status: check.status,
          consentGiven: true,
          request: JSON.stringify({
            payerId: check.payer.id,
            payerName: check.payer.name,
            memberId: check.memberId,
            subscriberFirstName: check.firstName,
            subscriberLastName: check.lastName,
            subscriberDateOfBirth: check.dateOfBirth,
          }),
          result: JSON.stringify(SANDBOX_MEMBERS[check.memberId]),
          createdAt: at,
          completedAt: at,
        },
      });
    }
  });
}
