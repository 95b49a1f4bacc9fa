// Shared inputs for the rating tests: the worked example (us-illustrative) and
// small builders around it.
import type { DriverFacts, RatingRequest } from '../../src/rating';

/** The worked-example lessee: DOB 2001-02-10, licensed 2021-09-01, one at-fault claim, one 1-point speeding, continuously insured. */
export function workedExampleDriver(overrides: Partial<DriverFacts> = {}): DriverFacts {
  return {
    driverKey: 'lessee-A',
    dateOfBirth: '2001-02-10',
    licensedSince: '2021-09-01',
    territory: 'urban',
    priorInsurance: { periods: [{ from: '2021-09-01' }] },
    claims: [{ date: '2023-11-02', atFault: true, amountMinor: 450_000 }],
    violations: [{ date: '2024-05-20', points: 1, code: 'SPEEDING_LE_10' }],
    ...overrides,
  };
}

/**
 * Worked example: 2024 SUV, price new 32,000 USD, standard class; lease 2024-03-01 to 2027-02-28, transferred
 * 2025-07-15; 15,000 miles a year = 24,140 km (14,999.90 mi, band 12,001-15,000); commute.
 */
export function workedExampleRequest(overrides: Partial<RatingRequest> = {}): RatingRequest {
  return {
    transferDate: '2025-07-15',
    vehicle: {
      vin: '1HGCM82633A004352',
      make: 'Demo',
      model: 'SUV',
      modelYear: 2024,
      valueMinor: 3_200_000,
      currency: 'USD',
      ratingClass: 'standard',
      bodyType: 'suv',
    },
    lease: { startDate: '2024-03-01', endDate: '2027-02-28', annualMileageKm: 24_140, usage: 'commute' },
    drivers: [workedExampleDriver()],
    ...overrides,
  };
}

/** A clean, experienced, continuously insured driver in a neutral territory. */
export function cleanDriver(driverKey: string, overrides: Partial<DriverFacts> = {}): DriverFacts {
  return {
    driverKey,
    dateOfBirth: '1980-06-15',
    licensedSince: '1998-06-15',
    territory: 'suburban',
    priorInsurance: { periods: [{ from: '1998-06-15' }] },
    claims: [],
    violations: [],
    ...overrides,
  };
}

import usTable from '../../src/rating/tables/us-illustrative.2025.07.0.json';
import euTable from '../../src/rating/tables/eu-bonus-malus-illustrative.2025.07.0.json';
import type { BreakdownLine, RatingResult } from '../../src/rating';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests reshape table JSON freely, including into invalid tables */
/** A mutable deep copy of a shipped table's JSON, to build variants. */
export function usTableJson(): any {
  return structuredClone(usTable);
}
export function euTableJson(): any {
  return structuredClone(euTable);
}

/** Lines of one term (1-based; the first by default; a lease with no terms has untermed annual lines). */
function ofTerm(line: BreakdownLine, term: number): boolean {
  return (line.term ?? 1) === term;
}

/** The breakdown line of one factor on one coverage of a term's annual premium (the first term by default). */
export function factorLine(
  result: RatingResult,
  factor: string,
  coverage: 'LIAB' | 'COLL' | 'COMP' = 'LIAB',
  term = 1,
): BreakdownLine {
  const line = result.breakdown.find(
    (l) => l.step === 'factor' && l.factor === factor && l.coverage === coverage && ofTerm(l, term),
  );
  if (!line) throw new Error(`no ${factor} line on ${coverage} in term ${term}`);
  return line;
}

export function lines(result: RatingResult, step: string, term = 1): BreakdownLine[] {
  return result.breakdown.filter((l) => l.step === step && ofTerm(l, term));
}
