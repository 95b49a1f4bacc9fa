// Band and keyed lookups that also name the table row used, for the breakdown.
import { tableDecimal, type Dec } from './decimal';
import type { RateBand } from './table-schema';

export interface TableLookup {
  value: Dec;
  /** e.g. "driverAge[21-24]", "annualMileage.mi[12001,15001)", "usage[commute]". */
  row: string;
  /** The input lies below the first band (only possible for bands not starting at 0): priced on the first band. */
  belowFirstBand: boolean;
}

/** Discrete bands (ages, counts, days) read "21-24" / "75+"; continuous ones "[25000,35000)" / "[100000,∞)". */
function bandLabel(band: RateBand, discrete: boolean): string {
  const from = tableDecimal(band.from);
  if (band.to === null) return discrete ? `${from.toString()}+` : `[${from.toString()},∞)`;
  const to = tableDecimal(band.to);
  if (!discrete) return `[${from.toString()},${to.toString()})`;
  const last = to.minus(1);
  return last.equals(from) ? from.toString() : `${from.toString()}-${last.toString()}`;
}

/** Finds the band with from <= x < to. Validated bands tile [first.from, ∞), so only x < first.from misses. */
export function lookupBand(bands: readonly RateBand[], x: Dec, name: string, discrete: boolean): TableLookup {
  const first = bands[0]!;
  const found = bands.find(
    (band) =>
      x.greaterThanOrEqualTo(tableDecimal(band.from)) && (band.to === null || x.lessThan(tableDecimal(band.to))),
  );
  const band = found ?? first;
  const label = bandLabel(band, discrete);
  return {
    value: tableDecimal(band.value),
    row: discrete ? `${name}[${label}]` : `${name}${label}`,
    belowFirstBand: found === undefined,
  };
}

export function lookupKey(values: Record<string, string>, key: string, name: string): TableLookup | undefined {
  const value = Object.hasOwn(values, key) ? values[key] : undefined;
  return value === undefined
    ? undefined
    : { value: tableDecimal(value), row: `${name}[${key}]`, belowFirstBand: false };
}
