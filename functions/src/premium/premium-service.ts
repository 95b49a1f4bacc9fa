// Applies ownership events to the cars' coverage: each event is read-plan-rate-commit in one
// ETag-guarded transaction in the car's partition, retried on a lost race, idempotent on the event id.
// A failure of one event is that event's outcome: only a dependency outage fails the delivery.
import {
  VEHICLE_REGISTERED_TYPE,
  type OwnershipEvent,
  type Unrated,
  type WebhookEventResult,
} from '@lease-premium/events';
import { RatingError, rate, type RateTableSet, type RatingResult } from '../rating';
import type { DriversRepository } from '../storage/drivers-repository';
import type { DriverVehiclesRepository } from '../storage/driver-vehicles-repository';
import { isConflict } from '@lease-premium/events/azure-storage';
import { InvalidStoredRecordError, StorageUnavailableError } from '../storage/storage-errors';
import type { CurrentCoverage } from '../coverage/coverage';
import { eventHistoryRowKey } from '../coverage/history-row-key';
import { ledgerPointOf } from '../coverage/ledger-point';
import type { EventMarker } from '../coverage/work-marker';
import type { CoverageWrite, Versioned, VehiclesRepository } from '../storage/vehicles-repository';
import { ContentionError, mapWithConcurrency } from './concurrency';
import { isStale, planEvent } from './event-plan';
import { CONCURRENCY_TUNING, RETRY_TUNING } from '../tuning';
import { eventWrite } from './event-write';
import { buildRatingRequest } from './rating-request';
import type { SideEffects } from './side-effects';
import { traceStep, type FunctionTelemetry, type RequestTraceContext } from '../telemetry';

export type EventOutcome = WebhookEventResult;

/** Failures worth retrying the delivery for: storage out of reach, or a car written by others too often. */
export function isTransientFailure(error: unknown): boolean {
  return error instanceof StorageUnavailableError || error instanceof ContentionError;
}

/**
 * Why an event failed for a reason of its own (the same every time it is sent): a stored record it
 * needs fails validation, or its records cannot be stored (too large for a Table entity, refused by
 * storage with a 4xx, or any other deterministic error).
 */
export function rejectionReason(error: unknown): string {
  if (error instanceof InvalidStoredRecordError)
    return `cannot rate: the ${error.message}; repair it, then replay this event`;
  return `cannot store or rate this event: ${error instanceof Error ? error.message : String(error)}`;
}

export interface PremiumServiceDeps {
  vehicles: VehiclesRepository;
  drivers: DriversRepository;
  driverVehicles: DriverVehiclesRepository;
  sideEffects: SideEffects;
  rateTables: RateTableSet;
  now: () => Date;
  /** One span per event (telemetry on). */
  telemetry?: FunctionTelemetry | undefined;
}

type Prepared = { rejected: string } | { marker: EventMarker; write: CoverageWrite };

export class PremiumService {
  constructor(private readonly deps: PremiumServiceDeps) {}

  /** Outcomes in request order; resolves only after every write is durable. `request`: the batch's request span, for the events' traces. */
  async applyEvents(events: readonly OwnershipEvent[], request?: RequestTraceContext): Promise<EventOutcome[]> {
    const { telemetry } = this.deps;
    const lanes = new Map<string, number[]>();
    events.forEach((event, index) => {
      const lane = lanes.get(event.subject);
      if (lane) lane.push(index);
      else lanes.set(event.subject, [index]);
    });
    const outcomes = new Array<EventOutcome>(events.length);
    await mapWithConcurrency([...lanes.values()], CONCURRENCY_TUNING.vehiclesPerDelivery, async (indexes) => {
      for (const index of indexes) {
        const event = events[index] as OwnershipEvent;
        outcomes[index] = await (telemetry
          ? telemetry.applyEvent(event, request, () => this.applyEventOrReject(event))
          : this.applyEventOrReject(event));
      }
    });
    return outcomes;
  }

  /** applyEvent, with a deterministic failure answered as this event's rejection (transient ones propagate). */
  async applyEventOrReject(event: OwnershipEvent): Promise<EventOutcome> {
    try {
      return await this.applyEvent(event);
    } catch (error) {
      if (isTransientFailure(error)) throw error;
      return { id: event.id, outcome: 'rejected', reason: rejectionReason(error) };
    }
  }

