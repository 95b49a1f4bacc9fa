// The event path of another Function App instance on the same storage as a test app: its own cache of
// cars, as a second instance (or a process started again after a crash) has.
import { PremiumService } from '../../src/premium/premium-service';
import { reviewReasonCodes } from '../../src/premium/review-reasons';
import { SideEffects } from '../../src/premium/side-effects';
import { DriverVehiclesRepository } from '../../src/storage/driver-vehicles-repository';
import { DriversRepository } from '../../src/storage/drivers-repository';
import { ReviewQueueRepository } from '../../src/storage/review-queue-repository';
import type { TestApp } from './function-app';

/** `Outbox`: the side effects it runs (a subclass simulates a crash before them). */
export function premiumInstance(app: TestApp, Outbox: typeof SideEffects = SideEffects): PremiumService {
  const { store, vehicles, rateTables } = app.services;
  const links = new DriverVehiclesRepository(store);
  return new PremiumService({
    vehicles,
    drivers: new DriversRepository(store),
    driverVehicles: links,
    sideEffects: new Outbox(links, new ReviewQueueRepository(store, reviewReasonCodes), vehicles),
    rateTables,
    now: () => new Date(),
  });
}
