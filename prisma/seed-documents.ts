// A demo document: a one-page PDF "lab report" in Maya Patel's record, uploaded
// through the real service (encrypted, stored, scanned when a clamd is
// configured, else labelled "not scanned"), so the patient's documents page and
// the chart show a file in `npm run dev`. Idempotent.
import type { AuthenticatedActor } from "@/lib/auth/current";
import type { Db } from "@/lib/db/client";
import { uploadDocument } from "@/lib/domain/documents/upload-document";
import { demoPdf } from "./demo-pdf";
import { DEMO_EMAILS } from "./demo-accounts";

export async function seedDemoDocuments(db: Db): Promise<void> {
  const patient = await db.user.findFirst({
    where: { email: DEMO_EMAILS.patients[0] },
    select: { id: true },
  });
  if (!patient) return;
  if ((await db.document.count({ where: { patientId: patient.id } })) > 0) return;
  const actor: AuthenticatedActor = {
    userId: patient.id,
    role: "PATIENT",
    sessionId: "seed",
    idleExpiresAt: new Date(Date.now() + 60_000),
  };
  await uploadDocument(actor, {
    patientId: patient.id,
    fileName: "Blood test results (demo).pdf",
    bytes: demoPdf([
      "Haven demo laboratory - blood test results",
      "Haemoglobin 13.8 g/dL (reference 12.0-15.5)",
      "Fasting glucose 5.1 mmol/L (reference 3.9-5.5)",
      "This is demonstration data, not a real result.",
    ]),
  });
}
