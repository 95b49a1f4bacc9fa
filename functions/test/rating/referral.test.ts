// Refer-to-underwriter conditions: the result is REFER with a reason and still
// priced. Unratable input is a RatingError naming the field.
import { builtInRateTableSet, loadRateTableSet, rate, RatingError } from '../../src/rating';
import { packJson } from '../../src/storage/packed-json';
import { cleanDriver, factorLine, lines, usTableJson, workedExampleDriver, workedExampleRequest } from './fixtures';

const component = (result: ReturnType<typeof rate>, factor: string) =>
  lines(result, 'driverRecordComponent').find((l) => l.factor === factor)!;

const tables = builtInRateTableSet('us-illustrative');
const clean = rate(workedExampleRequest({ drivers: [cleanDriver('d1')] }), tables);

function referred(overrides: Parameters<typeof workedExampleRequest>[0]) {
  const result = rate(workedExampleRequest(overrides), tables);
  expect(result.outcome).toBe('REFER');
  expect(result.needsReview).toBe(true);
  expect(result.annualPremiumMinor).toBeGreaterThan(0);
  return result;
}

describe('referral conditions', () => {
  it('a clean driver is RATED with no reasons', () => {
    expect(clean).toMatchObject({ outcome: 'RATED', needsReview: false, reviewReasons: [] });
  });

  it.each(['DUI', 'DWI', 'RACING', 'HIT_AND_RUN', 'HIT_AND_RUN_BI', 'VEHICULAR_HOMICIDE'])(
    'a %s conviction within 36 months refers',
    (code) => {
      const result = referred({
        drivers: [cleanDriver('d1', { violations: [{ date: '2024-01-10', points: 2, code }] })],
      });
      expect(result.reviewReasons).toEqual([
        `driver d1: violations[2024-01-10 ${code} 2pt] is a referral offence within 36 months`,
      ]);
    },
  );

  it('a DUI older than 36 months does not refer', () => {
    const result = rate(
      workedExampleRequest({
        drivers: [cleanDriver('d1', { violations: [{ date: '2022-07-14', points: 2, code: 'DUI' }] })],
      }),
      tables,
    );
    expect(result.outcome).toBe('RATED');
  });

  it('10 points refer, 9 do not; the points factor is priced either way', () => {
    const nine = rate(
      workedExampleRequest({
        drivers: [cleanDriver('d1', { violations: [{ date: '2024-01-10', points: 9, code: 'SPEEDING_21_PLUS' }] })],
      }),
      tables,
    );
    expect(nine.outcome).toBe('RATED');
    const ten = referred({
      drivers: [
        cleanDriver('d1', {
          violations: [
            { date: '2024-01-10', points: 6, code: 'SPEEDING_21_PLUS' },
            { date: '2025-01-10', points: 4, code: 'RECKLESS_DRIVING' },
          ],
        }),
      ],
    });
    expect(ten.reviewReasons).toEqual(['driver d1: 10 violation points within 36 months (refer at 10)']);
    expect(factorLine(ten, 'driverRecord').value).toBe('2.50');
  });

  it('3 at-fault claims within 60 months refer, 2 do not', () => {
    const claim = (date: string) => ({ date, atFault: true, amountMinor: 500_000 });
    expect(
      rate(
        workedExampleRequest({ drivers: [cleanDriver('d1', { claims: [claim('2021-01-01'), claim('2022-01-01')] })] }),
        tables,
      ).outcome,
    ).toBe('RATED');
    const three = referred({
      drivers: [cleanDriver('d1', { claims: [claim('2021-01-01'), claim('2022-01-01'), claim('2023-01-01')] })],
    });
    expect(three.reviewReasons).toEqual(['driver d1: 3 surcharged at-fault claims within 60 months (refer at 3)']);
    expect(factorLine(three, 'driverRecord').value).toBe('2.25');
  });

  it('counts for the claim referral only the claims the driver-record factor counts (fully at fault, paid at least minPaid)', () => {
    const claim = (date: string, amountMinor: number, responsibility: 'full' | 'partial' = 'full') => ({
      date,
      responsibility,
      amountMinor,
    });
    // Two surcharged claims plus one closed without payment, one below minPaid (1,000.00) and one partly at fault: 2 counted, not referred.
    const result = rate(
      workedExampleRequest({
        drivers: [
          cleanDriver('d1', {
            claims: [
              claim('2021-01-01', 500_000),
              claim('2022-01-01', 500_000),
              claim('2023-01-01', 0),
              claim('2023-06-01', 99_999),
              claim('2024-01-01', 500_000, 'partial'),
            ],
          }),
        ],
      }),
      tables,
    );
    expect(result.outcome).toBe('RATED');
    expect(component(result, 'atFaultClaims')).toMatchObject({ value: '1.70', source: { note: '2 counted' } });
  });

  it('refers implausible facts whatever factors the table enables', () => {
    const eu = builtInRateTableSet('eu-bonus-malus-illustrative');
    const eurRequest = (overrides: Parameters<typeof workedExampleRequest>[0]) =>
      workedExampleRequest({ vehicle: { ...workedExampleRequest().vehicle, currency: 'EUR' }, ...overrides });
    // The EU table disables driverAge and yearsLicensed: the referrals still hold.
    const child = rate(
      eurRequest({ drivers: [cleanDriver('d1', { dateOfBirth: '2015-01-01', licensedSince: '2025-01-01' })] }),
      eu,
    );
    expect(child.reviewReasons).toEqual([
      'driver d1: driver age 10 at 2025-07-15 is below the minimum licensing age 14',
      'driver d1: licensed at age 10, below the minimum licensing age 14',
    ]);
    const later = rate(eurRequest({ drivers: [cleanDriver('d1', { licensedSince: '2025-08-01' })] }), eu);
    expect(later.reviewReasons).toEqual(['driver d1: licensedSince 2025-08-01 is after the transfer date 2025-07-15']);
    const early = rate(eurRequest({ transferDate: '2024-02-01', drivers: [cleanDriver('d1')] }), eu);
    expect(early.reviewReasons).toEqual(['transfer date 2024-02-01 is before the lease start 2024-03-01']);
  });

  it('a vehicle priced new above 150,000.00 refers; exactly 150,000.00 does not', () => {
    const vehicle = (valueMinor: number) => ({ ...workedExampleRequest().vehicle, valueMinor });
    expect(rate(workedExampleRequest({ vehicle: vehicle(15_000_000) }), tables).outcome).toBe('RATED');
    expect(referred({ vehicle: vehicle(15_000_001) }).reviewReasons).toEqual([
      'vehicle price new 150000.01 USD is above 150000.00 USD',
    ]);
  });

  it('an unknown driver is priced by the table profile (age 21, licensed 1 year, no prior insurance, urban-core) and referred', () => {
    const result = referred({ drivers: [{ driverKey: 'who', unknown: true }] });
    expect(result.ratedDriverKey).toBe('who');
    expect(result.reviewReasons).toEqual([
      "driver who: not in the drivers table: priced by the table's unknown-driver profile (unknownDriver)",
    ]);
    expect(factorLine(result, 'driverAge').source).toEqual({
      driverFact: 'unknownDriver.profile.age=21',
      tableRow: 'driverAge[21-24]',
    });
    expect(factorLine(result, 'priorInsurance').source.tableRow).toBe('priorInsurance[none]');
    // LIAB 520 × 1.35 × 1.35 × 1.30 × 1.00 × 1.20 × 1.05 = 1552.3326 -> 1552.33;
    // COLL 380 × 1.35 × 1.35 × 1.30 × 1.00 × 1.20 × 1.05 × 1.00 × 1.00 × 0.88 = 998.269272 -> 998.27;
    // COMP 140 × 1.35 = 189.00; + fee 45.00 = 2784.60
    expect(result.annualPremiumMinor).toBe(278460);
  });

  it('a missing lease is priced as one 12-month term with the default lease and referred', () => {
    const result = referred({ lease: null });
    expect(result.terms).toEqual([expect.objectContaining({ start: '2025-07-15', end: '2026-07-15', days: 365 })]);
    expect(result.leaseTotalMinor).toBe(result.annualPremiumMinor);
    expect(result.reviewReasons[0]).toMatch(/^lease terms missing/);
    expect(factorLine(result, 'annualMileage').source.driverFact).toBe(
      'defaultLease.annualMileageKm 20000 (= 12427.42 mi)',
    );
  });

  it('a transfer on or after the lease end gives no terms: annual premium only, referred', () => {
    const result = referred({ transferDate: '2027-02-28' });
    expect(result.terms).toEqual([]);
    expect(result.leaseTotalMinor).toBe(0);
    expect(result.reviewReasons).toEqual([
      'no lease terms: transfer date 2027-02-28 is on or after the lease end 2027-02-28; annual premium only',
    ]);
  });

  it('a lease needing more than 6 terms is referred and every term priced', () => {
    const result = referred({
      lease: { startDate: '2025-07-15', endDate: '2032-08-01', annualMileageKm: 15_000, usage: 'pleasure' },
    });
    expect(result.terms).toHaveLength(8);
    expect(result.reviewReasons).toContain('the remaining lease needs 8 policy terms, more than 6');
  });

  it('an annual premium above 10,000.00 refers', () => {
    const json = usTableJson();
    json.baseRates.LIAB = '9500.00';
    const result = rate(workedExampleRequest({ drivers: [cleanDriver('d1')] }), loadRateTableSet([json]));
    expect(result.outcome).toBe('REFER');
    expect(result.reviewReasons[0]).toMatch(/^annual premium \d+\.\d\d USD is above 10000.00 USD$/);
  });
});

