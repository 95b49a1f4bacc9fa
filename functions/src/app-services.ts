// Composition root: settings -> storage -> repositories -> services, built once per process.
// Function files get their services through `appServices()`; tests build their own with a test config.
import { readFileSync } from 'node:fs';
import { app, type HttpHandler } from '@azure/functions';
import { WebhookVerifier, parseWebhookSecrets } from '@lease-premium/events';
import { loadConfig, type FunctionAppConfig } from './config';
import { errorResponse } from './http/error-handling';
import { DriverService } from './premium/driver-service';
import { PremiumService } from './premium/premium-service';
import { reviewReasonCodes } from './premium/review-reasons';
import { ReviewService } from './premium/review-service';
import { RerateService } from './premium/rerate-service';
import { SideEffects } from './premium/side-effects';
import { builtInRateTableSet, isBuiltInRateTableId, loadRateTableSet, type RateTableSet } from './rating';
import { DriverVehiclesRepository } from './storage/driver-vehicles-repository';
import { DriversRepository } from './storage/drivers-repository';
import { ReviewQueueRepository } from './storage/review-queue-repository';
import { TableStore } from './storage/table-store';
import { VehiclesRepository } from './storage/vehicles-repository';
import { FunctionTelemetry } from './telemetry';

export interface AppServices {
  config: FunctionAppConfig;
  store: TableStore;
  verifier: WebhookVerifier;
  rateTables: RateTableSet;
  premiums: PremiumService;
  drivers: DriverService;
  vehicles: VehiclesRepository;
  driverVehicles: DriverVehiclesRepository;
  reviewQueue: ReviewQueueRepository;
  /** The clock every service reads (tests inject theirs). */
  now: () => Date;
  telemetry: FunctionTelemetry | undefined;
  reviews: ReviewService;
}

/** Largest webhook / API body accepted (1000 events of ~2 KB fit easily). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export function loadRateTables(setting: string): RateTableSet {
  if (isBuiltInRateTableId(setting)) return builtInRateTableSet(setting);
  const json = JSON.parse(readFileSync(setting, 'utf8')) as unknown;
  return loadRateTableSet(Array.isArray(json) ? (json as unknown[]) : [json]);
}

/**
 * The configured rate tables, read through the returned function. A file is read and validated now,
 * so a bad one stops the app at start; a built-in set (shipped in the code, validated by its tests)
 * at its first use: its first validation is a noticeable part of a cold start that the health
 * check and the read-only API do not need.
 */
function configuredRateTables(setting: string): () => RateTableSet {
  let tables = isBuiltInRateTableId(setting) ? undefined : loadRateTables(setting);
  return () => (tables ??= loadRateTables(setting));
}

export function createAppServices(config: FunctionAppConfig, now: () => Date = () => new Date()): AppServices {
  const rateTables = configuredRateTables(config.rateTable);
  const store = new TableStore(config.storage, config.namePrefix);
  const vehicles = new VehiclesRepository(store);
  const driversRepository = new DriversRepository(store);
  const driverVehicles = new DriverVehiclesRepository(store);
  const reviewQueue = new ReviewQueueRepository(store, reviewReasonCodes);
  const sideEffects = new SideEffects(driverVehicles, reviewQueue, vehicles);
  const telemetry = config.telemetry
    ? FunctionTelemetry.start(config.telemetry, { countReviewQueue: (limit) => reviewQueue.countUpTo(limit) })
    : undefined;
  const deps = {
    vehicles,
    drivers: driversRepository,
    driverVehicles,
    sideEffects,
    get rateTables() {
      return rateTables();
    },
    now,
    telemetry,
  };
  return {
    config,
    store,
    verifier: new WebhookVerifier(config.webhookSecrets, config.webhookToleranceSeconds),
    get rateTables() {
      return rateTables();
    },
    premiums: new PremiumService(deps),
    drivers: new DriverService(driversRepository, new RerateService(deps), now),
    vehicles,
    driverVehicles,
    reviewQueue,
    now,
    telemetry,
    reviews: new ReviewService({ vehicles, reviewQueue, now }),
  };
}

let services: AppServices | undefined;

/** The process-wide services, from the environment (validated on first use; see the appStart hook). */
export function appServices(): AppServices {
  services ??= createAppServices(loadConfig(process.env, parseWebhookSecrets));
  return services;
}

// Validate the settings when the host starts the app, not at the first request. In test mode
// (no Functions runtime) hooks are not registered and tests build their own services.
app.hook.appStart(() => {
  appServices();
});
// Send the spans and metrics still buffered before the worker goes away.
app.hook.appTerminate(async () => {
  await services?.telemetry?.shutdown();
});

/** A handler for app.http that builds its real handler from the process-wide services on first call. */
export function withAppServices(factory: (services: AppServices) => HttpHandler): HttpHandler {
  let handler: HttpHandler | undefined;
  return (request, context) => {
    try {
      handler ??= factory(appServices());
    } catch (error) {
      return errorResponse(error, context); // e.g. a settings error: logged, 500 without details
    }
    return handler(request, context);
  };
}
