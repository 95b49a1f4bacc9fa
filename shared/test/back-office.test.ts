// Back-office bodies: driver profile, claims, violations.
import { addYears } from '../src/dates';
import {
  Claim,
  DriverProfile,
  claimWrittenOn,
  driverProfileWrittenOn,
  formatIssues,
  parseWith,
  Violation,
  violationWrittenOn,
} from '../src';
import { driverProfile } from './fixtures';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at nested JSON

function profileWith(mutation: (profile: Json) => void): Json {
  const profile = JSON.parse(JSON.stringify(driverProfile())) as Json;
  mutation(profile);
  return profile;
}

function problems(input: unknown): string {
  const parsed = parseWith(DriverProfile, input);
  if (parsed.ok) throw new Error('expected a refusal');
  return formatIssues(parsed.issues);
}

describe('DriverProfile', () => {
  it('accepts the fixture, no prior insurance, and empty histories', () => {
    expect(parseWith(DriverProfile, driverProfile())).toEqual({ ok: true, value: driverProfile() });
    expect(
      parseWith(
        DriverProfile,
        profileWith((p) => delete p.priorInsurance),
      ).ok,
    ).toBe(true);
    expect(
      parseWith(
        DriverProfile,
        profileWith((p) => Object.assign(p, { claims: [], violations: [] })),
      ).ok,
    ).toBe(true);
  });

  it('accepts a one-day policy: `to` is the last insured day, inclusive', () => {
    const oneDay = profileWith((p) => (p.priorInsurance.periods = [{ from: '2024-05-01', to: '2024-05-01' }]));
    expect(parseWith(DriverProfile, oneDay).ok).toBe(true);
  });

  it.each<[string, (profile: Json) => void, string]>([
    [
      'a licence before birth',
      (p) => (p.licensedSince = '1980-01-01'),
      'licensedSince: must be at least 14 years after dateOfBirth',
    ],
    [
      'a licence the day before the 14th birthday',
      (p) => Object.assign(p, { dateOfBirth: '2000-03-01', licensedSince: '2014-02-28' }),
      'licensedSince: must be at least 14 years after dateOfBirth',
    ],
    [
      'a prior period ending before it starts',
      (p) => (p.priorInsurance.periods[0].to = '2009-01-01'),
      'priorInsurance.periods.0.to: must not be before priorInsurance.periods.0.from',
    ],
    ['a bad date of birth', (p) => (p.dateOfBirth = '1988-02-30'), 'dateOfBirth: Invalid ISO date'],
    [
      'a negative claim amount',
      (p) => (p.claims[0].amountMinor = -1),
      'claims.0.amountMinor: Too small: expected number to be >=0',
    ],
    [
      'a claim in a non-ISO currency',
      (p) => (p.claims[0].currency = 'ABC'),
      'claims.0.currency: must be an ISO 4217 code such as "EUR"',
    ],
    [
      'a claim without responsibility or atFault',
      (p) => delete p.claims[0].atFault,
      'claims.0.responsibility: is required (or the older atFault flag)',
    ],
    [
      'a claim whose atFault contradicts its responsibility',
      (p) => (p.claims[0].responsibility = p.claims[0].atFault ? 'none' : 'full'),
      'claims.0.atFault: ',
    ],
    ['an unknown responsibility', (p) => (p.claims[0].responsibility = 'most'), 'claims.0.responsibility: '],
    ['21 points', (p) => (p.violations[0].points = 21), 'violations.0.points: Too big: expected number to be <=20'],
    [
      'a lower-case violation code',
      (p) => (p.violations[0].code = 'speeding'),
      'violations.0.code: must be an upper-case code such as "SPEEDING"',
    ],
    ['no territory', (p) => delete p.territory, 'territory: is required'],
    ['no claims list', (p) => delete p.claims, 'claims: is required'],
    ['claims as an object', (p) => (p.claims = {}), 'claims: Invalid input: expected array, received object'],
  ])('refuses %s', (_label, mutation, expected) => {
    expect(problems(profileWith(mutation))).toContain(expected);
  });

  it('accepts a claim without currency and a known severe violation', () => {
    expect(parseWith(Claim, { date: '2024-01-05', atFault: false, amountMinor: 0 }).ok).toBe(true);
    expect(parseWith(Claim, { date: '2024-01-05', responsibility: 'partial', amountMinor: 1 }).ok).toBe(true);
    expect(parseWith(Claim, { date: '2024-01-05', responsibility: 'partial', atFault: true, amountMinor: 1 }).ok).toBe(
      true,
    );
    expect(parseWith(Violation, { date: '2024-01-05', points: 6, code: 'HIT_AND_RUN' }).ok).toBe(true);
  });

  it('Claim and Violation alone report paths from their own root', () => {
    expect(parseWith(Claim, { date: '2024-01-05', atFault: 'yes', amountMinor: 1 })).toEqual({
      ok: false,
      issues: [{ path: 'atFault', message: 'Invalid input: expected boolean, received string' }],
    });
    expect(parseWith(Violation, { date: '2024-01-05', code: 'DUI' })).toEqual({
      ok: false,
      issues: [{ path: 'points', message: 'is required' }],
    });
  });
});

