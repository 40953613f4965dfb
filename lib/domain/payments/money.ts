// Amounts are integers in a currency's minor unit (cents, paise; a yen has none).
// The exponent comes from the currency itself (ISO 4217, via Intl), never from a guess of 100.

/** Whether Intl knows the code as a currency (ISO 4217). */
export function isCurrency(code: string): boolean {
  try {
    return Intl.supportedValuesOf("currency").includes(code);
  } catch {
    return false;
  }
}

/** A minor-unit amount as a person types it: "45.00" for EUR, "5000" for JPY. */
export function formatMajorAmount(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  return (minor / 10 ** exponent).toFixed(exponent);
}

/** Digits after the decimal point of a currency: 2 for EUR and INR, 0 for JPY, 3 for KWD. */
export function currencyExponent(currency: string): number {
  return (
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** "€45.00", "₹600.00", "JP¥500" */
export function formatMoney(minor: number, currency: string): string {
  const exponent = currencyExponent(currency);
  return new Intl.NumberFormat("en-GB", {
    style: "currency",
    currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  }).format(minor / 10 ** exponent);
}

/** A decimal amount as a person types it ("12", "12.5", "12.50") to minor units; null when it is not one. */
export function parseMajorAmount(text: string, currency: string): number | null {
  const exponent = currencyExponent(currency);
  const match = /^(\d{1,9})(?:[.,](\d+))?$/.exec(text.trim());
  if (!match) return null;
  const [, whole = "0", fraction = ""] = match;
  if (fraction.length > exponent) return null;
  return Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, "0") || "0");
}
