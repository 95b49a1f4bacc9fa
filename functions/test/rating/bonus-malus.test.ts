// The French bonus-malus (CRM) scheme and the A121-1-2 aggravations, on the eu-bonus-malus-illustrative
// table. Figures from the law's rules (annex to A121-1, https://www.legifrance.gouv.fr/codes/id/LEGISCTA000006156959/)
// and the administration's worked example (https://www.service-public.fr/particuliers/vosdroits/F2655).
import { builtInRateTableSet, rate, type ClaimInput } from '../../src/rating';
import { computeCrm, type CrmClaim, type CrmConfig } from '../../src/rating/crm';
import { addMonths, parseIsoDate, type CalendarDate } from '../../src/rating/dates';
import { cleanDriver, euTableJson, factorLine, lines, workedExampleRequest } from './fixtures';

const d = (iso: string): CalendarDate => parseIsoDate(iso)!;
const config = euTableJson().driverRecord.crm as CrmConfig;
const tables = builtInRateTableSet('eu-bonus-malus-illustrative');

/** Term start such that exactly `years` reference years (ending 2 months before it) follow 2000-01-01. */
const afterYears = (years: number) => addMonths(d('2000-03-01'), 12 * years);
const insuredSince2000 = [{ from: d('2000-01-01'), to: null }];
const full = (iso: string): CrmClaim => ({ date: d(iso), responsibility: 'full' });
const crm = (
  claims: CrmClaim[],
  at: CalendarDate,
  options: { allTrips?: boolean; insured?: { from: CalendarDate; to: CalendarDate | null }[] | null } = {},
) =>
  computeCrm(
    {
      insuredPeriods: options.insured === undefined ? insuredSince2000 : options.insured,
      claims,
      allTrips: options.allTrips ?? false,
    },
    at,
    config,
  );