describe('rules of the day of writing', () => {
  const today = '2026-12-03';
  const written = (input: unknown) => parseWith(driverProfileWrittenOn(today), input);
  const paths = (input: unknown) => {
    const parsed = written(input);
    return parsed.ok ? [] : parsed.issues.map((issue) => issue.path);
  };

  it('adds years to ISO dates as strings, 29 February included', () => {
    expect(addYears('1990-06-15', 16)).toBe('2006-06-15');
    expect(addYears('2008-02-29', 14)).toBe('2022-02-29');
    expect(['2022-02-28', '2022-02-29', '2022-03-01'].sort()).toEqual(['2022-02-28', '2022-02-29', '2022-03-01']);
  });

  it.each<[string, (profile: Json) => void, string[]]>([
    ['the fixture', () => undefined, []],
    [
      'age exactly 16 today',
      (p) => Object.assign(p, { dateOfBirth: '2010-12-03', licensedSince: '2024-12-03', priorInsurance: undefined }),
      [],
    ],
    [
      'one day short of 16',
      (p) => Object.assign(p, { dateOfBirth: '2010-12-04', licensedSince: '2024-12-04', priorInsurance: undefined }),
      ['dateOfBirth'],
    ],
    [
      'age 120 (the day before the 121st birthday)',
      (p) => Object.assign(p, { dateOfBirth: '1905-12-04', licensedSince: '1925-01-01' }),
      [],
    ],
    [
      'age 121 today',
      (p) => Object.assign(p, { dateOfBirth: '1905-12-03', licensedSince: '1925-01-01' }),
      ['dateOfBirth'],
    ],
    ['year 1', (p) => (p.dateOfBirth = '0001-01-01'), ['dateOfBirth']],
    ['a licence issued tomorrow', (p) => (p.licensedSince = '2026-12-04'), ['licensedSince']],
    ['a claim next year', (p) => (p.claims[0].date = '2027-01-01'), ['claims.0.date']],
    ['a violation tomorrow', (p) => (p.violations[0].date = '2026-12-04'), ['violations.0.date']],
  ])('%s', (_name, mutation, expected) => {
    expect(paths(profileWith(mutation))).toEqual(expected);
  });

  it('claims and violations reported today may be dated today, not later', () => {
    expect(parseWith(claimWrittenOn(today), { date: today, atFault: true, amountMinor: 1 }).ok).toBe(true);
    expect(parseWith(claimWrittenOn(today), { date: '2026-12-04', atFault: true, amountMinor: 1 })).toEqual({
      ok: false,
      issues: [{ path: 'date', message: 'must not be in the future (today is 2026-12-03)' }],
    });
    expect(parseWith(violationWrittenOn(today), { date: '2027-01-01', points: 1, code: 'SPEEDING' }).ok).toBe(false);
  });
});
