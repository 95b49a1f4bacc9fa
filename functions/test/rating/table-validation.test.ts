// Rate tables are validated on load; every failure names the offending JSON path.
/* eslint-disable @typescript-eslint/no-explicit-any -- the cases reshape table JSON freely, including into invalid tables */
import {
  BUILT_IN_RATE_TABLES,
  builtInRateTableSet,
  isBuiltInRateTableId,
  loadRateTableSet,
  rate,
  RateTableError,
} from '../../src/rating';
import { euTableJson, usTableJson, workedExampleRequest } from './fixtures';

function issuesOf(json: unknown[]): { path: string; message: string }[] {
  try {
    loadRateTableSet(json);
  } catch (error) {
    expect(error).toBeInstanceOf(RateTableError);
    return (error as RateTableError).issues;
  }
  throw new Error('expected the table to be rejected');
}

function rejectsUs(mutate: (json: any) => void): { path: string; message: string }[] {
  const json = usTableJson();
  mutate(json);
  return issuesOf([json]);
}

describe('shipped tables', () => {
  it.each(['us-illustrative', 'eu-bonus-malus-illustrative'] as const)(
    '%s loads, is labelled illustrative and cites its sources',
    (id) => {
      const set = builtInRateTableSet(id);
      expect(set.id).toBe(id);
      const { table, sha256 } = set.versions[0]!;
      expect(table.status).toBe('ILLUSTRATIVE');
      expect(table.disclaimer).toMatch(/illustrative/i);
      expect(table.sources.length).toBeGreaterThan(0);
      expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    },
  );

  it('lists the built-in ids', () => {
    expect([...BUILT_IN_RATE_TABLES]).toEqual(['us-illustrative', 'eu-bonus-malus-illustrative']);
    expect(isBuiltInRateTableId('us-illustrative')).toBe(true);
    expect(isBuiltInRateTableId('nope')).toBe(false);
    expect(() => builtInRateTableSet('nope' as never)).toThrow('unknown built-in rate table "nope"');
  });

  it('hashes canonical JSON: key order does not change the sha256', () => {
    const json = usTableJson();
    const reordered = Object.fromEntries(Object.entries(json).reverse());
    expect(loadRateTableSet([reordered]).versions[0]!.sha256).toBe(
      builtInRateTableSet('us-illustrative').versions[0]!.sha256,
    );
  });
});

describe('protected attributes are rejected wherever they appear', () => {
  it.each([
    ['a top-level gender key', (j: any) => (j.gender = { F: '0.90', M: '1.10' }), 'gender'],
    [
      'a sex factor',
      (j: any) => (j.factors.sex = { appliesTo: ['LIAB'], values: { F: '0.9' }, source: 'x' }),
      'factors.sex',
    ],
    [
      'a camel-case maritalStatus key',
      (j: any) => (j.factors.territory.maritalStatus = '1.00'),
      'factors.territory.maritalStatus',
    ],
    [
      'a credit score band',
      (j: any) => (j.factors.driverAge.bands[0].credit_score = 700),
      'factors.driverAge.bands[0].credit_score',
    ],
    [
      'occupation in the unknown-driver profile',
      (j: any) => (j.unknownDriver.profile.occupation = 'teacher'),
      'unknownDriver.profile.occupation',
    ],
    ['education', (j: any) => (j.referral.education = 'none'), 'referral.education'],
    ['home ownership', (j: any) => (j.fees.homeOwnership = '1.00'), 'fees.homeOwnership'],
    [
      'a value naming a protected attribute',
      (j: any) => (j.factors.usage.values = { ...j.factors.usage.values, x: 'gender' }),
      'factors.usage.values.x',
    ],
  ])('%s', (_label, mutate, path) => {
    const issues = rejectsUs(mutate);
    expect(issues).toEqual([{ path, message: expect.stringContaining('protected attribute') }]);
  });

  it('says so in the error message', () => {
    expect(() => loadRateTableSet([{ ...usTableJson(), gender: {} }])).toThrow(
      /^invalid rate table: gender: protected attribute/,
    );
  });
});

