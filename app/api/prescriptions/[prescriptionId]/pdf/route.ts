import { z } from "zod";
import { requireApiActorForResource } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { prescriptionDocumentFor } from "@/lib/domain/prescriptions/queries";
import { renderPrescriptionPdf } from "@/lib/domain/prescriptions/render-prescription-pdf";
import { namedResource } from "@/lib/http/params";
import { attachmentResponse } from "@/lib/http/attachment";
import { route } from "@/lib/http/route";
import { runAsActor } from "@/lib/request-context";

export const dynamic = "force-dynamic";

/** The prescription as a PDF, for the patient and their treating doctors; a 404 (audited) for anyone else. */
export const GET = route<{ prescriptionId: string }>(async (_request, { params }) => {
  const actor = await requireApiActorForResource(
    "clinical:read",
    namedResource("Prescription", params.prescriptionId),
  );
  const parsed = z.uuid().safeParse(params.prescriptionId);
  // The request's context (id, address) as route() opened it, now with the actor.
  const pdf = await runAsActor({ kind: "user", userId: actor.userId, role: actor.role }, async () => {
    // What was typed in place of an id is not recorded: it could be anything.
    if (!parsed.success) return refuseAsNotFound("Prescription", "(not an id)");
    return renderPrescriptionPdf(await prescriptionDocumentFor(actor, parsed.data));
  });
  // No names in the file name.
  return attachmentResponse(pdf, "application/pdf", `prescription-${params.prescriptionId.slice(0, 8)}.pdf`);
});
