// The browser's side of an insurance check: open a session, encrypt the details to its public
// key, send them once, and destroy the session whatever happened.
import { request } from "@/components/http/api-client";
import { sealPayload } from "@/lib/domain/insurance/envelope";
import type {
  InsuranceDetails,
  VerificationSessionView,
  VerificationView,
} from "@/lib/domain/insurance/schemas";

export async function checkInsurance(details: InsuranceDetails): Promise<VerificationView> {
  const sentAt = Date.now();
  const session = await request<VerificationSessionView>("/api/insurance/init-session", {
    method: "POST",
    json: {},
  });
  try {
    // The server's clock, not this device's: a wrong device clock must not make the payload stale.
    const skew = session.serverTime - Math.round((sentAt + Date.now()) / 2);
    const timestamp = Date.now() + skew;
    const encryptedPayload = await sealPayload(
      session.publicKey,
      session.sessionId,
      timestamp,
      JSON.stringify(details),
    );
    return await request<VerificationView>("/api/insurance/verify", {
      method: "POST",
      headers: { "x-session-id": session.sessionId },
      json: { sessionId: session.sessionId, encryptedPayload, timestamp, patientConsent: true },
    });
  } finally {
    // The keys go now, not at expiry; a failure here is harmless (the expiry job follows).
    void request<void>("/api/insurance/cleanup-session", {
      method: "POST",
      headers: { "x-session-id": session.sessionId },
      keepalive: true,
    }).catch(() => undefined);
  }
}
