// Lease terms (≤ 12 months, anchored on the transfer date), pro-rata by actual days including
// 29 February, the table's rounding mode at each checkpoint, and the minimum-premium lines.
import { builtInRateTableSet, loadRateTableSet, rate } from '../../src/rating';
import { parseIsoDate, type CalendarDate } from '../../src/rating/dates';
import { splitTerms } from '../../src/rating/terms';
import { cleanDriver, lines, usTableJson, workedExampleRequest } from './fixtures';

const d = (iso: string): CalendarDate => parseIsoDate(iso)!;
const tables = builtInRateTableSet('us-illustrative');

describe('splitTerms', () => {
  it('cuts [transfer, end) into anniversary terms; the last one is short', () => {
    expect(splitTerms(d('2025-07-15'), d('2027-02-28'), 50).map((t) => [t.days, t.yearDays])).toEqual([
      [365, 365],
      [228, 365],
    ]);
  });

  it('anchors a 29 February transfer on the anchor, not on the previous term (back to 29 February in 2032)', () => {
    const terms = splitTerms(d('2028-02-29'), d('2033-01-01'), 50);
    expect(terms.map((t) => [t.start, t.end, t.days, t.yearDays])).toEqual([
      [d('2028-02-29'), d('2029-02-28'), 365, 365],
      [d('2029-02-28'), d('2030-02-28'), 365, 365],
      [d('2030-02-28'), d('2031-02-28'), 365, 365],
      [d('2031-02-28'), d('2032-02-29'), 366, 366],
      [d('2032-02-29'), d('2033-01-01'), 307, 365],
    ]);
  });

  it('has no term when the transfer is at the end, and refuses an absurd lease', () => {
    expect(splitTerms(d('2025-01-01'), d('2025-01-01'), 50)).toEqual([]);
    expect(() => splitTerms(d('2025-01-01'), d('2099-01-01'), 50)).toThrow(
      'lease.endDate: the lease needs more than 50 policy terms',
    );
  });

  it('covers every day of the lease exactly once', () => {
    const terms = splitTerms(d('2024-02-29'), d('2030-06-30'), 50);
    expect(terms.reduce((sum, t) => sum + t.days, 0)).toBe(2313);
    terms.slice(1).forEach((t, i) => expect(t.start).toEqual(terms[i]!.end));
  });
});

describe('pro-rata over leap years', () => {
  it('a full 366-day term (2027-07-15 -> 2028-07-15) equals the annual premium exactly', () => {
    const result = rate(
      workedExampleRequest({
        transferDate: '2027-07-15',
        lease: { startDate: '2027-01-01', endDate: '2028-07-15', annualMileageKm: 24_140, usage: 'commute' },
      }),
      tables,
    );
    expect(result.terms).toHaveLength(1);
    expect(result.terms[0]).toMatchObject({ days: 366, yearDays: 366 });
    expect(result.terms[0]!.premiumMinor).toBe(result.annualPremiumMinor);
    expect(result.leaseTotalMinor).toBe(result.annualPremiumMinor);
  });

  it('a part term over 29 February divides by 366: 183/366 of each line', () => {
    const result = rate(
      workedExampleRequest({
        transferDate: '2027-07-15',
        lease: { startDate: '2027-01-01', endDate: '2028-01-14', annualMileageKm: 24_140, usage: 'commute' },
      }),
      tables,
    );
    expect(result.terms[0]).toMatchObject({ days: 183, yearDays: 366 });
    // Each coverage line is exactly half its annual amount (183/366), rounded half-up; the fee is not prorated.
    const annual = Object.fromEntries(lines(result, 'coveragePremium').map((l) => [l.coverage, l.amountMinor!]));
    for (const line of lines(result, 'termCoverage'))
      expect(line.amountMinor).toBe(Math.floor((annual[line.coverage!]! + 1) / 2));
  });

  it('ACTUAL_365F divides by 365 even in a leap year (a table option)', () => {
    const json = usTableJson();
    json.proration.basis = 'ACTUAL_365F';
    const result = rate(
      workedExampleRequest({
        transferDate: '2027-07-15',
        lease: { startDate: '2027-01-01', endDate: '2028-07-15', annualMileageKm: 24_140, usage: 'commute' },
      }),
      loadRateTableSet([json]),
    );
    expect(result.terms[0]).toMatchObject({ days: 366, yearDays: 365 });
    expect(result.terms[0]!.premiumMinor).toBeGreaterThan(result.annualPremiumMinor);
  });
});

