// Every band boundary of the shipped US table, read back from the breakdown: the value at the
// edge belongs to the band that starts there; one unit below belongs to the band before.
import { builtInRateTableSet, loadRateTableSet, rate, type DriverFacts } from '../../src/rating';
import { cleanDriver, factorLine, lines, usTableJson, workedExampleRequest } from './fixtures';

const tables = builtInRateTableSet('us-illustrative');
const TRANSFER = '2025-07-15';

function rateDriver(overrides: Partial<DriverFacts>, request: Parameters<typeof workedExampleRequest>[0] = {}) {
  return rate(workedExampleRequest({ drivers: [cleanDriver('d1', overrides)], ...request }), tables);
}

function component(result: ReturnType<typeof rate>, factor: string) {
  return lines(result, 'driverRecordComponent').find((l) => l.factor === factor)!;
}

describe('driver age (completed years at the transfer date)', () => {
  // [age on the birthday, band starting there, value, band the day before, its value]
  it.each([
    [16, 'driverAge[16-17]', '2.20', undefined, undefined],
    [18, 'driverAge[18-20]', '1.80', 'driverAge[16-17]', '2.20'],
    [21, 'driverAge[21-24]', '1.35', 'driverAge[18-20]', '1.80'],
    [25, 'driverAge[25-29]', '1.10', 'driverAge[21-24]', '1.35'],
    [30, 'driverAge[30-59]', '1.00', 'driverAge[25-29]', '1.10'],
    [60, 'driverAge[60-69]', '0.95', 'driverAge[30-59]', '1.00'],
    [70, 'driverAge[70-74]', '1.05', 'driverAge[60-69]', '0.95'],
    [75, 'driverAge[75+]', '1.20', 'driverAge[70-74]', '1.05'],
  ])('age %i: %s', (age, row, value, rowBefore, valueBefore) => {
    const onBirthday = rateDriver({ dateOfBirth: `${2025 - age}-07-15`, licensedSince: '2009-01-01' });
    expect(factorLine(onBirthday, 'driverAge')).toMatchObject({ value, source: { tableRow: row } });
    if (rowBefore) {
      const dayBefore = rateDriver({ dateOfBirth: `${2025 - age}-07-16`, licensedSince: '2009-01-01' });
      expect(factorLine(dayBefore, 'driverAge')).toMatchObject({ value: valueBefore, source: { tableRow: rowBefore } });
    }
  });

  it('an age below the youngest band is priced on it and referred', () => {
    const result = rateDriver({ dateOfBirth: '2010-07-16', licensedSince: '2025-01-01' });
    expect(factorLine(result, 'driverAge').source.tableRow).toBe('driverAge[16-17]');
    expect(result.reviewReasons).toContain(
      "driver d1: driver age 14 at 2025-07-15 is below the table's youngest band; priced on driverAge[16-17]",
    );
  });

  it('a 29 February birthday is reached on 1 March in common years', () => {
    const dob = { dateOfBirth: '2000-02-29', licensedSince: '2018-01-01' };
    const feb28 = rate(workedExampleRequest({ transferDate: '2025-02-28', drivers: [cleanDriver('d1', dob)] }), tables);
    const mar01 = rate(workedExampleRequest({ transferDate: '2025-03-01', drivers: [cleanDriver('d1', dob)] }), tables);
    expect(factorLine(feb28, 'driverAge').source).toMatchObject({
      driverFact: 'dateOfBirth → age 24 at 2025-02-28',
      tableRow: 'driverAge[21-24]',
    });
    expect(factorLine(mar01, 'driverAge').source).toMatchObject({
      driverFact: 'dateOfBirth → age 25 at 2025-03-01',
      tableRow: 'driverAge[25-29]',
    });
  });
});

