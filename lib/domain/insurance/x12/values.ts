// Conversions between Haven's values and X12's data element types: dates (DT, CCYYMMDD),
// amounts (R, decimal dollars) and percentages (R, a fraction: 0.2 is 20 %). Decimal strings
// are shifted as text, never through floating point, so amounts stay exact. Not the typed-amount
// helpers of lib/domain/payments/money: X12's R type differs from what a person types (".75" is
// valid, "12,50" is not, and trailing fraction zeros are suppressed when writing).

import type { MoneyAmount } from "../payers/types";
import { X12SyntaxError, X12ValueError } from "./segments";

/** YYYY-MM-DD → CCYYMMDD; refuses anything that is not a calendar date. */
export function toX12Date(isoDate: string, described: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match || !isCalendarDate(match[1]!, match[2]!, match[3]!)) {
    throw new X12ValueError(`${described} must be a calendar date written YYYY-MM-DD.`);
  }
  return `${match[1]}${match[2]}${match[3]}`;
}

/** CCYYMMDD → YYYY-MM-DD; refuses anything that is not a calendar date. */
export function fromX12Date(x12Date: string, described: string): string {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(x12Date);
  if (!match || !isCalendarDate(match[1]!, match[2]!, match[3]!)) {
    throw new X12SyntaxError(`${described} must be a calendar date written CCYYMMDD.`);
  }
  return `${match[1]}-${match[2]}-${match[3]}`;
}

function isCalendarDate(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day)
  );
}

/** {amountMinor: 2550, currency: "USD"} → "25.5" (X12 suppresses trailing fraction zeros). */
export function toX12Amount(amount: MoneyAmount, described: string): string {
  if (amount.currency !== "USD") {
    throw new X12ValueError(`${described} must be in USD; X12 eligibility amounts are dollars.`);
  }
  if (!Number.isSafeInteger(amount.amountMinor) || amount.amountMinor < 0) {
    throw new X12ValueError(`${described} must be a whole, non-negative number of cents.`);
  }
  return shiftDecimalLeft(String(amount.amountMinor), 2);
}

/** "25.5" → {amountMinor: 2550, currency: "USD"}; refuses fractions of a cent and negatives. */
export function fromX12Amount(x12Amount: string, described: string): MoneyAmount {
  const cents = shiftDecimalRight(x12Amount, 2);
  if (cents === undefined) {
    throw new X12SyntaxError(`${described} must be a non-negative amount in whole cents.`);
  }
  return { amountMinor: Number(cents), currency: "USD" };
}

/** 20 (percent) → "0.2", the fraction EB08 carries. */
export function toX12Percent(percent: number, described: string): string {
  if (!Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new X12ValueError(`${described} must be a percentage from 0 to 100.`);
  }
  // String(12.5) is the shortest exact decimal form of the number; shifting it as text keeps
  // 12.5 → 0.125 instead of 0.12500000000000003.
  const decimal = String(percent);
  if (!/^\d+(\.\d+)?$/.test(decimal)) {
    throw new X12ValueError(`${described} must be a plain decimal percentage.`);
  }
  const fraction = shiftDecimalLeft(decimal.replace(".", ""), 2 + (decimal.split(".")[1]?.length ?? 0));
  return fraction.startsWith(".") ? `0${fraction}` : fraction;
}

/** "0.2" or ".2" (EB08) → 20 (percent). */
export function fromX12Percent(x12Percent: string, described: string): number {
  const percent = shiftDecimalRight(x12Percent, 2, { allowFraction: true });
  if (percent === undefined || Number(percent) > 100) {
    throw new X12SyntaxError(`${described} must be a fraction from 0 to 1 (0.2 means 20 %).`);
  }
  return Number(percent);
}

/** Digits "2550" with the point moved `places` left: "25.5"; "5" → "0.05"; "2500" → "25". */
function shiftDecimalLeft(digits: string, places: number): string {
  const padded = digits.padStart(places + 1, "0");
  const whole = padded.slice(0, padded.length - places).replace(/^0+(?=\d)/, "");
  const fraction = padded.slice(padded.length - places).replace(/0+$/, "");
  return fraction === "" ? whole : `${whole}.${fraction}`;
}

/**
 * A non-negative X12 decimal ("25.5", ".25", "25") with the point moved `places` right, as a
 * decimal string; undefined when it is not a decimal or, unless `allowFraction`, when digits
 * would remain after the point.
 */
function shiftDecimalRight(
  decimal: string,
  places: number,
  options: { allowFraction?: boolean } = {},
): string | undefined {
  const match = /^(\d*)(?:\.(\d*))?$/.exec(decimal);
  if (!match || (match[1] === "" && (match[2] ?? "") === "")) return undefined;
  const whole = match[1] ?? "";
  const fraction = (match[2] ?? "").padEnd(places, "0");
  const shiftedWhole = (whole + fraction.slice(0, places)).replace(/^0+(?=\d)/, "") || "0";
  const rest = fraction.slice(places).replace(/0+$/, "");
  if (rest !== "" && !options.allowFraction) return undefined;
  return rest === "" ? shiftedWhole : `${shiftedWhole}.${rest}`;
}