  async applyEvent(event: OwnershipEvent): Promise<EventOutcome> {
    const { vehicles, sideEffects } = this.deps;
    const assetId = event.subject;
    if (event.type === VEHICLE_REGISTERED_TYPE) {
      const registered = await this.tryRegisterNewCar(event);
      if (registered) return registered;
    }
    for (let attempt = 1; attempt <= RETRY_TUNING.maxWriteAttempts; attempt++) {
      const current = await vehicles.readCurrent(assetId);
      const marker = await this.markerOf(event, current?.value, attempt);
      if (marker) {
        await sideEffects.complete(assetId, marker); // redone: a crash may have interrupted the outbox
        return { id: event.id, outcome: 'duplicate', firstOutcome: marker.outcome, ...marker.summary };
      }
      const prepared = await this.prepare(event, current);
      if ('rejected' in prepared) return { id: event.id, outcome: 'rejected', reason: prepared.rejected };
      try {
        await traceStep('Table transaction', 'client', () => vehicles.commit(prepared.write));
      } catch (error) {
        if (isConflict(error)) continue; // someone else wrote this car (or this very event): re-read
        throw error;
      }
      await sideEffects.complete(assetId, prepared.marker);
      return { id: event.id, outcome: prepared.marker.outcome, ...prepared.marker.summary };
    }
    throw new ContentionError(`vehicle ${assetId}`);
  }

  /**
   * The event's stored outcome, read only where one can be: the car's latest event carries its
   * marker in the current row; any other processed event lies before the car's ledger point, which
   * only moves forward, so an event after it has none. After a lost race, look anyway.
   */
  private async markerOf(
    event: OwnershipEvent,
    current: CurrentCoverage | undefined,
    attempt: number,
  ): Promise<EventMarker | undefined> {
    if (current?.lastEvent?.transactionId === event.id) return current.lastEvent;
    if (attempt > 1 || isStale(event, current)) return this.deps.vehicles.readEventMarker(event.subject, event.id);
    return undefined;
  }

  /**
   * A CREATE almost always finds no car yet: commit it as the car's first state without reading
   * (every row is a "create", so an existing car or marker fails the transaction with 409).
   * undefined = the car exists: take the normal read-plan-commit path.
   */
  private async tryRegisterNewCar(event: OwnershipEvent): Promise<EventOutcome | undefined> {
    const prepared = await this.prepare(event, undefined);
    if ('rejected' in prepared) return undefined;
    try {
      await traceStep('Table transaction', 'client', () => this.deps.vehicles.commit(prepared.write));
    } catch (error) {
      if (isConflict(error)) return undefined;
      throw error;
    }
    await this.deps.sideEffects.complete(event.subject, prepared.marker);
    return { id: event.id, outcome: prepared.marker.outcome, ...prepared.marker.summary };
  }

  private async prepare(event: OwnershipEvent, current: Versioned<CurrentCoverage> | undefined): Promise<Prepared> {
    const { drivers, driverVehicles, rateTables, now } = this.deps;
    const stale = isStale(event, current?.value);
    const plan = planEvent(event, stale ? undefined : current?.value);
    if (plan.kind === 'rejected') return { rejected: plan.reason };
    const rowKey = eventHistoryRowKey(ledgerPointOf(event));

    let rating: RatingResult | undefined;
    let unrated: Unrated | undefined;
    const driverLinks: Record<string, string> = {};
    if (plan.kind === 'premium') {
      // Link before reading driver facts: a driver-history change from now on finds this car (and
      // forces this commit to retry; see RerateService). The link is only a hint until the commit.
      if (!stale) {
        const etags = await Promise.all(plan.driverKeys.map((key) => driverVehicles.link(key, event.subject, rowKey)));
        plan.driverKeys.forEach((key, i) => {
          const etag = etags[i];
          if (etag !== undefined) driverLinks[key] = etag;
        });
      }
      const profiles = await drivers.getMany(plan.driverKeys);
      try {
        rating = traceStep('rate premium', 'internal', () =>
          rate(buildRatingRequest(plan.basis, plan.driverKeys, profiles), rateTables),
        );
      } catch (error) {
        // The car changed hands all the same: its coverage is stored unrated, visible and queued
        // for an underwriter, rather than refused (which only a dead letter would remember).
        if (!(error instanceof RatingError)) throw error;
        unrated = { reason: `cannot rate: ${error.message}` };
      }
    }

    return eventWrite({
      event,
      rowKey,
      current,
      plan,
      rating,
      ...(unrated ? { unrated } : {}),
      stale,
      driverLinks,
      recordedAt: now().toISOString(),
    });
  }
}