describe('years licensed', () => {
  // [years on the anniversary, band, value, band the day before]
  it.each([
    [0, 'yearsLicensed[0]', '1.50', undefined],
    [1, 'yearsLicensed[1]', '1.30', 'yearsLicensed[0]'],
    [2, 'yearsLicensed[2]', '1.15', 'yearsLicensed[1]'],
    [3, 'yearsLicensed[3-5]', '1.05', 'yearsLicensed[2]'],
    [6, 'yearsLicensed[6+]', '1.00', 'yearsLicensed[3-5]'],
  ])('%i years on the anniversary: %s = %s', (years, row, value, rowBefore) => {
    const insured = { priorInsurance: { periods: [{ from: '2000-01-01' }] } };
    const result = rateDriver({ licensedSince: `${2025 - years}-07-15`, ...insured });
    expect(factorLine(result, 'yearsLicensed')).toMatchObject({ value, source: { tableRow: row } });
    if (rowBefore)
      expect(
        factorLine(rateDriver({ licensedSince: `${2025 - years}-07-16`, ...insured }), 'yearsLicensed').source.tableRow,
      ).toBe(rowBefore);
  });

  it('a licence dated after the transfer counts as 0 years and is referred', () => {
    const result = rateDriver({ licensedSince: '2025-08-01' });
    expect(factorLine(result, 'yearsLicensed').source.tableRow).toBe('yearsLicensed[0]');
    expect(result.reviewReasons).toContain('driver d1: licensedSince 2025-08-01 is after the transfer date 2025-07-15');
  });
});

describe('driver record (MERIT): at-fault claims × violation points, capped at 3.50', () => {
  const claim = (date: string, amountMinor = 500_000, atFault = true) => ({ date, atFault, amountMinor });
  it.each([
    [0, '1.00', 'driverRecord.atFaultClaims[0]'],
    [1, '1.30', 'driverRecord.atFaultClaims[1]'],
    [2, '1.70', 'driverRecord.atFaultClaims[2]'],
    [3, '2.25', 'driverRecord.atFaultClaims[3+]'],
    [4, '2.25', 'driverRecord.atFaultClaims[3+]'],
  ])('%i claims -> %s', (count, value, row) => {
    const claims = Array.from({ length: count }, (_, i) => claim(`202${1 + i}-03-01`));
    expect(component(rateDriver({ claims }), 'atFaultClaims')).toMatchObject({ value, source: { tableRow: row } });
  });

  it.each([
    [0, '1.00', '0'],
    [1, '1.15', '1'],
    [2, '1.30', '2'],
    [3, '1.45', '3'],
    [4, '1.60', '4'],
    [5, '1.80', '5'],
    [6, '2.00', '6'],
    [7, '2.50', '7-9'],
    [9, '2.50', '7-9'],
    [10, '2.50', '10+'],
    [12, '2.50', '10+'],
  ])('%i points -> %s', (points, value, band) => {
    const violations = points === 0 ? [] : [{ date: '2024-01-01', points, code: 'SPEEDING_21_PLUS' }];
    expect(component(rateDriver({ violations }), 'violationPoints')).toMatchObject({
      value,
      source: { tableRow: `driverRecord.violationPoints[${band}]` },
    });
  });

  it('caps the product at 3.50: 2.25 × 2.50 = 5.625', () => {
    const result = rateDriver({
      claims: [claim('2021-03-01'), claim('2022-03-01'), claim('2023-03-01')],
      violations: [{ date: '2024-01-01', points: 8, code: 'DRIVING_WHILE_SUSPENDED' }],
    });
    expect(factorLine(result, 'driverRecord')).toMatchObject({
      value: '3.50',
      source: { tableRow: 'driverRecord.cap[3.50]', note: '2.25 × 2.50 = 5.625, capped at 3.50' },
    });
  });

  it('counts claims in [term start − 60 months, term start): the first day counts, the term start does not', () => {
    expect(component(rateDriver({ claims: [claim('2020-07-15')] }), 'atFaultClaims').value).toBe('1.30');
    expect(component(rateDriver({ claims: [claim('2020-07-14')] }), 'atFaultClaims').value).toBe('1.00');
    expect(component(rateDriver({ claims: [claim('2025-07-14')] }), 'atFaultClaims').value).toBe('1.30');
    expect(component(rateDriver({ claims: [claim(TRANSFER)] }), 'atFaultClaims').value).toBe('1.00');
  });

  it('counts only at-fault claims paid at least minPaid 1000.00', () => {
    expect(component(rateDriver({ claims: [claim('2024-01-01', 100_000)] }), 'atFaultClaims').value).toBe('1.30');
    expect(component(rateDriver({ claims: [claim('2024-01-01', 99_999)] }), 'atFaultClaims').value).toBe('1.00');
    expect(component(rateDriver({ claims: [claim('2024-01-01', 900_000, false)] }), 'atFaultClaims').value).toBe(
      '1.00',
    );
  });

  it('counts points in [term start − 36 months, term start)', () => {
    const v = (date: string) => [{ date, points: 2, code: 'SPEEDING_11_20' }];
    expect(component(rateDriver({ violations: v('2022-07-15') }), 'violationPoints').value).toBe('1.30');
    expect(component(rateDriver({ violations: v('2022-07-14') }), 'violationPoints').value).toBe('1.00');
  });
});

