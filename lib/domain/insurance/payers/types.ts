// The one interface between Haven and a payer (an insurer, a clearinghouse or a FHIR
// endpoint). Adapters translate these shapes to and from X12 270/271 or FHIR R4; the rest
// of the insurance area never sees a wire format.

/** What Haven asks a payer: is this subscriber covered on this date, and on what terms? */
export interface EligibilityRequest {
  /** Haven's reference number for this check: X12 TRN02, the FHIR request's identifier. */
  traceNumber: string;
  /** The payer as the clinic knows it: X12 NM1*PR (NM109 with qualifier PI), FHIR `insurer`. */
  payer: { id: string; name: string };
  /** The clinic asking (the information receiver): X12 NM1*1P with NPI (XX), FHIR `provider`. */
  provider: { npi: string; name: string };
  subscriber: {
    memberId: string;
    groupNumber?: string;
    firstName: string;
    lastName: string;
    /** YYYY-MM-DD */
    dateOfBirth: string;
  };
  /** The date the coverage is asked for, YYYY-MM-DD (X12 DTP*291, FHIR `servicedDate`). */
  serviceDate: string;
}

/** A fixed amount in the currency's minor unit (cents), like every amount in Haven. */
export interface MoneyAmount {
  amountMinor: number;
  currency: string;
}

export type EligibilityResult =
  | {
      status: "active";
      planName?: string;
      groupNumber?: string;
      /** YYYY-MM-DD */
      coverageStart?: string;
      /** YYYY-MM-DD */
      coverageEnd?: string;
      /** Co-payment for an office/telehealth visit, when the payer states one. */
      copay?: MoneyAmount;
      /** The patient's share after the deductible, in percent (20 means 20 %). */
      coinsurancePercent?: number;
    }
  | {
      status: "inactive";
      planName?: string;
      /** YYYY-MM-DD */
      coverageEnd?: string;
    }
  | {
      /** The payer does not know this subscriber (X12 AAA 72/73/75, FHIR error). */
      status: "not_found";
      /** Why, in words a patient can act on (no member details). */
      reason: string;
    };

export type PayerFailureKind = "timeout" | "unavailable" | "rejected";

/**
 * The payer could not answer. `timeout` and `unavailable` are retryable (try again in a few
 * minutes); `rejected` means the request itself was refused (for example a malformed 270).
 * The message is safe to show: it never carries member details.
 */
export class PayerError extends Error {
  override name = "PayerError";
  constructor(
    readonly kind: PayerFailureKind,
    message: string,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.kind !== "rejected";
  }
}

export interface PayerAdapter {
  /** The payers this adapter reaches, as offered to patients. */
  readonly payers: readonly { id: string; name: string }[];
  /** Asks the payer; rejects with PayerError on a timeout or a payer failure. Honours `signal`. */
  checkEligibility(request: EligibilityRequest, signal: AbortSignal): Promise<EligibilityResult>;
}
