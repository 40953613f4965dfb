import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { receiptOf } from "@/lib/domain/payments/queries";
import { renderReceiptPdf } from "@/lib/domain/payments/render-receipt-pdf";
import { isUuid, namedResource } from "@/lib/http/params";
import { attachmentResponse } from "@/lib/http/attachment";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The receipt of one of the patient's own completed payments, as a PDF; a 404 (audited) for anyone else. */
export const GET = route<{ paymentId: string }>(async (_request, { params }) => {
  const resource = namedResource("Payment", params.paymentId);
  const actor = await requireApiActorForResource("payments:own", resource);
  const receipt = await runAs(actor, () =>
    isUuid(params.paymentId)
      ? receiptOf(actor, params.paymentId)
      : refuseAsNotFound(resource.type, resource.id),
  );
  const pdf = await renderReceiptPdf(receipt);
  // No names in the file name.
  return attachmentResponse(pdf, "application/pdf", `receipt-${receipt.receiptNumber.slice(0, 8)}.pdf`);
});
