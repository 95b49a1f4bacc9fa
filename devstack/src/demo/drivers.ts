// The demo's drivers: people with different histories, registered with the insurer through the
// back-office API (PUT /api/drivers/{publicKey}, body = the event package's DriverProfile).
import { DriverProfile } from '@lease-premium/events';
import { shiftDate } from './dates';

export interface Persona {
  /** Display name in the demo table (never sent anywhere: the insurer knows drivers by key). */
  name: string;
  /** One line on why this history is interesting. */
  story: string;
  profile(today: string): DriverProfile;
}

export const PERSONAS: readonly Persona[] = [
  {
    name: 'Alice',
    story: '48, licensed 30 years, clean record, continuously insured',
    profile: (today) => ({
      dateOfBirth: shiftDate(today, { years: -48, months: -3 }),
      licensedSince: shiftDate(today, { years: -30 }),
      territory: 'suburban',
      priorInsurance: { periods: [{ from: shiftDate(today, { years: -29 }) }] },
      claims: [],
      violations: [],
    }),
  },
  {
    name: 'Ben',
    story: '21, licensed 2 years, a speeding ticket last year, city centre',
    profile: (today) => ({
      dateOfBirth: shiftDate(today, { years: -21, months: -2 }),
      licensedSince: shiftDate(today, { years: -2, months: -1 }),
      territory: 'urban-core',
      claims: [],
      violations: [{ date: shiftDate(today, { months: -11 }), points: 3, code: 'SPEEDING' }],
    }),
  },
  {
    name: 'Chloe',
    story: '35, one at-fault claim three years ago, urban',
    profile: (today) => ({
      dateOfBirth: shiftDate(today, { years: -35, months: -7 }),
      licensedSince: shiftDate(today, { years: -17 }),
      territory: 'urban',
      priorInsurance: { periods: [{ from: shiftDate(today, { years: -12 }) }] },
      claims: [{ date: shiftDate(today, { years: -3, months: -2 }), atFault: true, amountMinor: 412_000 }],
      violations: [],
    }),
  },
  {
    name: 'Dev',
    story: '62, rural, clean, but uninsured for the past two years',
    profile: (today) => ({
      dateOfBirth: shiftDate(today, { years: -62, months: -1 }),
      licensedSince: shiftDate(today, { years: -44 }),
      territory: 'rural',
      priorInsurance: { periods: [{ from: shiftDate(today, { years: -20 }), to: shiftDate(today, { years: -2 }) }] },
      claims: [],
      violations: [],
    }),
  },
  {
    name: 'Elena',
    story: '29, a not-at-fault claim, a red light, commutes in the city',
    profile: (today) => ({
      dateOfBirth: shiftDate(today, { years: -29, months: -5 }),
      licensedSince: shiftDate(today, { years: -11 }),
      territory: 'urban',
      priorInsurance: { periods: [{ from: shiftDate(today, { years: -8 }) }] },
      claims: [{ date: shiftDate(today, { years: -1, months: -4 }), atFault: false, amountMinor: 185_000 }],
      violations: [{ date: shiftDate(today, { years: -2 }), points: 2, code: 'RED_LIGHT' }],
    }),
  },
];

/** Validates a persona's profile with the same schema the Function App uses (a bad persona fails here, not in the API). */
export function personaProfile(persona: Persona, today: string): DriverProfile {
  return DriverProfile.parse(persona.profile(today));
}
