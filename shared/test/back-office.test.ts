// Back-office bodies: driver profile, claims, violations.
import { Claim, DriverProfile, formatIssues, parseWith, Violation } from '../src';
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
    expect(parseWith(DriverProfile, profileWith((p) => delete p.priorInsurance)).ok).toBe(true);
    expect(parseWith(DriverProfile, profileWith((p) => Object.assign(p, { claims: [], violations: [] }))).ok).toBe(true);
  });

  it.each<[string, (profile: Json) => void, string]>([
    ['a licence before birth', (p) => (p.licensedSince = '1980-01-01'), 'licensedSince: must be after dateOfBirth'],
    ['a prior period ending before it starts', (p) => (p.priorInsurance.periods[0].to = '2009-01-01'), 'priorInsurance.periods.0.to: must be after priorInsurance.periods.0.from'],
    ['a bad date of birth', (p) => (p.dateOfBirth = '1988-02-30'), 'dateOfBirth: Invalid ISO date'],
    ['a negative claim amount', (p) => (p.claims[0].amountMinor = -1), 'claims.0.amountMinor: Too small: expected number to be >=0'],
    ['a claim in a non-ISO currency', (p) => (p.claims[0].currency = 'ABC'), 'claims.0.currency: must be an ISO 4217 code such as "EUR"'],
    ['a claim without responsibility or atFault', (p) => delete p.claims[0].atFault, 'claims.0.responsibility: is required (or the older atFault flag)'],
    ['a claim whose atFault contradicts its responsibility', (p) => (p.claims[0].responsibility = p.claims[0].atFault ? 'none' : 'full'), 'claims.0.atFault: '],
    ['an unknown responsibility', (p) => (p.claims[0].responsibility = 'most'), 'claims.0.responsibility: '],
    ['21 points', (p) => (p.violations[0].points = 21), 'violations.0.points: Too big: expected number to be <=20'],
    ['a lower-case violation code', (p) => (p.violations[0].code = 'speeding'), 'violations.0.code: must be an upper-case code such as "SPEEDING"'],
    ['no territory', (p) => delete p.territory, 'territory: is required'],
    ['no claims list', (p) => delete p.claims, 'claims: is required'],
    ['claims as an object', (p) => (p.claims = {}), 'claims: Invalid input: expected array, received object'],
  ])('refuses %s', (_label, mutation, expected) => {
    expect(problems(profileWith(mutation))).toContain(expected);
  });

  it('accepts a claim without currency and a known severe violation', () => {
    expect(parseWith(Claim, { date: '2024-01-05', atFault: false, amountMinor: 0 }).ok).toBe(true);
    expect(parseWith(Claim, { date: '2024-01-05', responsibility: 'partial', amountMinor: 1 }).ok).toBe(true);
    expect(parseWith(Claim, { date: '2024-01-05', responsibility: 'partial', atFault: true, amountMinor: 1 }).ok).toBe(true);
    expect(parseWith(Violation, { date: '2024-01-05', points: 6, code: 'HIT_AND_RUN' }).ok).toBe(true);
  });

  it('Claim and Violation alone report paths from their own root', () => {
    expect(parseWith(Claim, { date: '2024-01-05', atFault: 'yes', amountMinor: 1 })).toEqual({ ok: false, issues: [{ path: 'atFault', message: 'Invalid input: expected boolean, received string' }] });
    expect(parseWith(Violation, { date: '2024-01-05', code: 'DUI' })).toEqual({ ok: false, issues: [{ path: 'points', message: 'is required' }] });
  });
});
