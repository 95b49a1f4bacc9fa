// Several owners on one output: each is rated for every term, each term charges the highest term
// premium of the listed drivers, and the breakdown says which driver was rated and why.
import { builtInRateTableSet, rate } from '../../src/rating';
import { cleanDriver, lines, workedExampleDriver, workedExampleRequest } from './fixtures';

const tables = builtInRateTableSet('us-illustrative');

describe('highest-risk driver', () => {
  it('chooses per term, so adding a driver never lowers the lease total (choosing on the first term only gave 2308.98 < 2314.98 alone)', () => {
    const young = cleanDriver('a-young', {
      dateOfBirth: '2003-01-01',
      licensedSince: '2020-01-01',
      priorInsurance: { periods: [{ from: '2020-01-01' }] },
    });
    // One at-fault claim that leaves the 60-month look-back before term 2 starts (2026-07-15).
    const claimAgesOut = cleanDriver('b-claim', {
      territory: 'urban',
      claims: [{ date: '2021-03-01', atFault: true, amountMinor: 500_000 }],
    });
    const alone = rate(workedExampleRequest({ drivers: [young] }), tables);
    const other = rate(workedExampleRequest({ drivers: [claimAgesOut] }), tables);
    expect(alone.terms.map((t) => t.premiumMinor)).toEqual([145667, 85831]);
    expect(other.terms.map((t) => t.premiumMinor)).toEqual([154719, 76179]);
    const both = rate(workedExampleRequest({ drivers: [young, claimAgesOut] }), tables);
    expect(both.terms.map((t) => [t.premiumMinor, t.ratedDriverKey])).toEqual([
      [154719, 'b-claim'],
      [85831, 'a-young'],
    ]);
    expect(both.leaseTotalMinor).toBe(240550);
    expect(both.ratedDriverKey).toBe('b-claim');
    expect(lines(both, 'driverSelection', 2).map((l) => [l.source.driverFact, l.amountMinor, l.source.note])).toEqual([
      [
        'driver[a-young]',
        85831,
        'rated driver: highest term premium of 2 drivers on this output (ties: higher annual premium, then smallest driverKey)',
      ],
      ['driver[b-claim]', 76179, 'not rated: lower-risk than a-young'],
    ]);
    // Term 2 is priced, line for line, on the driver charged for it.
    expect(lines(both, 'factor', 2).find((l) => l.factor === 'driverAge')?.source.driverFact).toBe(
      'dateOfBirth → age 23 at 2026-07-15',
    );
  });

  it('rates every driver and charges the highest term premium, saying so', () => {
    const risky = workedExampleDriver({ driverKey: 'b-risky' });
    const result = rate(workedExampleRequest({ drivers: [cleanDriver('a-clean'), risky] }), tables);
    const alone = rate(workedExampleRequest({ drivers: [risky] }), tables);
    const cleanAlone = rate(workedExampleRequest({ drivers: [cleanDriver('a-clean')] }), tables);
    expect(result.ratedDriverKey).toBe('b-risky');
    expect(result.annualPremiumMinor).toBe(alone.annualPremiumMinor);
    expect(result.terms).toEqual(alone.terms);
    expect(lines(result, 'driverSelection')).toEqual([
      {
        step: 'driverSelection',
        term: 1,
        value: (cleanAlone.terms[0]!.premiumMinor / 100).toFixed(2),
        amountMinor: cleanAlone.terms[0]!.premiumMinor,
        source: { driverFact: 'driver[a-clean]', note: 'not rated: lower-risk than b-risky' },
      },
      {
        step: 'driverSelection',
        term: 1,
        value: '2392.31',
        amountMinor: 239231,
        source: {
          driverFact: 'driver[b-risky]',
          note: 'rated driver: highest term premium of 2 drivers on this output (ties: higher annual premium, then smallest driverKey)',
        },
      },
    ]);
  });

  it('breaks a tie by the smallest driverKey, whatever the listed order', () => {
    const twins = [cleanDriver('zed'), cleanDriver('amy')];
    expect(rate(workedExampleRequest({ drivers: twins }), tables).ratedDriverKey).toBe('amy');
    expect(rate(workedExampleRequest({ drivers: [...twins].reverse() }), tables).ratedDriverKey).toBe('amy');
  });

  it('reports review reasons of every driver, not only the rated one', () => {
    const dui = cleanDriver('co-owner', {
      territory: 'rural',
      violations: [{ date: '2024-03-01', points: 0, code: 'DUI' }],
    });
    const result = rate(
      workedExampleRequest({ drivers: [workedExampleDriver(), dui, { driverKey: 'ghost', unknown: true }] }),
      tables,
    );
    expect(result.ratedDriverKey).toBe('ghost');
    expect(result.reviewReasons).toEqual([
      'driver co-owner: violations[2024-03-01 DUI 0pt] is a referral offence within 36 months',
      "driver ghost: not in the drivers table: priced by the table's unknown-driver profile (unknownDriver)",
    ]);
    expect(result.outcome).toBe('REFER');
  });
});
