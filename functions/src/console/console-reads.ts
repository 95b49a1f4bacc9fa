// Console-only reads (not part of the back-office API): the list of cars, the cars a driver leases
// now, the operations page, the feed of recently stored premiums. Reached only through the
// console gateway, so only by signed-in staff.
import type { HttpHandler } from '@azure/functions';
import { webJobStorageNames } from '@lease-premium/events/azure-storage';
import type { AppServices } from '../app-services';
import { withErrorHandling } from '../http/error-handling';
import { pagingOf } from '../http/paging';
import { assetIdParam, driverKeyParam } from '../http/path-params';
import { json, notFound, validationProblem } from '../http/problem';
import { FleetListing, fleetCarOf } from './fleet-listing';
import { OperationsReader, deadLetterQueueClient } from './operations-state';

/** Cars shown on a driver's page (a lessee with more is a fleet customer: the page says so). */
export const MAX_DRIVER_CARS = 50;
/** The recent-premiums feed: how far back and how many. */
const FEED_WINDOW_MINUTES_MAX = 24 * 60;
const FEED_ITEMS = 20;

interface ConsoleReaders {
  fleet: FleetListing;
  operations: OperationsReader;
}

const readersByServices = new WeakMap<AppServices, ConsoleReaders>();

function readersOf(services: AppServices): ConsoleReaders {
  let readers = readersByServices.get(services);
  if (!readers) {
    const webjob = webJobStorageNames(services.config.namePrefix);
    readers = {
      fleet: new FleetListing(services.store),
      operations: new OperationsReader(
        services.store,
        webjob.checkpointsTable,
        deadLetterQueueClient(services.config.storage, webjob.deadLetterQueue),
        services.config.webjobHealthUrl,
      ),
    };
    readersByServices.set(services, readers);
  }
  return readers;
}

/** GET vehicles?pageSize=&continuationToken=: every car's current state, one page. */
export function fleetHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (request) => {
    const paging = pagingOf(request);
    if (!paging.ok) return paging.response;
    const page = await readersOf(services).fleet.list(paging.value.pageSize, paging.value.continuationToken);
    return json(200, page);
  });
}

/** GET vehicles/{assetId}: the car itself (make, model, VIN) with its current state. */
export function fleetCarHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (request) => {
    const assetId = assetIdParam(request);
    if (!assetId.ok) return assetId.response;
    const current = await services.vehicles.readCurrent(assetId.value);
    if (!current) return notFound(`no ownership event has been recorded for vehicle ${assetId.value}`);
    return json(200, fleetCarOf(current.value));
  });
}

/** GET drivers/{driverKey}/vehicles: the cars the driver leases now, with what each costs. */
export function driverCarsHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (request) => {
    const key = driverKeyParam(request);
    if (!key.ok) return key.response;
    const assetIds = await services.driverVehicles.vehiclesOf(key.value);
    const shown = assetIds.slice(0, MAX_DRIVER_CARS);
    const currents = await Promise.all(shown.map((assetId) => services.vehicles.readCurrent(assetId)));
    // The index may lag the coverage by one outbox step: only cars whose coverage names the driver count.
    const items = currents.flatMap((current) =>
      current && current.value.status === 'active' && current.value.driverKeys.includes(key.value)
        ? [fleetCarOf(current.value)]
        : [],
    );
    return json(200, { items, ...(assetIds.length > shown.length ? { truncated: true } : {}) });
  });
}

/** GET operations: checkpoint, dead letters, the WebJob's live state where reachable. */
export function operationsHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async () => json(200, await readersOf(services).operations.read()));
}

/** GET recent-premiums?minutes=: premiums stored in the last minutes (default 60), newest first. */
export function recentPremiumsHandler(services: AppServices): HttpHandler {
  return withErrorHandling(async (request) => {
    const text = request.query.get('minutes') ?? '60';
    const minutes = Number(text);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > FEED_WINDOW_MINUTES_MAX) {
      const message = `must be a whole number from 1 to ${FEED_WINDOW_MINUTES_MAX}`;
      return validationProblem(`query parameter minutes ${message}`, [{ path: 'minutes', message }]);
    }
    const since = new Date(Date.now() - minutes * 60_000);
    return json(200, {
      items: await readersOf(services).fleet.changedSince(since, FEED_ITEMS),
      since: since.toISOString(),
    });
  });
}