describe('unratable input', () => {
  const bad = (overrides: Parameters<typeof workedExampleRequest>[0], message: RegExp) => {
    expect(() => rate(workedExampleRequest(overrides), tables)).toThrow(RatingError);
    expect(() => rate(workedExampleRequest(overrides), tables)).toThrow(message);
  };
  it('rejects a currency the table cannot price', () =>
    bad(
      { vehicle: { ...workedExampleRequest().vehicle, currency: 'EUR' } },
      /^vehicle.currency: EUR cannot be priced by rate table us-illustrative, which prices USD$/,
    ));
  it('rejects an impossible date', () => bad({ transferDate: '2025-02-29' }, /^transferDate: must be a calendar date/));
  it('rejects a lease ending before it starts', () =>
    bad(
      { lease: { startDate: '2025-01-01', endDate: '2024-01-01', annualMileageKm: 1, usage: 'commute' } },
      /^lease.endDate: must be after lease.startDate$/,
    ));
  it('rejects no drivers', () => bad({ drivers: [] }, /^drivers: must list at least one driver$/));
  it('rejects a driver listed twice', () =>
    bad({ drivers: [cleanDriver('d1'), cleanDriver('d1')] }, /driver d1 is listed twice/));
  it('rejects a fractional claim amount', () =>
    bad(
      { drivers: [cleanDriver('d1', { claims: [{ date: '2024-01-01', atFault: true, amountMinor: 10.5 }] })] },
      /^drivers\[0\].claims\[0\].amountMinor: must be an integer/,
    ));
  it('rejects a territory the table does not know rather than pricing it as another', () =>
    bad(
      { drivers: [cleanDriver('d0'), workedExampleDriver({ territory: 'atlantis' })] },
      /^drivers\[1\].territory: "atlantis" is not a territory of rate table us-illustrative 2025.07.0 \(urban-core, urban, suburban, rural\)$/,
    ));
  it('rejects a claim in another currency than the table (amounts are never compared across currencies)', () =>
    bad(
      {
        drivers: [
          cleanDriver('d1', {
            claims: [{ date: '2024-01-01', atFault: true, amountMinor: 15_000_000, currency: 'JPY' }],
          }),
        ],
      },
      /^drivers\[0\].claims\[0\].currency: claim amounts in JPY cannot be compared with the rate table's USD thresholds \(never converted\): record the claim in USD$/,
    ));
  it('rejects a claim whose atFault contradicts its responsibility', () =>
    bad(
      {
        drivers: [
          cleanDriver('d1', {
            claims: [{ date: '2024-01-01', atFault: false, responsibility: 'partial', amountMinor: 1 }],
          }),
        ],
      },
      /^drivers\[0\].claims\[0\].atFault: atFault false contradicts responsibility "partial"$/,
    ));
  it('rejects a limit the table does not offer', () =>
    bad({ coverage: { liabilityLimit: '1/2/3' } }, /^coverage.liabilityLimit: "1\/2\/3" is not offered/));
  it('rejects a date with no table version in force', () => {
    const json = usTableJson();
    json.effectiveFrom = '2026-01-01';
    expect(() => rate(workedExampleRequest(), loadRateTableSet([json]))).toThrow(
      'transferDate: no version of rate table us-illustrative is in force on 2025-07-15',
    );
  });
});