describe('prior insurance: longest uninsured gap since licensing in the 36 months before the term start', () => {
  // `to` is the last insured day: insured through 2022-12-31, uninsured from 2023-01-01.
  const gapAfter2023 = (resume: string) => ({ periods: [{ from: '2010-01-01', to: '2022-12-31' }, { from: resume }] });
  it.each([
    ['no gap', { periods: [{ from: '2000-01-01' }] }, 'priorInsurance.gapDays[0-30]', '1.00'],
    ['30 days', gapAfter2023('2023-01-31'), 'priorInsurance.gapDays[0-30]', '1.00'],
    ['31 days', gapAfter2023('2023-02-01'), 'priorInsurance.gapDays[31-180]', '1.10'],
    ['180 days', gapAfter2023('2023-06-30'), 'priorInsurance.gapDays[31-180]', '1.10'],
    ['181 days', gapAfter2023('2023-07-01'), 'priorInsurance.gapDays[181+]', '1.20'],
    [
      'a lapse running to the transfer (30 days)',
      { periods: [{ from: '2010-01-01', to: '2025-06-14' }] },
      'priorInsurance.gapDays[0-30]',
      '1.00',
    ],
    [
      'a lapse running to the transfer (31 days)',
      { periods: [{ from: '2010-01-01', to: '2025-06-13' }] },
      'priorInsurance.gapDays[31-180]',
      '1.10',
    ],
    [
      'a one-day policy on the first day of the window',
      {
        periods: [
          { from: '2010-01-01', to: '2022-07-14' },
          { from: '2022-07-15', to: '2022-07-15' },
          { from: '2022-07-17' },
        ],
      },
      'priorInsurance.gapDays[0-30]',
      '1.00',
    ],
    [
      'a gap before the 36-month window',
      { periods: [{ from: '2010-01-01', to: '2020-12-31' }, { from: '2022-07-15' }] },
      'priorInsurance.gapDays[0-30]',
      '1.00',
    ],
  ])('%s', (_label, priorInsurance, row, value) => {
    expect(factorLine(rateDriver({ priorInsurance }), 'priorInsurance')).toMatchObject({
      value,
      source: { tableRow: row },
    });
  });

  it('does not count the time before the licence as a gap', () => {
    const result = rateDriver({
      licensedSince: '2025-01-01',
      dateOfBirth: '2006-01-01',
      priorInsurance: { periods: [{ from: '2025-03-01' }] },
    });
    expect(factorLine(result, 'priorInsurance').source).toMatchObject({
      tableRow: 'priorInsurance.gapDays[31-180]',
      driverFact: 'priorInsurance.periods → longest gap 59 days in [2025-01-01, 2025-07-15)',
    });
  });

  it('does not charge a new licensee for not being insured yet: priced on the days since licensing, as a policy ending on the licence date would be', () => {
    const newLicensee = (licensedSince: string, priorInsurance?: { periods: { from: string; to?: string }[] }) =>
      factorLine(
        rateDriver({
          licensedSince,
          dateOfBirth: '2006-01-01',
          ...(priorInsurance ? { priorInsurance } : { priorInsurance: undefined }),
        }),
        'priorInsurance',
      );
    // Licensed 14 days before the transfer, no policy yet: the same 1.00 as a one-day policy on the licence date.
    expect(newLicensee('2025-07-01')).toMatchObject({
      value: '1.00',
      source: {
        tableRow: 'priorInsurance.gapDays[0-30]',
        driverFact:
          'priorInsurance: none declared, licensed 14 days before 2025-07-15 (new licensee: the gap since licensing)',
      },
    });
    expect(newLicensee('2025-07-01', { periods: [{ from: '2025-07-01', to: '2025-07-01' }] }).value).toBe('1.00');
    // The grace is the gap bands themselves: 31 days unlicensed-and-uninsured is a 31-day gap, 181 the longest band.
    expect(newLicensee('2025-06-14').source.tableRow).toBe('priorInsurance.gapDays[31-180]');
    expect(newLicensee('2025-01-15').source.tableRow).toBe('priorInsurance.gapDays[181+]');
    // Licensed before the 36-month window and never insured: the noPriorInsurance factor.
    expect(newLicensee('2022-07-14').source.tableRow).toBe('priorInsurance[none]');
  });

  it('prices "none declared" with the noPriorInsurance factor', () => {
    const result = rate(
      workedExampleRequest({ drivers: [{ ...cleanDriver('d1'), priorInsurance: undefined }] }),
      tables,
    );
    expect(factorLine(result, 'priorInsurance')).toMatchObject({
      value: '1.20',
      source: { tableRow: 'priorInsurance[none]', driverFact: 'priorInsurance: none declared' },
    });
  });

  it('is 1.00 whatever the gap in US-CA (Ins. Code 1861.02(c))', () => {
    const json = usTableJson();
    json.jurisdiction = 'US-CA';
    const result = rate(
      workedExampleRequest({ drivers: [{ ...cleanDriver('d1'), priorInsurance: undefined }] }),
      loadRateTableSet([json]),
    );
    expect(factorLine(result, 'priorInsurance')).toMatchObject({
      value: '1.00',
      source: { tableRow: 'priorInsurance[disabled in US-CA]' },
    });
  });

  it("follows the risk's territory, not the table's label", () => {
    const json = usTableJson();
    json.factors.territory.values['ca-urban'] = '1.15';
    json.factors.territory.jurisdictions = { 'ca-urban': 'US-CA', suburban: 'US-NV' };
    json.jurisdiction = 'US-CA';
    const mixed = loadRateTableSet([json]);
    const uninsured = (territory: string) =>
      factorLine(
        rate(
          workedExampleRequest({ drivers: [{ ...cleanDriver('d1', { territory }), priorInsurance: undefined }] }),
          mixed,
        ),
        'priorInsurance',
      );
    expect(uninsured('ca-urban').source.tableRow).toBe('priorInsurance[disabled in US-CA]');
    // A Nevada territory in a table labelled US-CA is priced on its prior insurance.
    expect(uninsured('suburban')).toMatchObject({ value: '1.20', source: { tableRow: 'priorInsurance[none]' } });
    // An unmapped territory follows the table's jurisdiction.
    expect(uninsured('rural').source.tableRow).toBe('priorInsurance[disabled in US-CA]');
  });
});

