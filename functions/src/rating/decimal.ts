// Exact decimal arithmetic for money and factors. Factors have at most 4 decimals and base rates
// at most 4, so a product of a dozen factors stays far below 100 significant digits: exact.
import Decimal from 'decimal.js';
import type { RateTable } from './table-schema';

export const Dec = Decimal.clone({ precision: 100, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -100, toExpPos: 100 });
export type Dec = InstanceType<typeof Dec>;

const ROUNDING_MODES: Record<RateTable['rounding']['mode'], Decimal.Rounding> = {
  HALF_UP: Decimal.ROUND_HALF_UP,
  HALF_EVEN: Decimal.ROUND_HALF_EVEN,
  HALF_DOWN: Decimal.ROUND_HALF_DOWN,
  UP: Decimal.ROUND_UP,
  DOWN: Decimal.ROUND_DOWN,
  CEILING: Decimal.ROUND_CEIL,
  FLOOR: Decimal.ROUND_FLOOR,
};

/** Entries kept by `tableDecimal`: far above the distinct numbers of any set of rate tables. */
const MAX_CACHED_DECIMALS = 10_000;
const parsed = new Map<string | number, Dec>();

/**
 * A rate-table number (or small integer) as a Decimal, parsed once per process: rating reads the
 * same few hundred table values for every car. Decimals are immutable, so sharing one is safe.
 */
export function tableDecimal(value: string | number): Dec {
  let decimal = parsed.get(value);
  if (decimal === undefined) {
    decimal = new Dec(value);
    if (parsed.size < MAX_CACHED_DECIMALS) parsed.set(value, decimal);
  }
  return decimal;
}

/** 10^digits: minor units per major unit. */
function minorScale(digits: number): Dec {
  return tableDecimal(10 ** digits);
}

/** The table's checkpoint rounding R¢: to `rounding.unit` with `rounding.mode`. */
export function roundMoney(value: Dec, table: RateTable): Dec {
  return value.toNearest(tableDecimal(table.rounding.unit), ROUNDING_MODES[table.rounding.mode]);
}

/** Major units -> integer minor units. Throws if the value is not a whole number of minor units. */
export function toMinor(value: Dec, table: RateTable): number {
  const minor = value.times(minorScale(table.minorUnitDigits));
  if (!minor.isInteger() || minor.abs().greaterThan(tableDecimal(Number.MAX_SAFE_INTEGER))) {
    throw new Error(`${value.toString()} ${table.currency} is not a whole number of minor units`);
  }
  return minor.toNumber();
}

export function fromMinor(minor: number, table: RateTable): Dec {
  return new Dec(minor).dividedBy(minorScale(table.minorUnitDigits));
}

/** Money as a decimal string with the currency's minor digits ("2392.31"). */
export function formatMoney(value: Dec, table: RateTable): string {
  return value.toFixed(table.minorUnitDigits);
}

/** A factor or exact product with at least 2 decimals ("1.00", "1.495", "1267.259175"). */
export function formatFactor(value: Dec): string {
  return value.toFixed(Math.max(2, value.decimalPlaces()));
}
