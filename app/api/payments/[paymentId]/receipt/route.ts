import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { receiptOf } from "@/lib/domain/payments/queries";
import { renderReceiptPdf } from "@/lib/domain/payments/render-receipt-pdf";
import { isUuid, namedResource } from "@/lib/http/params";
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
  // No names in the file name: it shows in download bars and lands in shared folders.
  const fileName = `receipt-${receipt.receiptNumber.slice(0, 8)}.pdf`;
  return new Response(new Uint8Array(pdf), {
    headers: {
      "content-type": "application/pdf",
      "content-disposition": `attachment; filename="${fileName}"`,
      "content-length": String(pdf.length),
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    },
  });
});
