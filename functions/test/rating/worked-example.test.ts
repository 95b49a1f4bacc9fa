// Golden: the worked example on us-illustrative, every figure checked by hand with exact decimals.
import { builtInRateTableSet, rate } from '../../src/rating';
import { factorLine, lines, workedExampleRequest } from './fixtures';

const tables = builtInRateTableSet('us-illustrative');

describe('worked example (us-illustrative)', () => {
  const result = rate(workedExampleRequest(), tables);

  it('prices term 1 exactly: LIAB 1330.62, COLL 855.69, COMP 161.00, annual 2392.31', () => {
    const premiums = Object.fromEntries(lines(result, 'coveragePremium').map((l) => [l.coverage, l.amountMinor]));
    expect(premiums).toEqual({ LIAB: 133062, COLL: 85569, COMP: 16100 });
    expect(result.annualPremiumMinor).toBe(239231);
    expect(result.terms[0]).toEqual({
      start: '2025-07-15',
      end: '2026-07-15',
      days: 365,
      yearDays: 365,
      premiumMinor: 239231,
      annualPremiumMinor: 239231,
      tableVersion: '2025.07.0',
      tableSha256: result.tableSha256,
      ratedDriverKey: 'lessee-A',
    });
  });

  it('re-rates term 2 at its start (age 25, vehicle age 2) and pro-rates 228/365: 677.26 + 400.69 + 92.52 + 45.00 = 1215.47', () => {
    expect(result.terms[1]).toEqual({
      start: '2026-07-15',
      end: '2027-02-28',
      days: 228,
      yearDays: 365,
      premiumMinor: 121547,
      annualPremiumMinor: 191878,
      tableVersion: '2025.07.0',
      tableSha256: result.tableSha256,
      ratedDriverKey: 'lessee-A',
    });
    const term2 = result.breakdown.filter((l) => l.term === 2);
    expect(term2.filter((l) => l.step === 'termCoverage').map((l) => [l.coverage, l.amountMinor])).toEqual([
      ['LIAB', 67726],
      ['COLL', 40069],
      ['COMP', 9252],
    ]);
    expect(term2.find((l) => l.step === 'termPolicyFee')?.amountMinor).toBe(4500);
    const term1Rows = new Set(lines(result, 'factor', 1).map((l) => l.source.tableRow));
    const changed = new Set(
      term2.filter((l) => l.step === 'factor' && !term1Rows.has(l.source.tableRow)).map((l) => l.source.tableRow),
    );
    expect([...changed]).toEqual(['driverAge[25-29]', 'vehicleAge[2-3]']);
  });

  it('totals the remaining lease: 2392.31 + 1215.47 = 3607.78 USD, rated, no review', () => {
    expect(result.leaseTotalMinor).toBe(360778);
    expect(result.currency).toBe('USD');
    expect(result).toMatchObject({
      outcome: 'RATED',
      needsReview: false,
      reviewReasons: [],
      tableId: 'us-illustrative',
      tableVersion: '2025.07.0',
      ratedDriverKey: 'lessee-A',
    });
  });

  it('explains each factor with its driver fact and table row, keeping the exact running product', () => {
    expect(factorLine(result, 'territory').source).toEqual({
      driverFact: 'territory urban',
      tableRow: 'territory[urban]',
    });
    expect(factorLine(result, 'driverAge')).toMatchObject({
      value: '1.35',
      running: '807.30',
      source: { tableRow: 'driverAge[21-24]', driverFact: 'dateOfBirth → age 24 at 2025-07-15' },
    });
    expect(factorLine(result, 'yearsLicensed')).toMatchObject({
      value: '1.05',
      running: '847.665',
      source: { tableRow: 'yearsLicensed[3-5]' },
    });
    expect(factorLine(result, 'driverRecord')).toMatchObject({
      value: '1.495',
      running: '1267.259175',
      source: {
        driverFact: 'claims[2023-11-02 at-fault]; violations[2024-05-20 SPEEDING_LE_10 1pt]',
        tableRow: 'driverRecord.atFaultClaims[1]×driverRecord.violationPoints[1]',
      },
    });
    expect(factorLine(result, 'annualMileage')).toMatchObject({
      value: '1.05',
      running: '1330.62213375',
      source: { tableRow: 'annualMileage.mi[12001,15001)', driverFact: 'lease.annualMileageKm 24140 (= 14999.90 mi)' },
    });
    expect(factorLine(result, 'deductible', 'COLL')).toMatchObject({
      value: '0.88',
      running: '855.69238755',
      source: { tableRow: 'deductible.COLL[1000]' },
    });
    expect(lines(result, 'driverRecordComponent').map((l) => [l.factor, l.value, l.source.driverFact])).toEqual([
      ['atFaultClaims', '1.30', 'claims[2023-11-02 at-fault]'],
      ['violationPoints', '1.15', 'violations[2024-05-20 SPEEDING_LE_10 1pt]'],
    ]);
  });

  it('never puts the date of birth in the breakdown (personal data)', () => {
    expect(JSON.stringify(result)).not.toContain('2001-02-10');
  });

  it('has money lines that add up: coverage premiums + fee = annual; term lines = term premium; terms = lease total', () => {
    const annual = [
      ...lines(result, 'coveragePremium'),
      ...lines(result, 'policyFee'),
      ...lines(result, 'minimumPremiumAdjustment'),
    ].reduce((s, l) => s + l.amountMinor!, 0);
    expect(annual).toBe(result.annualPremiumMinor);
    result.terms.forEach((term, i) => {
      const parts = result.breakdown.filter(
        (l) =>
          l.source.note?.startsWith(`term ${i + 1} `) &&
          ['termCoverage', 'termPolicyFee', 'termMinimumPremiumAdjustment', 'termMinimumAdjustment'].includes(l.step),
      );
      expect(parts.reduce((s, l) => s + l.amountMinor!, 0)).toBe(term.premiumMinor);
    });
    expect(result.terms.reduce((s, t) => s + t.premiumMinor, 0)).toBe(result.leaseTotalMinor);
  });

  it('reproduces the same result byte for byte from the same input and table version', () => {
    expect(JSON.stringify(rate(workedExampleRequest(), builtInRateTableSet('us-illustrative')))).toBe(
      JSON.stringify(result),
    );
    expect(result.tableSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
