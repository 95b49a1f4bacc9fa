// The French bonus-malus (CRM) scheme: §2.1 test vectors and the eu-bonus-malus-illustrative table.
import { builtInRateTableSet, rate } from '../../src/rating';
import { computeCrm, type CrmConfig } from '../../src/rating/crm';
import { addMonths, parseIsoDate, type CalendarDate } from '../../src/rating/dates';
import { cleanDriver, euTableJson, factorLine, lines, workedExampleRequest } from './fixtures';

const d = (iso: string): CalendarDate => parseIsoDate(iso)!;
const config = euTableJson().driverRecord.crm as CrmConfig;
const tables = builtInRateTableSet('eu-bonus-malus-illustrative');

/** Term start such that exactly `years` reference years (ending 2 months before it) follow 2000-01-01. */
const afterYears = (years: number) => addMonths(d('2000-03-01'), 12 * years);

describe('CRM coefficient (Code des assurances, annex to A121-1)', () => {
  it('follows the published ladder with truncation to 2 decimals: 13 claim-free years reach the 0.50 floor', () => {
    const ladder = Array.from({ length: 15 }, (_, years) => computeCrm(d('2000-01-01'), [], afterYears(years), config).crm.toFixed(2));
    expect(ladder).toEqual(['1.00', '0.95', '0.90', '0.85', '0.80', '0.76', '0.72', '0.68', '0.64', '0.60', '0.57', '0.54', '0.51', '0.50', '0.50']);
  });

  it('follows the §2.1 path: two responsible claims in 2022 (0.90 -> 1.12 -> 1.40), then 1.33, back to 1.00 after two claim-free years, 0.95', () => {
    const result = computeCrm(d('2020-01-01'), [d('2022-03-10'), d('2022-08-05')], d('2026-03-01'), config);
    expect(result.years.map((y) => [y.start, y.responsibleClaims, y.crm.toFixed(2)])).toEqual([
      ['2020-01-01', 0, '0.95'],
      ['2021-01-01', 0, '0.90'],
      ['2022-01-01', 2, '1.40'],
      ['2023-01-01', 0, '1.33'],
      ['2024-01-01', 0, '1.00'],
      ['2025-01-01', 0, '0.95'],
    ]);
  });

  it('caps at 3.50', () => {
    const claims = Array.from({ length: 6 }, (_, i) => d(`2000-0${i + 1}-15`));
    expect(computeCrm(d('2000-01-01'), claims, afterYears(1), config).crm.toFixed(2)).toBe('3.50');
  });

  it('forgives the first claim after three years at 0.50, once', () => {
    // Years 1-13 reach 0.50; years 14, 15, 16 are spent at 0.50; a claim in year 17 is forgiven, one in year 18 is not.
    const year = (n: number) => addMonths(d('2000-06-01'), 12 * (n - 1));
    const forgiven = computeCrm(d('2000-01-01'), [year(17)], afterYears(17), config);
    expect(forgiven.years.at(-1)).toMatchObject({ responsibleClaims: 1, forgiven: true });
    expect(forgiven.crm.toFixed(2)).toBe('0.50');
    expect(computeCrm(d('2000-01-01'), [year(17), year(18)], afterYears(18), config).crm.toFixed(2)).toBe('0.62');
    // Only two years at the floor: charged (0.50 × 1.25 = 0.625 -> 0.62).
    expect(computeCrm(d('2000-01-01'), [year(16)], afterYears(16), config).crm.toFixed(2)).toBe('0.62');
  });
});

