// Explainable across table versions: every term of a lease that crosses a rate-table version change
// is recomputed here from the stored breakdown alone (its base rates, factors and their kinds, fee
// and minimum lines, the term's days), with the rounding of the table version the lines name and
// whose sha256 they carry.
import Decimal from 'decimal.js';
import { loadRateTableSet, rate, type BreakdownLine, type RatingResult, type RateTableSet } from '../../src/rating';
import { cleanDriver, euTableJson, usTableJson, workedExampleDriver, workedExampleRequest } from './fixtures';

const MODES: Record<string, Decimal.Rounding> = {
  HALF_UP: Decimal.ROUND_HALF_UP,
  HALF_EVEN: Decimal.ROUND_HALF_EVEN,
  HALF_DOWN: Decimal.ROUND_HALF_DOWN,
  UP: Decimal.ROUND_UP,
  DOWN: Decimal.ROUND_DOWN,
  CEILING: Decimal.ROUND_CEIL,
  FLOOR: Decimal.ROUND_FLOOR,
};
const D = Decimal.clone({ precision: 100 });

/** Recomputes term `n` (1-based) from its lines and the published table version they name; returns minor units. */
function recomputeTerm(result: RatingResult, n: number, tables: RateTableSet): number {
  const term = result.terms[n - 1]!;
  const mine = result.breakdown.filter((l) => l.term === n);
  const version = tables.versions.find((v) => v.table.version === term.tableVersion)!;
  // The lines name the version and carry its hash: a regulator checks the published table is that one.
  expect(
    new Set(mine.filter((l) => l.tableVersion !== undefined).map((l) => `${l.tableVersion}@${l.tableSha256}`)),
  ).toEqual(new Set([`${term.tableVersion}@${version.sha256}`]));
  expect(term.tableSha256).toBe(version.sha256);
  const { rounding, minorUnitDigits } = version.table;
  const round = (x: Decimal) => x.toNearest(rounding.unit, MODES[rounding.mode]);
  const amount = (l: BreakdownLine) => new D(l.value);
  let total = new D(0);
  for (const coverage of ['LIAB', 'COLL', 'COMP'] as const) {
    const lines = mine.filter((l) => l.coverage === coverage);
    const base = amount(lines.find((l) => l.step === 'baseRate')!);
    const factors = lines.filter((l) => l.step === 'factor');
    const reference = factors.filter((l) => l.kind === undefined).reduce((p, l) => p.times(l.value), base);
    const coefficient = factors.filter((l) => l.kind === 'coefficient').reduce((p, l) => p.times(l.value), new D(1));
    const surcharge = factors
      .filter((l) => l.kind === 'referenceSurcharge')
      .reduce((p, l) => p.plus(l.value), new D(0));
    const annual = round(reference.times(coefficient).plus(reference.times(surcharge)));
    expect(amount(lines.find((l) => l.step === 'coveragePremium')!).equals(annual)).toBe(true);
    total = total.plus(round(annual.times(term.days).dividedBy(term.yearDays)));
  }
  const sum = (step: string) => mine.filter((l) => l.step === step).reduce((s, l) => s.plus(amount(l)), new D(0));
  total = total.plus(sum('termMinimumPremiumAdjustment')).plus(sum('termPolicyFee')).plus(sum('termMinimumAdjustment'));
  expect(amount(mine.find((l) => l.step === 'termPremium')!).equals(total)).toBe(true);
  return total.times(10 ** minorUnitDigits).toNumber();
}

/* eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests reshape table JSON freely */
type TableJson = any;

function twoVersions(json: () => TableJson, change: (next: TableJson) => void): RateTableSet {
  const first = json();
  Object.assign(first, { version: '2025.07.0', effectiveFrom: '2000-01-01', effectiveTo: '2026-07-01' });
  const next = json();
  Object.assign(next, {
    version: '2026.07.0',
    effectiveFrom: '2026-07-01',
    effectiveTo: null,
    supersedes: '2025.07.0',
  });
  change(next);
  return loadRateTableSet([first, next]);
}

describe('every term recomputed from the breakdown alone', () => {
  it('a MERIT lease crossing a version with new base rates, fee and factor values', () => {
    const tables = twoVersions(usTableJson, (next) => {
      next.baseRates = { LIAB: '611.00', COLL: '402.50', COMP: '151.25' };
      next.fees.policyFee = '52.00';
      next.factors.territory.values.urban = '1.21';
    });
    const result = rate(workedExampleRequest({ drivers: [workedExampleDriver(), cleanDriver('co')] }), tables);
    expect(result.terms.map((t) => t.tableVersion)).toEqual(['2025.07.0', '2026.07.0']);
    const recomputed = result.terms.map((_, i) => recomputeTerm(result, i + 1, tables));
    expect(recomputed).toEqual(result.terms.map((t) => t.premiumMinor));
    expect(recomputed.reduce((a, b) => a + b, 0)).toBe(result.leaseTotalMinor);
  });

  it('a bonus-malus lease with novice surcharge and an A121-1-2 aggravation, crossing a version', () => {
    const tables = twoVersions(euTableJson, (next) => {
      next.baseRates = { LIAB: '455.00', COLL: '333.00', COMP: '127.00' };
      next.driverRecord.aggravations.byViolationCode.DUI = '1.25';
    });
    const novice = cleanDriver('d1', {
      licensedSince: '2024-01-10',
      priorInsurance: { periods: [{ from: '2024-01-10' }] },
      claims: [{ date: '2024-06-01', responsibility: 'partial', amountMinor: 250_000 }],
      violations: [{ date: '2024-06-01', points: 6, code: 'DUI' }],
    });
    const result = rate(
      workedExampleRequest({ vehicle: { ...workedExampleRequest().vehicle, currency: 'EUR' }, drivers: [novice] }),
      tables,
    );
    expect(result.breakdown.some((l) => l.kind === 'referenceSurcharge' && l.term === 2 && l.value === '1.25')).toBe(
      true,
    );
    expect(result.terms.map((_, i) => recomputeTerm(result, i + 1, tables))).toEqual(
      result.terms.map((t) => t.premiumMinor),
    );
  });
});
