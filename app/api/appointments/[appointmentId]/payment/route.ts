import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { paymentStateForPolling } from "@/lib/domain/payments/queries";
import { isUuid, namedResource } from "@/lib/http/params";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * Where a paid visit stands (statuses only), for the visit page's poller while
 * the provider's webhook confirms it; the patient's own visits only, a 404 (audited) otherwise.
 */
export const GET = route<{ appointmentId: string }>(async (_request, { params }) => {
  const resource = namedResource("Appointment", params.appointmentId);
  const actor = await requireApiActorForResource("payments:own", resource);
  const state = await runAs(actor, () =>
    isUuid(params.appointmentId)
      ? paymentStateForPolling(actor, params.appointmentId)
      : refuseAsNotFound(resource.type, resource.id),
  );
  return Response.json(state, { headers: { "cache-control": "no-store" } });
});
