import type { PaymentProvider } from "@/lib/db/generated/enums";
import { receiveWebhook } from "@/lib/domain/payments/receive-webhook";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

const PROVIDERS: Record<string, PaymentProvider> = { stripe: "STRIPE", razorpay: "RAZORPAY", test: "TEST" };
/** Provider events are a few kilobytes; anything far larger is not one. */
const MAX_BODY_BYTES = 512 * 1024;

/**
 * A provider's event: verified on the raw body exactly as sent (never parsed and
 * re-serialised first), stored by its event id, processed once. 200 for every
 * verified event, known or not (a provider retries anything else); 400 for a bad signature.
 */
export const POST = route<{ provider: string }>(
  async (request, { params }) => {
    const provider = PROVIDERS[params.provider];
    if (!provider) throw new AppError("NOT_FOUND", "Not found.");
    if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) {
      throw new AppError("PAYLOAD_TOO_LARGE", "Webhook body too large.");
    }
    const rawBody = await request.text();
    if (Buffer.byteLength(rawBody) > MAX_BODY_BYTES)
      throw new AppError("PAYLOAD_TOO_LARGE", "Webhook body too large.");
    const receipt = await receiveWebhook(provider, rawBody, request.headers);
    return Response.json(
      { received: true, outcome: receipt.outcome },
      { headers: { "cache-control": "no-store" } },
    );
  },
  // Providers deliver from many addresses at once; each request is signed and checked before any work.
  { rateLimited: false },
);