describe('annual mileage: km from the lease, converted exactly to the table miles (1 mi = 1.609344 km)', () => {
  // km just below / at each mile edge: ceil(edge × 1.609344) is the first km in the next band.
  it.each([
    [0, '[0,7501)', '0.90'],
    [12_071, '[0,7501)', '0.90'],
    [12_072, '[7501,10001)', '0.95'],
    [16_095, '[7501,10001)', '0.95'],
    [16_096, '[10001,12001)', '1.00'],
    [19_313, '[10001,12001)', '1.00'],
    [19_314, '[12001,15001)', '1.05'],
    [24_141, '[12001,15001)', '1.05'],
    [24_142, '[15001,20001)', '1.12'],
    [32_188, '[15001,20001)', '1.12'],
    [32_189, '[20001,∞)', '1.20'],
  ])('%i km -> %s', (km, band, value) => {
    const result = rateDriver(
      {},
      { lease: { startDate: '2025-01-01', endDate: '2027-01-01', annualMileageKm: km, usage: 'commute' } },
    );
    expect(factorLine(result, 'annualMileage')).toMatchObject({
      value,
      source: { tableRow: `annualMileage.mi${band}` },
    });
  });
});

describe('vehicle and coverage factors', () => {
  const vehicle = (patch: object) => ({ vehicle: { ...workedExampleRequest().vehicle, ...patch } });
  it.each([
    [1, '[0,15000)', '0.80'],
    [1_499_999, '[0,15000)', '0.80'],
    [1_500_000, '[15000,25000)', '0.95'],
    [2_499_999, '[15000,25000)', '0.95'],
    [2_500_000, '[25000,35000)', '1.00'],
    [3_500_000, '[35000,50000)', '1.20'],
    [5_000_000, '[50000,75000)', '1.45'],
    [7_500_000, '[75000,100000)', '1.75'],
    [9_999_999, '[75000,100000)', '1.75'],
    [10_000_000, '[100000,∞)', '2.10'],
  ])('price new %i minor -> vehicleSymbol%s', (valueMinor, band, value) => {
    const result = rateDriver({}, vehicle({ valueMinor }));
    expect(factorLine(result, 'vehicleSymbol', 'COLL')).toMatchObject({
      value,
      source: { tableRow: `vehicleSymbol${band}` },
    });
    expect(factorLine(result, 'vehicleSymbol', 'COMP').value).toBe(value);
  });

  it.each([
    [2026, '0-1', '1.00'],
    [2025, '0-1', '1.00'],
    [2024, '0-1', '1.00'],
    [2023, '2-3', '0.92'],
    [2022, '2-3', '0.92'],
    [2021, '4-5', '0.85'],
    [2020, '4-5', '0.85'],
    [2019, '6+', '0.78'],
    [1990, '6+', '0.78'],
  ])('model year %i in 2025 -> vehicleAge[%s]', (modelYear, band, value) => {
    expect(factorLine(rateDriver({}, vehicle({ modelYear })), 'vehicleAge', 'COLL')).toMatchObject({
      value,
      source: { tableRow: `vehicleAge[${band}]` },
    });
  });

  it.each([
    ['standard', '1.00'],
    ['large', '1.10'],
    ['high-performance', '1.25'],
  ] as const)('rating class %s -> %s on LIAB only', (ratingClass, value) => {
    const result = rateDriver({}, vehicle({ ratingClass }));
    expect(factorLine(result, 'vehicleLiabilityClass')).toMatchObject({
      value,
      source: { tableRow: `vehicleLiabilityClass[${ratingClass}]` },
    });
    expect(() => factorLine(result, 'vehicleLiabilityClass', 'COLL')).toThrow();
  });

  it.each([
    ['pleasure', '0.95'],
    ['commute', '1.00'],
    ['business', '1.20'],
  ] as const)('usage %s -> %s', (usage, value) => {
    const result = rateDriver(
      {},
      { lease: { startDate: '2025-01-01', endDate: '2027-01-01', annualMileageKm: 15_000, usage } },
    );
    expect(factorLine(result, 'usage')).toMatchObject({ value, source: { tableRow: `usage[${usage}]` } });
  });

  it.each([
    ['100/300/50', '0.97'],
    ['100/300/100', '1.00'],
    ['250/500/100', '1.15'],
    ['250/500/250', '1.20'],
    ['500CSL', '1.30'],
  ])('liability limit %s -> %s', (liabilityLimit, value) => {
    expect(factorLine(rateDriver({}, { coverage: { liabilityLimit } }), 'liabilityLimit')).toMatchObject({
      value,
      source: {
        tableRow: `liabilityLimit[${liabilityLimit}]`,
        driverFact: `coverage.liabilityLimit ${liabilityLimit}`,
      },
    });
  });

  it.each([
    ['250', '1.12'],
    ['500', '1.00'],
    ['1000', '0.88'],
    ['2000', '0.78'],
  ])('collision deductible %s -> %s', (collDeductible, value) => {
    expect(factorLine(rateDriver({}, { coverage: { collDeductible } }), 'deductible', 'COLL')).toMatchObject({
      value,
      source: { tableRow: `deductible.COLL[${collDeductible}]` },
    });
  });

  it.each([
    ['100', '1.20'],
    ['250', '1.10'],
    ['500', '1.00'],
    ['1000', '0.85'],
  ])('comprehensive deductible %s -> %s', (compDeductible, value) => {
    expect(factorLine(rateDriver({}, { coverage: { compDeductible } }), 'deductible', 'COMP')).toMatchObject({
      value,
      source: { tableRow: `deductible.COMP[${compDeductible}]` },
    });
  });

  it.each([
    ['urban-core', '1.35'],
    ['urban', '1.15'],
    ['suburban', '1.00'],
    ['rural', '0.85'],
  ])('territory %s -> %s on every coverage', (territory, value) => {
    const result = rateDriver({ territory });
    for (const coverage of ['LIAB', 'COLL', 'COMP'] as const)
      expect(factorLine(result, 'territory', coverage).value).toBe(value);
  });
});
