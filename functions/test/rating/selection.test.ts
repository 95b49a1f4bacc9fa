// Several owners on one output: each is rated, the highest annual premium is charged, and the
// breakdown says which driver was rated and why.
import { builtInRateTableSet, rate } from '../../src/rating';
import { cleanDriver, lines, workedExampleDriver, workedExampleRequest } from './fixtures';

const tables = builtInRateTableSet('us-illustrative');

describe('highest-risk driver', () => {
  it('rates every driver and charges the highest annual premium, saying so', () => {
    const risky = workedExampleDriver({ driverKey: 'b-risky' });
    const result = rate(workedExampleRequest({ drivers: [cleanDriver('a-clean'), risky] }), tables);
    const alone = rate(workedExampleRequest({ drivers: [risky] }), tables);
    const cleanAlone = rate(workedExampleRequest({ drivers: [cleanDriver('a-clean')] }), tables);
    expect(result.ratedDriverKey).toBe('b-risky');
    expect(result.annualPremiumMinor).toBe(alone.annualPremiumMinor);
    expect(result.terms).toEqual(alone.terms);
    expect(lines(result, 'driverSelection')).toEqual([
      { step: 'driverSelection', value: (cleanAlone.annualPremiumMinor / 100).toFixed(2), amountMinor: cleanAlone.annualPremiumMinor, source: { driverFact: 'driver[a-clean]', note: 'not rated: lower-risk than b-risky' } },
      {
        step: 'driverSelection',
        value: '2392.31',
        amountMinor: 239231,
        source: { driverFact: 'driver[b-risky]', note: 'rated driver: highest annual premium of 2 drivers on this output (ties: higher lease total, then smallest driverKey)' },
      },
    ]);
  });

  it('breaks a tie by the smallest driverKey, whatever the listed order', () => {
    const twins = [cleanDriver('zed'), cleanDriver('amy')];
    expect(rate(workedExampleRequest({ drivers: twins }), tables).ratedDriverKey).toBe('amy');
    expect(rate(workedExampleRequest({ drivers: [...twins].reverse() }), tables).ratedDriverKey).toBe('amy');
  });

  it('reports review reasons of every driver, not only the rated one', () => {
    const dui = cleanDriver('co-owner', { territory: 'rural', violations: [{ date: '2024-03-01', points: 0, code: 'DUI' }] });
    const result = rate(workedExampleRequest({ drivers: [workedExampleDriver(), dui, { driverKey: 'ghost', unknown: true }] }), tables);
    expect(result.ratedDriverKey).toBe('ghost');
    expect(result.reviewReasons).toEqual([
      'driver co-owner: violations[2024-03-01 DUI 0pt] is a referral offence within 36 months',
      "driver ghost: not in the drivers table: priced by the table's unknown-driver profile (unknownDriver)",
    ]);
    expect(result.outcome).toBe('REFER');
  });
});
