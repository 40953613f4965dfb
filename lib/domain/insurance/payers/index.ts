// Which payer adapter this clinic uses (INSURANCE_PAYER_ADAPTER). A clearinghouse (X12 270/271
// over its API) or a FHIR payer adapter is added here: it implements PayerAdapter and may reuse
// the X12 and FHIR mappers of this area.
import "server-only";
import { getEnv } from "@/lib/env";
import { SANDBOX_MEMBERS, sandboxPayerAdapter } from "@/lib/integrations/sandbox-payer/server";
import type { PayerAdapter } from "./types";

export type PayerAdapterName = "sandbox" | "off";

export function payerAdapterName(): PayerAdapterName {
  const env = getEnv();
  return env.INSURANCE_PAYER_ADAPTER ?? (env.NODE_ENV === "production" ? "off" : "sandbox");
}

/** The configured adapter, or null when the clinic offers no insurance checks. */
export function payerAdapter(): PayerAdapter | null {
  return payerAdapterName() === "sandbox" ? sandboxPayerAdapter : null;
}

/** The insurers a patient may choose from (empty when checks are off). */
export function offeredPayers(): readonly { id: string; name: string }[] {
  return payerAdapter()?.payers ?? [];
}

/** The sandbox's documented test member ids with what each answers (null outside the sandbox). */
export function sandboxTestMembers(): { memberId: string; answer: string }[] | null {
  if (payerAdapterName() !== "sandbox") return null;
  return Object.entries(SANDBOX_MEMBERS).map(([memberId, outcome]) => ({
    memberId,
    answer:
      outcome === "payer-error"
        ? "the insurer cannot answer now"
        : outcome === "timeout"
          ? "the insurer never answers (times out)"
          : outcome.status === "active"
            ? `active${outcome.copay ? ", with a copay" : ""}`
            : outcome.status === "inactive"
              ? "inactive"
              : "not found (so is any id not listed)",
  }));
}