describe('CRM coefficient (annex to A121-1)', () => {
  it('Art. 4: ×0.95 per insured claim-free year, truncated to 2 decimals: 13 years reach the 0.50 floor', () => {
    const ladder = Array.from({ length: 15 }, (_, years) => crm([], afterYears(years)).crm.toFixed(2));
    expect(ladder).toEqual([
      '1.00',
      '0.95',
      '0.90',
      '0.85',
      '0.80',
      '0.76',
      '0.72',
      '0.68',
      '0.64',
      '0.60',
      '0.57',
      '0.54',
      '0.51',
      '0.50',
      '0.50',
    ]);
  });

  it('Art. 4: ×0.93 for "tous déplacements" use: 0.93, 0.86 (0.8649), 0.79, 0.73, 0.67, 0.62, 0.57, 0.53, then the 0.50 floor', () => {
    const ladder = Array.from({ length: 11 }, (_, years) =>
      crm([], afterYears(years), { allTrips: true }).crm.toFixed(2),
    );
    expect(ladder).toEqual(['1.00', '0.93', '0.86', '0.79', '0.73', '0.67', '0.62', '0.57', '0.53', '0.50', '0.50']);
  });

  it('Art. 5, service-public example: 0.68, a responsible accident ×1.25 = 0.85, a second the same year 1.06', () => {
    const year8 = addMonths(d('2000-06-01'), 12 * 7);
    expect(crm([], afterYears(7)).crm.toFixed(2)).toBe('0.68');
    expect(crm([{ date: year8, responsibility: 'full' }], afterYears(8)).crm.toFixed(2)).toBe('0.85');
    expect(
      crm(
        [
          { date: year8, responsibility: 'full' },
          { date: addMonths(year8, 2), responsibility: 'full' },
        ],
        afterYears(8),
      ).crm.toFixed(2),
    ).toBe('1.06');
  });

  it('Art. 5: a partly responsible claim raises it by half as much: ×1.125 (1.00 -> 1.12; 1.25 × 1.125 = 1.40625 -> 1.40)', () => {
    expect(crm([{ date: d('2000-06-01'), responsibility: 'partial' }], afterYears(1)).crm.toFixed(2)).toBe('1.12');
    expect(
      crm([full('2000-05-01'), { date: d('2000-06-01'), responsibility: 'partial' }], afterYears(1)).crm.toFixed(2),
    ).toBe('1.40');
  });

  it('follows a path: two responsible claims in 2022 (0.90 -> 1.12 -> 1.40), 1.33, at most 1.00 after two claim-free years (Art. 4), 0.95', () => {
    const result = crm([full('2022-03-10'), full('2022-08-05')], d('2026-03-01'), {
      insured: [{ from: d('2020-01-01'), to: null }],
    });
    expect(result.years.map((y) => [y.start, y.responsibleClaims, y.crm.toFixed(2)])).toEqual([
      ['2020-01-01', 0, '0.95'],
      ['2021-01-01', 0, '0.90'],
      ['2022-01-01', 2, '1.40'],
      ['2023-01-01', 0, '1.33'],
      ['2024-01-01', 0, '1.00'],
      ['2025-01-01', 0, '0.95'],
    ]);
  });

  it('Art. 5: caps at 3.50', () => {
    const claims = Array.from({ length: 6 }, (_, i) => full(`2000-0${i + 1}-15`));
    expect(crm(claims, afterYears(1)).crm.toFixed(2)).toBe('3.50');
  });

  it('Art. 5: forgives the first claim after three years at 0.50, once', () => {
    // Years 1-13 reach 0.50; years 14, 15, 16 are spent at 0.50; a claim in year 17 is forgiven, one in year 18 is not.
    const year = (n: number) => full(formatYear(addMonths(d('2000-06-01'), 12 * (n - 1))));
    const forgiven = crm([year(17)], afterYears(17));
    expect(forgiven.years.at(-1)).toMatchObject({ responsibleClaims: 1, forgiven: true });
    expect(forgiven.crm.toFixed(2)).toBe('0.50');
    expect(crm([year(17), year(18)], afterYears(18)).crm.toFixed(2)).toBe('0.62');
    // Only two years at the floor: charged (0.50 × 1.25 = 0.625 -> 0.62).
    expect(crm([year(16)], afterYears(16)).crm.toFixed(2)).toBe('0.62');
  });

  it('Art. 9: is earned per insured year: never insured stays at 1.00; an interruption over three months earns nothing that year, up to three months does', () => {
    expect(crm([], afterYears(10), { insured: null }).crm.toFixed(2)).toBe('1.00');
    // Periods here are half-open [from, to). Uninsured 2001-06-01 .. 2001-09-01: over three months, year 2 earns nothing.
    const long = crm([], afterYears(3), {
      insured: [
        { from: d('2000-01-01'), to: d('2001-06-01') },
        { from: d('2001-09-02'), to: null },
      ],
    });
    expect(long.years.map((y) => [y.insured, y.crm.toFixed(2)])).toEqual([
      [true, '0.95'],
      [false, '0.95'],
      [true, '0.90'],
    ]);
    // Uninsured 2001-06-01 .. 2001-08-31: exactly three months, the year still counts.
    const short = crm([], afterYears(3), {
      insured: [
        { from: d('2000-01-01'), to: d('2001-06-01') },
        { from: d('2001-09-01'), to: null },
      ],
    });
    expect(short.crm.toFixed(2)).toBe('0.85');
  });
});