describe('eu-bonus-malus-illustrative', () => {
  const eurVehicle = { ...workedExampleRequest().vehicle, currency: 'EUR' };
  const euRequest = (driver = cleanDriver('d1')) =>
    workedExampleRequest({ vehicle: eurVehicle, drivers: [driver], lease: { startDate: '2025-01-01', endDate: '2026-07-15', annualMileageKm: 15_000, usage: 'commute' } });

  it('golden: 10 reference years with one responsible claim in 2022-23 -> CRM 0.76; LIAB 358.34 + COLL 279.68 + COMP 104.88 + 30.00 = 772.90 EUR', () => {
    const driver = cleanDriver('d1', { licensedSince: '2015-03-01', territory: 'urban', claims: [{ date: '2023-05-10', atFault: true, amountMinor: 300_000 }, { date: '2024-02-01', atFault: false, amountMinor: 900_000 }] });
    const result = rate(euRequest(driver), tables);
    expect(factorLine(result, 'driverRecord')).toMatchObject({
      value: '0.76',
      source: { tableRow: 'driverRecord.crm[10 reference years]', note: 'CRM path 1.00 → 0.95 → 0.90 → 0.85 → 0.80 → 0.76 → 0.72 → 0.68 → 0.85 (1 claim) → 0.80 → 0.76' },
    });
    for (const coverage of ['COLL', 'COMP'] as const) expect(factorLine(result, 'driverRecord', coverage).value).toBe('0.76');
    expect(factorLine(result, 'driverAge').source.tableRow).toBe('driverAge[disabled]');
    expect(factorLine(result, 'noviceSurcharge').value).toBe('1.00');
    expect(Object.fromEntries(lines(result, 'coveragePremium').map((l) => [l.coverage, l.amountMinor]))).toEqual({ LIAB: 35834, COLL: 27968, COMP: 10488 });
    expect(result).toMatchObject({ annualPremiumMinor: 77290, currency: 'EUR', tableId: 'eu-bonus-malus-illustrative', outcome: 'RATED' });
  });

  it('novice surcharge on liability only: +100%, halved per claim-free licence year', () => {
    const novice = (claims: { date: string; atFault: boolean; amountMinor: number }[]) =>
      rate(euRequest(cleanDriver('d1', { licensedSince: '2024-01-10', priorInsurance: { periods: [{ from: '2024-01-10' }] }, claims })), tables);
    const clean = novice([]);
    expect(factorLine(clean, 'noviceSurcharge')).toMatchObject({ value: '1.50', source: { tableRow: 'driverRecord.noviceOrNoProofSurcharge[+50%]' } });
    expect(() => factorLine(clean, 'noviceSurcharge', 'COLL')).toThrow();
    const withClaim = novice([{ date: '2024-06-01', atFault: true, amountMinor: 10_000 }]);
    expect(factorLine(withClaim, 'noviceSurcharge').value).toBe('2.00');
    expect(factorLine(withClaim, 'driverRecord').value).toBe('1.25');
  });

  it('no proof of insurance in the last 3 years: the full +100% surcharge', () => {
    const result = rate(euRequest({ ...cleanDriver('d1'), priorInsurance: undefined }), tables);
    expect(factorLine(result, 'noviceSurcharge')).toMatchObject({ value: '2.00', source: { driverFact: 'priorInsurance: no insured day in the 36 months before 2025-07-15' } });
  });

  it('aggravations add up on liability and stop at +400%', () => {
    const violations = (codes: string[]) => codes.map((code, i) => ({ date: `2024-0${i + 1}-01`, points: 4, code }));
    expect(factorLine(rate(euRequest(cleanDriver('d1', { violations: violations(['DUI']) })), tables), 'aggravation').value).toBe('2.50');
    expect(factorLine(rate(euRequest(cleanDriver('d1', { violations: violations(['DUI', 'HIT_AND_RUN']) })), tables), 'aggravation').value).toBe('3.50');
    const claims = ['2024-06-01', '2024-08-01', '2024-10-01'].map((date) => ({ date, atFault: true, amountMinor: 10_000 }));
    // 150% + 100% + 50% + 50% (3 responsible claims in the last reference year) = 350%.
    const four = rate(euRequest(cleanDriver('d1', { violations: violations(['DUI', 'HIT_AND_RUN', 'DRIVING_WHILE_SUSPENDED']), claims })), tables);
    expect(factorLine(four, 'aggravation')).toMatchObject({ value: '4.50', source: { note: undefined } });
    // + DWI 150% = 500%, capped at 400%.
    const capped = rate(euRequest(cleanDriver('d1', { violations: violations(['DUI', 'DWI', 'HIT_AND_RUN', 'DRIVING_WHILE_SUSPENDED']), claims })), tables);
    expect(factorLine(capped, 'aggravation')).toMatchObject({ value: '5.00', source: { note: 'capped at +400%' } });
  });

  it('prices mileage in km bands without conversion', () => {
    const at = (annualMileageKm: number) => factorLine(rate(workedExampleRequest({ vehicle: eurVehicle, drivers: [cleanDriver('d1')], lease: { startDate: '2025-01-01', endDate: '2026-07-15', annualMileageKm, usage: 'commute' } }), tables), 'annualMileage');
    expect(at(7_999).source).toMatchObject({ tableRow: 'annualMileage.km[0,8000)', driverFact: 'lease.annualMileageKm 7999' });
    expect(at(8_000).source.tableRow).toBe('annualMileage.km[8000,12000)');
  });
});
