// A visit whose hold ended (or that was cancelled while held) closes its open
// checkouts: the payment is marked expired and the provider asked to stop
// taking it. Should a payment still arrive, it is refunded (apply-event.ts).
import "server-only";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { describeError, logger } from "@/lib/logger";
import { runAsSystem } from "@/lib/request-context";
import { gatewayOrNull } from "./providers";

export async function expireOpenPayments(appointmentId: string): Promise<void> {
  await runAsSystem("payments.expire", async () => {
    const open = await getDb().payment.findMany({
      where: { appointmentId, status: "OPEN", appointment: { status: { in: ["EXPIRED", "CANCELLED"] } } },
      select: { id: true, provider: true, checkoutId: true },
    });
    for (const payment of open) {
      const expired = await transaction(async () => {
        const { count } = await getDb().payment.updateMany({
          where: { id: payment.id, status: "OPEN" },
          data: { status: "EXPIRED" },
        });
        if (count === 0) return false;
        await recordAuditEvent({
          action: "payment.expired",
          resourceType: "Payment",
          resourceId: payment.id,
          details: { provider: payment.provider, cause: "hold-ended" },
        });
        return true;
      });
      if (!expired) continue;
      if (!payment.checkoutId) continue;
      try {
        await gatewayOrNull(payment.provider)?.expireCheckout(payment.checkoutId);
      } catch (error) {
        logger.warn("could not expire a checkout at its provider", {
          provider: payment.provider,
          ...describeError(error),
        });
      }
    }
  });
}
