// How much of a payment a cancellation gives back: pure, so the rule is read
// (and tested) in one place. The clinic sets the figures (REFUND_* in .env.example).

export interface CancellationRefundInput {
  capturedMinor: number;
  /** Already refunded or asked for: never given twice. */
  reservedMinor: number;
  startsAt: Date;
  now: Date;
  cancelledBy: "patient" | "doctor";
  fullBeforeHours: number;
  latePercent: number;
}

/** The refund a cancellation earns, in minor units (0: none). */
export function cancellationRefundMinor(input: CancellationRefundInput): number {
  const remaining = Math.max(0, input.capturedMinor - input.reservedMinor);
  if (remaining === 0) return 0;
  // A visit the clinic cancels, or one cancelled early enough, is refunded in full.
  const hoursBefore = (input.startsAt.getTime() - input.now.getTime()) / 3_600_000;
  if (input.cancelledBy === "doctor" || hoursBefore >= input.fullBeforeHours) return remaining;
  const share = Math.floor((input.capturedMinor * input.latePercent) / 100);
  return Math.min(remaining, Math.max(0, share - input.reservedMinor));
}

/** The policy in words, for the visit page and the settings page. */
export function describeRefundPolicy(fullBeforeHours: number, latePercent: number): string {
  const late =
    latePercent === 0 ? "no refund" : latePercent === 100 ? "a full refund" : `${latePercent}% back`;
  return `Cancel at least ${fullBeforeHours} hours before the visit for a full refund; later, ${late}. A visit the clinic cancels is always refunded in full.`;
}
