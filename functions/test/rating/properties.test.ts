// Property-based tests (fast-check) of the rating invariants.
import fc from 'fast-check';
import {
  builtInRateTableSet,
  rate,
  type DriverFacts,
  type RatingRequest,
  type RatingResult,
  type UnknownDriver,
} from '../../src/rating';
import { addMonths, formatIsoDate, parseIsoDate } from '../../src/rating/dates';
import { Dec } from '../../src/rating/decimal';
import { termFactors } from '../../src/rating/factors';
import { annualPremium } from '../../src/rating/premium';
import { normalizeRequest } from '../../src/rating/request';

const tableSets = {
  USD: builtInRateTableSet('us-illustrative'),
  EUR: builtInRateTableSet('eu-bonus-malus-illustrative'),
};

const DAY = 86_400_000;
const isoFromDay = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
const dayOf = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / DAY;
const dateBetween = (from: string, to: string) => fc.integer({ min: dayOf(from), max: dayOf(to) }).map(isoFromDay);

const CODES = [
  'SPEEDING_LE_10',
  'SPEEDING_21_PLUS',
  'RED_LIGHT',
  'DUI',
  'HIT_AND_RUN',
  'RACING',
  'DRIVING_WHILE_SUSPENDED',
];
const claimArb = fc.oneof(
  fc.record({
    date: dateBetween('2015-01-01', '2030-12-31'),
    atFault: fc.boolean(),
    amountMinor: fc.integer({ min: 0, max: 3_000_000 }),
  }),
  fc.record({
    date: dateBetween('2015-01-01', '2030-12-31'),
    responsibility: fc.constantFrom('full' as const, 'partial' as const, 'none' as const),
    amountMinor: fc.integer({ min: 0, max: 3_000_000 }),
  }),
);
const violationArb = fc.record({
  date: dateBetween('2018-01-01', '2030-12-31'),
  points: fc.integer({ min: 0, max: 12 }),
  code: fc.constantFrom(...CODES),
});

