// The starting point of the fault and rotation runs: on a running stack, three persona drivers
// registered with the insurer, `cars` cars registered and each leased once, every one rated.
import { shiftDate } from '../../../devstack/src/demo/dates';
import { PERSONAS, personaProfile } from '../../../devstack/src/demo/drivers';
import type { KeyPair } from '../../../devstack/src/stack/local-config';
import type { TestStack } from '../../support/stack';
import { waitForConsistency } from './invariants';
import { LeaseStory } from './lease-story';

export interface LeasedFleet {
  story: LeaseStory;
  drivers: KeyPair[];
}

export async function leasedFleet(t: TestStack, cars: number): Promise<LeasedFleet> {
  const today = new Date().toISOString().slice(0, 10);
  const story = new LeaseStory(t.ledger, t.api, t.stack.description.leasingCompany, shiftDate(today, { days: 7 }));
  const drivers: KeyPair[] = [];
  for (const persona of PERSONAS.slice(0, 3)) drivers.push(await story.registerDriver(personaProfile(persona, today)));
  await story.registerCars(cars);
  await story.churn(drivers, 1);
  await waitForConsistency(
    t.api,
    t.stack.description.ledger.apiUrl,
    story.cars.map((c) => c.assetId),
    30_000,
    () => t.logTail(),
  );
  return { story, drivers };
}
