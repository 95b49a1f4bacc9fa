// Money as the review API writes it: major units as a decimal string with 2 places ("1234.50"), and
// the stored form, whole minor units of the currency (ISO 4217 minor-unit digits, from ICU).
import Decimal from 'decimal.js';
import type { MoneyAmount } from '../coverage/review-resolution';

function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

export function amountOfMinor(minor: number, currency: string): MoneyAmount {
  const digits = minorDigits(currency);
  return { amount: new Decimal(minor).dividedBy(new Decimal(10).pow(digits)).toFixed(Math.max(2, digits)), currency };
}

/** undefined when the amount is not a whole number of the currency's minor units ("10.50" JPY). */
export function minorOfAmount({ amount, currency }: MoneyAmount): number | undefined {
  const minor = new Decimal(amount).times(new Decimal(10).pow(minorDigits(currency)));
  return minor.isInteger() && minor.lessThanOrEqualTo(Number.MAX_SAFE_INTEGER) ? minor.toNumber() : undefined;
}
