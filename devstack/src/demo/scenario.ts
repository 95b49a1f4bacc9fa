// The car-leasing story the demo plays, as data: drivers join the insurer, the leasing company
// registers its fleet, cars are leased, returned and leased again, and a lessee's new at-fault
// claim re-rates the car they drive. Step ids are stable: they are what the progress file records.
import type { Claim } from '@lease-premium/events';
import { shiftDate } from './dates';

export const DEMO_FLEET_SIZE = 5;

export type ScenarioStep =
  | { id: string; kind: 'register-driver'; driver: string }
  | { id: string; kind: 'register-car'; car: number }
  | {
      id: string;
      kind: 'lease-start';
      car: number;
      driver: string;
      leaseId: string;
      usage: 'pleasure' | 'commute' | 'business';
      annualMileageKm: number;
      months: number;
    }
  | { id: string; kind: 'lease-end'; car: number; leaseId: string }
  | { id: string; kind: 'report-claim'; driver: string; claim: (today: string) => Claim };

const lease = (
  car: number,
  driver: string,
  n: number,
  usage: 'pleasure' | 'commute' | 'business',
  annualMileageKm: number,
  months: number,
): ScenarioStep => ({
  id: `lease-start:${car}:${driver}`,
  kind: 'lease-start',
  car,
  driver,
  leaseId: `LC-${String(n).padStart(5, '0')}`,
  usage,
  annualMileageKm,
  months,
});

const leaseEnd = (car: number, n: number): ScenarioStep => ({
  id: `lease-end:${car}:${n}`,
  kind: 'lease-end',
  car,
  leaseId: `LC-${String(n).padStart(5, '0')}`,
});

/** Car indexes refer to buildFleet(DEMO_FLEET_SIZE): 0 Golf, 1 RAV4, 2 Model 3, 3 M3, 4 F-150. */
export const SCENARIO: readonly ScenarioStep[] = [
  ...['Alice', 'Ben', 'Chloe', 'Dev', 'Elena'].map((driver): ScenarioStep => ({
    id: `register-driver:${driver}`,
    kind: 'register-driver',
    driver,
  })),
  ...Array.from({ length: DEMO_FLEET_SIZE }, (_, car): ScenarioStep => ({
    id: `register-car:${car}`,
    kind: 'register-car',
    car,
  })),
  lease(0, 'Alice', 1, 'commute', 15_000, 36),
  lease(3, 'Ben', 2, 'pleasure', 12_000, 24),
  lease(2, 'Chloe', 3, 'commute', 20_000, 36),
  lease(4, 'Dev', 4, 'business', 30_000, 48),
  // Ben hands the M3 back; Elena takes it: same car, a very different driver.
  leaseEnd(3, 2),
  lease(3, 'Elena', 5, 'commute', 15_000, 36),
  // Alice returns the Golf; Ben, now without a car, leases it.
  leaseEnd(0, 1),
  lease(0, 'Ben', 6, 'pleasure', 10_000, 24),
  lease(1, 'Alice', 7, 'pleasure', 12_000, 36),
  // Chloe rear-ends someone: the insurer records the claim and her Model 3 is re-rated.
  {
    id: 'report-claim:Chloe',
    kind: 'report-claim',
    driver: 'Chloe',
    claim: (today) => ({ date: shiftDate(today, { days: -2 }), atFault: true, amountMinor: 640_000 }),
  },
];