const factsArb = fc.record({
  dateOfBirth: dateBetween('1940-01-01', '2008-12-31'),
  licensedAfterYears: fc.integer({ min: 16, max: 40 }),
  territory: fc.constantFrom('urban-core', 'urban', 'suburban', 'rural'),
  insured: fc.option(
    fc.array(
      fc.record({
        from: dateBetween('2010-01-01', '2028-01-01'),
        days: fc.option(fc.integer({ min: 1, max: 2000 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    { nil: undefined },
  ),
  claims: fc.array(claimArb, { maxLength: 4 }),
  violations: fc.array(violationArb, { maxLength: 4 }),
});

type ValueOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

function driverFrom(driverKey: string, f: ValueOf<typeof factsArb>): DriverFacts {
  const dob = parseIsoDate(f.dateOfBirth)!;
  return {
    driverKey,
    dateOfBirth: f.dateOfBirth,
    licensedSince: formatIsoDate(addMonths(dob, 12 * f.licensedAfterYears)),
    territory: f.territory,
    ...(f.insured
      ? {
          priorInsurance: {
            periods: f.insured.map((p) => ({
              from: p.from,
              ...(p.days ? { to: isoFromDay(dayOf(p.from) + p.days) } : {}),
            })),
          },
        }
      : {}),
    claims: f.claims,
    violations: f.violations,
  };
}

const requestArb = fc.record({
  currency: fc.constantFrom('USD' as const, 'EUR' as const),
  transferDate: dateBetween('2020-01-01', '2030-12-31'),
  leaseDays: fc.integer({ min: 1, max: 2200 }),
  annualMileageKm: fc.integer({ min: 0, max: 60_000 }),
  usage: fc.constantFrom('pleasure' as const, 'commute' as const, 'business' as const),
  modelYear: fc.integer({ min: 2005, max: 2031 }),
  valueMinor: fc.integer({ min: 500_000, max: 16_000_000 }),
  ratingClass: fc.constantFrom('standard' as const, 'large' as const, 'high-performance' as const),
  facts: factsArb,
});

function requestFrom(r: ValueOf<typeof requestArb>, drivers: RatingRequest['drivers']): RatingRequest {
  return {
    transferDate: r.transferDate,
    vehicle: {
      vin: '1HGCM82633A004352',
      make: 'Demo',
      model: 'Car',
      modelYear: r.modelYear,
      valueMinor: r.valueMinor,
      currency: r.currency,
      ratingClass: r.ratingClass,
      bodyType: 'sedan',
    },
    lease: {
      startDate: '2019-01-01',
      endDate: isoFromDay(dayOf(r.transferDate) + r.leaseDays),
      annualMileageKm: r.annualMileageKm,
      usage: r.usage,
    },
    drivers,
  };
}

/** Every term, and so the lease total, costs at least as much in `b` as in `a`. */
function neverLower(a: RatingResult, b: RatingResult): void {
  expect(b.terms.map((t) => t.start)).toEqual(a.terms.map((t) => t.start));
  b.terms.forEach((term, i) => expect(term.premiumMinor).toBeGreaterThanOrEqual(a.terms[i]!.premiumMinor));
  expect(b.leaseTotalMinor).toBeGreaterThanOrEqual(a.leaseTotalMinor);
}

const coDriversArb = fc.array(fc.record({ unknown: fc.boolean(), facts: factsArb }), { minLength: 0, maxLength: 2 });
const coDrivers = (list: ValueOf<typeof coDriversArb>): Array<DriverFacts | UnknownDriver> =>
  list.map((d, i) => (d.unknown ? { driverKey: `co${i}`, unknown: true } : driverFrom(`co${i}`, d.facts)));

describe('rating properties', () => {
  it('adding a claim or violation points to any listed driver never lowers a term premium or the lease total', () => {
    fc.assert(
      fc.property(
        requestArb,
        coDriversArb,
        fc.oneof(
          claimArb.map((claim) => ({ claim })),
          violationArb.map((violation) => ({ violation })),
        ),
        (r, others, extra) => {
          const before = requestFrom(r, [driverFrom('d', r.facts), ...coDrivers(others)]);
          const worse = driverFrom('d', {
            ...r.facts,
            claims: 'claim' in extra ? [...r.facts.claims, extra.claim] : r.facts.claims,
            violations: 'violation' in extra ? [...r.facts.violations, extra.violation] : r.facts.violations,
          });
          neverLower(
            rate(before, tableSets[r.currency]),
            rate({ ...before, drivers: [worse, ...coDrivers(others)] }, tableSets[r.currency]),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('adding a driver (known or unknown) never lowers a term premium or the lease total', () => {
    fc.assert(
      fc.property(
        requestArb,
        coDriversArb,
        fc.record({ unknown: fc.boolean(), facts: factsArb }),
        (r, others, added) => {
          const drivers = [driverFrom('d', r.facts), ...coDrivers(others)];
          const more = added.unknown
            ? { driverKey: 'added', unknown: true as const }
            : driverFrom('added', added.facts);
          neverLower(
            rate(requestFrom(r, drivers), tableSets[r.currency]),
            rate(requestFrom(r, [...drivers, more]), tableSets[r.currency]),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('more annual mileage never lowers a term premium or the lease total', () => {
    fc.assert(
      fc.property(requestArb, coDriversArb, fc.integer({ min: 0, max: 40_000 }), (r, others, extraKm) => {
        const drivers = [driverFrom('d', r.facts), ...coDrivers(others)];
        const a = rate(requestFrom(r, drivers), tableSets[r.currency]);
        const b = rate(
          requestFrom({ ...r, annualMileageKm: r.annualMileageKm + extraKm }, drivers),
          tableSets[r.currency],
        );
        neverLower(a, b);
      }),
      { numRuns: 200 },
    );
  });

  it("a full year's pro-rata equals the annual premium (leap years included)", () => {
    fc.assert(
      fc.property(requestArb, (r) => {
        const endDate = formatIsoDate(addMonths(parseIsoDate(r.transferDate)!, 12));
        const request = {
          ...requestFrom(r, [driverFrom('d', r.facts)]),
          lease: { startDate: '2019-01-01', endDate, annualMileageKm: r.annualMileageKm, usage: r.usage },
        };
        const result = rate(request, tableSets[r.currency]);
        expect(result.terms).toHaveLength(1);
        expect(result.terms[0]!.days).toBe(result.terms[0]!.yearDays);
        expect(result.terms[0]!.premiumMinor).toBe(result.annualPremiumMinor);
      }),
      { numRuns: 300 },
    );
  });

  it('results are independent of the order drivers are listed in', () => {
    const driversArb = fc.uniqueArray(
      fc.record({ key: fc.string({ minLength: 1, maxLength: 6 }), unknown: fc.boolean(), facts: factsArb }),
      { minLength: 1, maxLength: 4, selector: (d) => d.key },
    );
    fc.assert(
      fc.property(requestArb, driversArb, fc.func(fc.integer()), (r, drivers, order) => {
        const list: Array<DriverFacts | UnknownDriver> = drivers.map((d) =>
          d.unknown ? { driverKey: d.key, unknown: true } : driverFrom(d.key, d.facts),
        );
        const shuffled = list
          .map((d, i) => ({ d, k: order(i) }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.d);
        const a = rate(requestFrom(r, list), tableSets[r.currency]);
        const b = rate(requestFrom(r, shuffled), tableSets[r.currency]);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
        // Each term charges the highest premium any listed driver would pay for it alone.
        const alone = list.map((d) => rate(requestFrom(r, [d]), tableSets[r.currency]));
        a.terms.forEach((term, i) =>
          expect(term.premiumMinor).toBe(Math.max(...alone.map((x) => x.terms[i]!.premiumMinor))),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('terms cover the lease day for day, none longer than a policy year, and sum to the lease total', () => {
    fc.assert(
      fc.property(requestArb, (r) => {
        const result = rate(requestFrom(r, [driverFrom('d', r.facts)]), tableSets[r.currency]);
        expect(result.terms.reduce((s, t) => s + t.days, 0)).toBe(r.leaseDays);
        for (const t of result.terms) expect(t.days).toBeLessThanOrEqual(t.yearDays);
        expect(result.terms.reduce((s, t) => s + t.premiumMinor, 0)).toBe(result.leaseTotalMinor);
        for (const line of result.breakdown)
          if (line.amountMinor !== undefined) expect(Number.isSafeInteger(line.amountMinor)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('shuffling the factor order inside a coverage gives the same coverage premium', () => {
    fc.assert(
      fc.property(requestArb, fc.func(fc.integer()), (r, order) => {
        const request = normalizeRequest(requestFrom(r, [driverFrom('d', r.facts)]), r.currency);
        const table = tableSets[r.currency].versions[0]!.table;
        const { steps } = termFactors(request.drivers[0]!, request.transferDate, request, table);
        const shuffled = steps
          .map((s, i) => ({ s, k: order(i) }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.s);
        const a = annualPremium(steps, table);
        const b = annualPremium(shuffled, table);
        a.coverages.forEach((c, i) => {
          expect(c.exact.equals(b.coverages[i]!.exact)).toBe(true);
          expect(c.annual.equals(b.coverages[i]!.annual)).toBe(true);
        });
        expect(a.annual.equals(b.annual)).toBe(true);
        expect(a.annual.greaterThanOrEqualTo(new Dec(table.minimumPremium.annual))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