/** A table where the clean driver's every factor is 1.00 except territory (0.50), so P_LIAB = base × 0.5 exactly. */
function neutralTable(liabBase: string, mode: string, unit = '0.01') {
  const json = usTableJson();
  json.baseRates.LIAB = liabBase;
  json.factors.territory.values.suburban = '0.50';
  json.rounding = { mode, unit };
  return loadRateTableSet([json]);
}
const neutralRequest = (endDate = '2027-01-01') =>
  workedExampleRequest({
    transferDate: '2027-07-15',
    drivers: [cleanDriver('d1')],
    lease: { startDate: '2027-01-01', endDate, annualMileageKm: 17_000, usage: 'commute' },
    coverage: { collDeductible: '500' },
  });

describe('rounding at the coverage checkpoint, by the table mode', () => {
  it.each([
    ['HALF_UP', '100.01', 5001],
    ['HALF_EVEN', '100.01', 5000],
    ['HALF_EVEN', '100.03', 5002],
    ['HALF_DOWN', '100.01', 5000],
    ['UP', '100.01', 5001],
    ['DOWN', '100.01', 5000],
    ['CEILING', '100.01', 5001],
    ['FLOOR', '100.01', 5000],
  ])('%s: %s × 0.50 = x.xx5 -> %i minor', (mode, base, expected) => {
    const result = rate(neutralRequest('2028-07-15'), neutralTable(base, mode));
    expect(lines(result, 'coveragePremium').find((l) => l.coverage === 'LIAB')!.amountMinor).toBe(expected);
  });

  it('rounds to whole units when the table says unit "1": 101.00 × 0.50 = 50.50 -> 51 (HALF_UP) / 50 (HALF_EVEN)', () => {
    const up = rate(neutralRequest('2028-07-15'), neutralTable('101.00', 'HALF_UP', '1'));
    const even = rate(neutralRequest('2028-07-15'), neutralTable('101.00', 'HALF_EVEN', '1'));
    expect(lines(up, 'coveragePremium').find((l) => l.coverage === 'LIAB')!.amountMinor).toBe(5100);
    expect(lines(even, 'coveragePremium').find((l) => l.coverage === 'LIAB')!.amountMinor).toBe(5000);
  });

  it('rounds each prorated line: 2.01 × 183/366 = 1.005 -> 1.01 (HALF_UP) / 1.00 (HALF_EVEN)', () => {
    const term = (mode: string) =>
      lines(rate(neutralRequest('2028-01-14'), neutralTable('4.02', mode)), 'termCoverage').find(
        (l) => l.coverage === 'LIAB',
      )!.amountMinor;
    expect(term('HALF_UP')).toBe(101);
    expect(term('HALF_EVEN')).toBe(100);
  });

  it('never rounds a factor product: the running value keeps every digit', () => {
    const result = rate(workedExampleRequest(), tables);
    expect(
      result.breakdown.filter((l) => l.step === 'factor' && l.coverage === 'COLL' && l.term === 1).at(-1)!.running,
    ).toBe('855.69238755');
  });
});

describe('minimum premiums', () => {
  it('a risk under the annual minimum gets an explicit MIN_ADJ line, and the lines still sum to the total', () => {
    const json = usTableJson();
    json.minimumPremium.annual = '5000.00';
    const result = rate(workedExampleRequest({ drivers: [cleanDriver('d1')] }), loadRateTableSet([json]));
    const adj = lines(result, 'minimumPremiumAdjustment');
    expect(adj).toHaveLength(1);
    expect(result.annualPremiumMinor).toBe(500_000);
    const parts = [...lines(result, 'coveragePremium'), ...lines(result, 'policyFee'), ...adj];
    expect(parts.reduce((s, l) => s + l.amountMinor!, 0)).toBe(500_000);
    // The adjustment is a premium line, so a part term prorates it too.
    expect(lines(result, 'termMinimumPremiumAdjustment').length).toBeGreaterThan(0);
  });

  it('a very short term is lifted to the term minimum with a MIN_TERM_ADJ line', () => {
    const result = rate(
      workedExampleRequest({
        transferDate: '2025-07-15',
        drivers: [cleanDriver('d1')],
        lease: { startDate: '2025-01-01', endDate: '2025-07-16', annualMileageKm: 15_000, usage: 'commute' },
      }),
      tables,
    );
    expect(result.terms).toEqual([expect.objectContaining({ days: 1, yearDays: 365, premiumMinor: 5000 })]);
    const adj = lines(result, 'termMinimumAdjustment');
    expect(adj).toHaveLength(1);
    const parts = [...lines(result, 'termCoverage'), ...lines(result, 'termPolicyFee'), ...adj];
    expect(parts.reduce((s, l) => s + l.amountMinor!, 0)).toBe(5000);
  });
});