describe('structure and cross-field rules', () => {
  it('rejects a band gap', () => {
    expect(rejectsUs((j) => (j.factors.driverAge.bands[2].from = 22))).toContainEqual({
      path: 'factors.driverAge.bands[2].from',
      message: 'gap between 21 and 22',
    });
  });
  it('rejects a band overlap', () => {
    expect(rejectsUs((j) => (j.factors.annualMileage.bands[1].from = 7000))).toContainEqual({
      path: 'factors.annualMileage.bands[1].from',
      message: 'overlap: starts at 7000 before the previous band ends at 7501',
    });
  });
  it('rejects a closed last band and a band that does not start at 0', () => {
    expect(rejectsUs((j) => (j.factors.vehicleAge.bands[3].to = 30))).toContainEqual({
      path: 'factors.vehicleAge.bands[3].to',
      message: 'the last band must be open-ended (to = null), ends at 30',
    });
    expect(rejectsUs((j) => (j.driverRecord.violationPoints.bands[0].from = 1))).toContainEqual({
      path: 'driverRecord.violationPoints.bands[0].from',
      message: 'first band must start at 0, starts at 1',
    });
  });
  it('rejects a factor given as a JSON number instead of a string', () => {
    expect(rejectsUs((j) => (j.factors.usage.values.commute = 1.0))).toEqual([
      { path: 'factors.usage.values.commute', message: expect.stringContaining('not a JSON number') },
    ]);
  });
  it('rejects a factor outside [0.25, 5.00]', () => {
    expect(rejectsUs((j) => (j.factors.territory.values.rural = '0.20'))).toEqual([
      { path: 'factors.territory.values.rural', message: 'factor 0.20 is outside [0.25, 5.00]' },
    ]);
  });
  it('rejects a missing coverage and a missing base rate', () => {
    expect(rejectsUs((j) => (j.coverages = ['LIAB', 'COLL']))).toContainEqual({
      path: 'coverages',
      message: 'missing coverage COMP',
    });
    expect(rejectsUs((j) => delete j.baseRates.COMP)).toEqual([
      { path: 'baseRates', message: 'missing base rate for coverage COMP' },
    ]);
    expect(rejectsUs((j) => delete j.factors.deductible.values.COMP)).toContainEqual({
      path: 'factors.deductible.values',
      message: 'missing deductibles for coverage COMP',
    });
  });
  it('rejects a lookup that misses a value the engine asks for', () => {
    expect(rejectsUs((j) => delete j.factors.usage.values.business)).toEqual([
      { path: 'factors.usage.values', message: 'missing value for "business"' },
    ]);
    expect(rejectsUs((j) => (j.factors.territory.jurisdictions = { mars: 'US-CA' }))).toEqual([
      { path: 'factors.territory.values', message: 'missing value for "mars"' },
    ]);
  });
  it('rejects unknown keys, bad dates and money finer than the currency', () => {
    expect(rejectsUs((j) => (j.discounts = {}))).toEqual([{ path: '', message: expect.stringContaining('discounts') }]);
    expect(rejectsUs((j) => (j.effectiveFrom = '2025-13-01'))).toEqual([
      { path: 'effectiveFrom', message: expect.any(String) },
    ]);
    expect(rejectsUs((j) => (j.fees.policyFee = '45.001'))).toEqual([
      { path: 'fees.policyFee', message: '45.001 has more decimals than USD minor units (2)' },
    ]);
    expect(rejectsUs((j) => (j.minimumPremium.term = '400.00'))).toEqual([
      { path: 'minimumPremium.term', message: 'must not exceed minimumPremium.annual' },
    ]);
  });
  it('rejects a malformed CRM block in the EU table', () => {
    const json = euTableJson();
    json.driverRecord.crm.floor = '4.00';
    expect(issuesOf([json])).toEqual([{ path: 'driverRecord.crm.floor', message: 'floor above cap' }]);
  });
});

describe('versioned sets', () => {
  function version(v: string, from: string, to: string | null, liab = '520.00'): any {
    const json = usTableJson();
    Object.assign(json, { version: v, effectiveFrom: from, effectiveTo: to });
    json.baseRates.LIAB = liab;
    return json;
  }

  it('rejects an empty set, mixed ids, duplicate versions, overlapping effective ranges and gaps between them', () => {
    expect(issuesOf([])).toEqual([{ path: '', message: 'expected a non-empty array of rate-table versions' }]);
    const other = version('b', '2026-01-01', null);
    other.id = 'other';
    expect(issuesOf([version('a', '2000-01-01', '2026-01-01'), other])).toEqual([
      { path: '[1].id', message: '"other" differs from "us-illustrative": a set holds versions of one table' },
    ]);
    expect(issuesOf([version('a', '2000-01-01', '2026-01-01'), version('a', '2026-01-01', null)])).toEqual([
      { path: '[1].version', message: 'duplicate version a' },
    ]);
    expect(issuesOf([version('b', '2026-01-01', null), version('a', '2000-01-01', '2026-02-01')])).toEqual([
      { path: '[0].effectiveFrom', message: 'version b (from 2026-01-01) overlaps version a (to 2026-02-01)' },
    ]);
    expect(issuesOf([version('a', '2000-01-01', '2026-01-01'), version('b', '2026-02-01', null)])).toEqual([
      {
        path: '[1].effectiveFrom',
        message:
          'version b starts 2026-02-01, leaving a gap after version a (to 2026-01-01): versions must follow each other',
      },
    ]);
    expect(
      issuesOf([version('a', '2000-01-01', '2026-01-01'), { ...version('b', '2026-01-01', null), gender: 1 }]),
    ).toEqual([{ path: '[1].gender', message: expect.stringContaining('protected attribute') }]);
  });

  it('prices each term with the version in force on its start', () => {
    const set = loadRateTableSet([
      version('2026.07.0', '2026-07-01', null, '624.00'),
      version('2025.07.0', '2000-01-01', '2026-07-01'),
    ]);
    const result = rate(workedExampleRequest(), set);
    expect(result.terms.map((t) => t.tableVersion)).toEqual(['2025.07.0', '2026.07.0']);
    expect(result.tableVersion).toBe('2025.07.0');
    // Term 1 unchanged (worked example); term 2 LIAB annual 624 × 1.15 × 1.10 × 1.05 × 1.495 × 1.05 = 1301.0527530 -> 1301.05, × 228/365 = 812.71.
    expect(result.annualPremiumMinor).toBe(239231);
    const term2Liab = result.breakdown.find((l) => l.step === 'termCoverage' && l.coverage === 'LIAB' && l.term === 2);
    expect(term2Liab?.amountMinor).toBe(81271);
  });

  it('refuses a lease that runs past the last version in force, naming the term start', () => {
    const set = loadRateTableSet([version('2025.07.0', '2000-01-01', '2026-07-01')]);
    expect(() => rate(workedExampleRequest(), set)).toThrow(
      'lease.endDate: no version of rate table us-illustrative is in force on 2026-07-15',
    );
  });
});