describe('eu-bonus-malus-illustrative', () => {
  const eurVehicle = { ...workedExampleRequest().vehicle, currency: 'EUR' };
  const euRequest = (driver = cleanDriver('d1'), annualMileageKm = 15_000, usage: 'commute' | 'business' = 'commute') =>
    workedExampleRequest({
      vehicle: eurVehicle,
      drivers: [driver],
      lease: { startDate: '2025-01-01', endDate: '2026-07-15', annualMileageKm, usage },
    });

  it('golden: insured since 2015-03-01 with one responsible claim in 2022-23 -> CRM 0.76; LIAB 358.34 + COLL 279.68 + COMP 104.88 + 30.00 = 772.90 EUR', () => {
    const driver = cleanDriver('d1', {
      licensedSince: '2015-03-01',
      territory: 'urban',
      priorInsurance: { periods: [{ from: '2015-03-01' }] },
      claims: [
        { date: '2023-05-10', atFault: true, amountMinor: 300_000 },
        { date: '2024-02-01', atFault: false, amountMinor: 900_000 },
      ],
    });
    const result = rate(euRequest(driver), tables);
    expect(factorLine(result, 'driverRecord')).toMatchObject({
      value: '0.76',
      kind: 'coefficient',
      source: {
        tableRow: 'driverRecord.crm[10 reference years, 10 insured]',
        note: 'CRM path 1.00 → 0.95 → 0.90 → 0.85 → 0.80 → 0.76 → 0.72 → 0.68 → 0.85 (1 claim) → 0.80 → 0.76',
      },
    });
    for (const coverage of ['COLL', 'COMP'] as const)
      expect(factorLine(result, 'driverRecord', coverage).value).toBe('0.76');
    expect(factorLine(result, 'driverAge').source.tableRow).toBe('driverAge[disabled]');
    expect(factorLine(result, 'noviceSurcharge').value).toBe('1.00');
    expect(Object.fromEntries(lines(result, 'coveragePremium').map((l) => [l.coverage, l.amountMinor]))).toEqual({
      LIAB: 35834,
      COLL: 27968,
      COMP: 10488,
    });
    expect(result).toMatchObject({
      annualPremiumMinor: 77290,
      currency: 'EUR',
      tableId: 'eu-bonus-malus-illustrative',
      outcome: 'RATED',
    });
  });

  it('licensed ten years and never insured: CRM 1.00 (not 0.57), and the no-proof surcharge', () => {
    const result = rate(
      euRequest(cleanDriver('d1', { licensedSince: '2015-03-01', priorInsurance: undefined })),
      tables,
    );
    expect(factorLine(result, 'driverRecord')).toMatchObject({
      value: '1.00',
      source: { tableRow: 'driverRecord.crm[0 reference years, 0 insured]' },
    });
    expect(factorLine(result, 'noviceSurcharge').value).toBe('2.00');
  });

  it('only responsible claims that led to a payment move it: an at-fault claim closed at 0 or a non-responsible one changes nothing', () => {
    const withClaims = (claims: ClaimInput[]) =>
      factorLine(rate(euRequest(cleanDriver('d1', { claims })), tables), 'driverRecord').value;
    const base = withClaims([]);
    expect(withClaims([{ date: '2024-06-01', atFault: true, amountMinor: 0 }])).toBe(base);
    expect(withClaims([{ date: '2024-06-01', responsibility: 'none', amountMinor: 500_000 }])).toBe(base);
    // cleanDriver is insured since 1998: 0.50, three years at the floor, so the first paid claim is forgiven; the second is not.
    expect(
      withClaims([
        { date: '2024-06-01', atFault: true, amountMinor: 1 },
        { date: '2024-07-01', atFault: true, amountMinor: 1 },
      ]),
    ).toBe('0.62');
  });

  it('business ("tous déplacements") use earns the 7% reduction', () => {
    const driver = cleanDriver('d1', {
      licensedSince: '2019-03-01',
      priorInsurance: { periods: [{ from: '2019-03-01' }] },
    });
    expect(factorLine(rate(euRequest(driver), tables), 'driverRecord').source.tableRow).toBe(
      'driverRecord.crm[6 reference years, 6 insured]',
    );
    expect(factorLine(rate(euRequest(driver), tables), 'driverRecord').value).toBe('0.72');
    expect(factorLine(rate(euRequest(driver, 15_000, 'business'), tables), 'driverRecord')).toMatchObject({
      value: '0.62',
      source: { tableRow: 'driverRecord.crm[6 reference years, 6 insured, tous déplacements]' },
    });
  });

  it('novice surcharge on liability only (A121-1-1): +100%, halved per claim-free licence year', () => {
    const novice = (claims: ClaimInput[]) =>
      rate(
        euRequest(
          cleanDriver('d1', {
            licensedSince: '2024-01-10',
            priorInsurance: { periods: [{ from: '2024-01-10' }] },
            claims,
          }),
        ),
        tables,
      );
    const clean = novice([]);
    expect(factorLine(clean, 'noviceSurcharge')).toMatchObject({
      value: '1.50',
      kind: 'coefficient',
      source: { tableRow: 'driverRecord.noviceOrNoProofSurcharge[+50%]' },
    });
    expect(() => factorLine(clean, 'noviceSurcharge', 'COLL')).toThrow();
    const withClaim = novice([{ date: '2024-06-01', atFault: true, amountMinor: 10_000 }]);
    expect(factorLine(withClaim, 'noviceSurcharge').value).toBe('2.00');
    expect(factorLine(withClaim, 'driverRecord').value).toBe('1.25');
  });

  it('no proof of insurance in the last 3 years: the full +100% surcharge', () => {
    const result = rate(euRequest({ ...cleanDriver('d1'), priorInsurance: undefined }), tables);
    expect(factorLine(result, 'noviceSurcharge')).toMatchObject({
      value: '2.00',
      source: { driverFact: 'priorInsurance: no insured day in the 36 months before 2025-07-15' },
    });
  });

  it('A121-1-2: novice + one claim + DUI composes on the reference premium: LIAB 459.20 × 2.00 × 1.25 + 459.20 × 1.50 = 1836.80 (2870.00 when multiplied)', () => {
    const driver = cleanDriver('d1', {
      licensedSince: '2024-01-10',
      priorInsurance: { periods: [{ from: '2024-01-10' }] },
      claims: [{ date: '2024-06-01', atFault: true, amountMinor: 250_000 }],
      violations: [{ date: '2024-06-01', points: 6, code: 'DUI' }],
    });
    // Reference LIAB = 410.00 × suburban 1.00 × mileage 1.12 (24,140 km) × commute 1.00 × standard 1.00 = 459.20.
    const result = rate(euRequest(driver, 24_140), tables);
    const liab = result.breakdown.filter((l) => l.step === 'factor' && l.coverage === 'LIAB' && l.term === 1);
    expect(liab.slice(-3).map((l) => [l.factor, l.kind, l.value, l.running])).toEqual([
      ['driverRecord', 'coefficient', '1.25', '574.00'],
      ['noviceSurcharge', 'coefficient', '2.00', '1148.00'],
      ['aggravation', 'referenceSurcharge', '1.50', '1836.80'],
    ]);
    expect(lines(result, 'coveragePremium').find((l) => l.coverage === 'LIAB')?.amountMinor).toBe(183680);
  });

  it('A121-1-2: surcharges are a share of the reference premium, whatever the bonus: at CRM 0.50 a DUI adds +150% of the reference, not of the reduced premium', () => {
    const dui = rate(
      euRequest(cleanDriver('d1', { violations: [{ date: '2024-03-01', points: 6, code: 'DUI' }] })),
      tables,
    );
    const liab = dui.breakdown.filter((l) => l.step === 'factor' && l.coverage === 'LIAB' && l.term === 1);
    // 410.00 × 1.00 (suburban, 15,000 km, commute, standard) = 410.00; × 0.50 = 205.00; + 410.00 × 1.50 = 820.00.
    expect(liab.slice(-3).map((l) => [l.factor, l.value, l.running])).toEqual([
      ['driverRecord', '0.50', '205.00'],
      ['noviceSurcharge', '1.00', '205.00'],
      ['aggravation', '1.50', '820.00'],
    ]);
  });

  it('A121-1-2: the surcharges add up and their total stops at +400% of the reference premium', () => {
    const violations = (codes: string[]) => codes.map((code, i) => ({ date: `2024-0${i + 1}-01`, points: 4, code }));
    const aggravation = (codes: string[], claims: ClaimInput[] = []) =>
      factorLine(rate(euRequest(cleanDriver('d1', { violations: violations(codes), claims })), tables), 'aggravation');
    expect(aggravation(['DUI']).value).toBe('1.50');
    expect(aggravation(['DUI', 'HIT_AND_RUN']).value).toBe('2.50');
    const claims = ['2024-06-01', '2024-08-01', '2024-10-01'].map((date) => ({
      date,
      atFault: true,
      amountMinor: 10_000,
    }));
    // 150% + 100% + 50% + 50% (3 responsible paid claims in the last reference year) = 350%.
    expect(aggravation(['DUI', 'HIT_AND_RUN', 'DRIVING_WHILE_SUSPENDED'], claims)).toMatchObject({
      value: '3.50',
      source: { note: '+350% of the reference premium, added after the coefficients' },
    });
    // + DWI 150% = 500%, capped at 400%.
    expect(aggravation(['DUI', 'DWI', 'HIT_AND_RUN', 'DRIVING_WHILE_SUSPENDED'], claims)).toMatchObject({
      value: '4.00',
      source: { note: '+400% of the reference premium, added after the coefficients; capped at +400%' },
    });
    // Three claims closed without payment are not "responsible claims" surcharged.
    expect(
      aggravation(
        [],
        claims.map((c) => ({ ...c, amountMinor: 0 })),
      ).value,
    ).toBe('0.00');
  });

  it('prices mileage in km bands without conversion', () => {
    const at = (annualMileageKm: number) =>
      factorLine(rate(euRequest(cleanDriver('d1'), annualMileageKm), tables), 'annualMileage');
    expect(at(7_999).source).toMatchObject({
      tableRow: 'annualMileage.km[0,8000)',
      driverFact: 'lease.annualMileageKm 7999',
    });
    expect(at(8_000).source.tableRow).toBe('annualMileage.km[8000,12000)');
  });
});

function formatYear(date: CalendarDate): string {
  return `${date.year}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}