describe('bounded results', () => {
  it('refuses more than 20 terms and more than 10 drivers; the largest result that remains still fits a stored record', () => {
    const lease = (endDate: string) => ({
      startDate: '2024-03-01',
      endDate,
      annualMileageKm: 20_000,
      usage: 'commute' as const,
    });
    expect(() => rate(workedExampleRequest({ lease: lease('2045-07-16') }), tables)).toThrow(
      /^lease.endDate: the lease needs more than 20 policy terms/,
    );
    const drivers = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        cleanDriver(`driver-${String(i).padStart(40, '0')}`, {
          claims: Array.from({ length: 1000 }, (_, c) => ({
            date: `2024-${String((c % 12) + 1).padStart(2, '0')}-10`,
            atFault: true,
            amountMinor: 500_000 + c,
          })),
          violations: Array.from({ length: 1000 }, (_, v) => ({
            date: `2025-${String((v % 6) + 1).padStart(2, '0')}-01`,
            points: 1,
            code: 'SPEEDING_LE_10',
          })),
        }),
      );
    expect(() => rate(workedExampleRequest({ drivers: drivers(11) }), tables)).toThrow(
      /^drivers: lists 11 drivers, more than 10 on one car/,
    );
    const largest = rate(workedExampleRequest({ lease: lease('2045-07-15'), drivers: drivers(10) }), tables);
    expect(largest.terms).toHaveLength(20);
    // Incidents are counted in full but named five at a time, so a long history cannot swell every line.
    expect(factorLine(largest, 'driverRecord').source.driverFact).toMatch(/ and \d+ more; /);
    const json = JSON.stringify(largest);
    expect(json.length).toBeLessThan(450_000);
    expect(() => packJson('rating', largest)).not.toThrow();
    // The bonus-malus path over a century of insured years names the last 20.
    const eu = builtInRateTableSet('eu-bonus-malus-illustrative');
    const longHistory = drivers(10).map((d) => ({
      ...d,
      dateOfBirth: '1901-01-01',
      licensedSince: '1920-01-01',
      priorInsurance: { periods: [{ from: '1920-01-01' }] },
    }));
    const century = rate(
      workedExampleRequest({
        vehicle: { ...workedExampleRequest().vehicle, currency: 'EUR' },
        lease: lease('2045-07-15'),
        drivers: longHistory,
      }),
      eu,
    );
    expect(factorLine(century, 'driverRecord').source.note).toMatch(/^CRM path 1\.00 → … \d+ earlier years → /);
    expect(JSON.stringify(century).length).toBeLessThan(450_000);
  });
});
