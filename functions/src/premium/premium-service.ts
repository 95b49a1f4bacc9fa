// Applies ownership events to the cars' coverage: each event is read-plan-rate-commit in one
// ETag-guarded transaction in the car's partition, retried on a lost race, idempotent on the event id.
import type { OwnershipEvent } from '@lease-premium/events';
import { RatingError, rate, type RateTableSet, type RatingResult } from '../rating';
import type { DriversRepository } from '../storage/drivers-repository';
import type { DriverVehiclesRepository } from '../storage/driver-vehicles-repository';
import { isConflict } from '../storage/storage-errors';
import {
  needsReviewOf,
  summarize,
  type CurrentCoverage,
  type EventMarker,
  type EventOutcomeKind,
  type HistoryKind,
  type HistoryRecord,
  type PremiumSummary,
} from '../storage/vehicle-records';
import { eventHistoryRowKey, type CoverageWrite, type Versioned, type VehiclesRepository } from '../storage/vehicles-repository';
import { ContentionError, MAX_WRITE_ATTEMPTS, mapWithConcurrency } from './concurrency';
import { isStale, ledgerPointOf, planEvent } from './event-plan';
import { buildRatingRequest } from './rating-request';
import { reviewEntry } from './review-entry';
import { hasSideEffects, type SideEffects } from './side-effects';

export type EventOutcome =
  | { id: string; outcome: EventOutcomeKind; kind: HistoryKind; premium?: PremiumSummary }
  | { id: string; outcome: 'duplicate'; firstOutcome: EventOutcomeKind; kind: HistoryKind; premium?: PremiumSummary }
  | { id: string; outcome: 'rejected'; reason: string };

export interface PremiumServiceDeps {
  vehicles: VehiclesRepository;
  drivers: DriversRepository;
  driverVehicles: DriverVehiclesRepository;
  sideEffects: SideEffects;
  rateTables: RateTableSet;
  now: () => Date;
}

type Prepared = { rejected: string } | { marker: EventMarker; write: CoverageWrite };

/** Cars processed at once within one delivery (events of one car always run in order). */
const PARALLEL_VEHICLES = 16;
const UNVERIFIED_SIGNATURES = 'the bridge did not verify the ledger signatures of this transaction';

export class PremiumService {
  constructor(private readonly deps: PremiumServiceDeps) {}

  /** Outcomes in request order; resolves only after every write is durable. */
  async applyEvents(events: readonly OwnershipEvent[]): Promise<EventOutcome[]> {
    const lanes = new Map<string, number[]>();
    events.forEach((event, index) => {
      const lane = lanes.get(event.subject);
      if (lane) lane.push(index);
      else lanes.set(event.subject, [index]);
    });
    const outcomes = new Array<EventOutcome>(events.length);
    await mapWithConcurrency([...lanes.values()], PARALLEL_VEHICLES, async (indexes) => {
      for (const index of indexes) outcomes[index] = await this.applyEvent(events[index] as OwnershipEvent);
    });
    return outcomes;
  }

  async applyEvent(event: OwnershipEvent): Promise<EventOutcome> {
    const { vehicles, sideEffects } = this.deps;
    const assetId = event.subject;
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const state = await vehicles.readEventState(assetId, event.id);
      if (state.marker) {
        await sideEffects.complete(assetId, state.marker); // finishes the outbox if a crash interrupted it
        return { id: event.id, outcome: 'duplicate', firstOutcome: state.marker.outcome, ...state.marker.summary };
      }
      const prepared = await this.prepare(event, state.current);
      if ('rejected' in prepared) return { id: event.id, outcome: 'rejected', reason: prepared.rejected };
      try {
        await vehicles.commit(prepared.write);
      } catch (error) {
        if (isConflict(error)) continue; // someone else wrote this car (or this very event): re-read
        throw error;
      }
      await sideEffects.complete(assetId, prepared.marker);
      return { id: event.id, outcome: prepared.marker.outcome, ...prepared.marker.summary };
    }
    throw new ContentionError(`vehicle ${assetId}`);
  }

  private async prepare(event: OwnershipEvent, current: Versioned<CurrentCoverage> | undefined): Promise<Prepared> {
    const { drivers, driverVehicles, rateTables, now } = this.deps;
    const stale = isStale(event, current?.value);
    const plan = planEvent(event, stale ? undefined : current?.value);
    if (plan.kind === 'rejected') return { rejected: plan.reason };
    const recordedAt = now().toISOString();
    const point = ledgerPointOf(event);
    const rowKey = eventHistoryRowKey(point);

    let rating: RatingResult | undefined;
    if (plan.kind === 'premium') {
      // Link before reading driver facts: a driver-history change from now on finds this car (and
      // forces this commit to retry; see RerateService). The link is only a hint until the commit.
      if (!stale) await Promise.all(plan.driverKeys.map((key) => driverVehicles.link(key, event.subject, rowKey)));
      const profiles = await drivers.getMany(plan.driverKeys);
      try {
        rating = rate(buildRatingRequest(plan.basis, plan.driverKeys, profiles), rateTables);
      } catch (error) {
        if (error instanceof RatingError) return { rejected: `cannot rate: ${error.message}` };
        throw error;
      }
    }

    const kind: HistoryKind = plan.kind;
    const history: HistoryRecord = {
      assetId: event.subject,
      rowKey,
      kind,
      ledger: point,
      eventTime: event.time,
      ...(event.data.lease ? { leaseAction: event.data.lease.action } : {}),
      driverKeys: plan.kind === 'premium' ? plan.driverKeys : plan.kind === 'closure' ? plan.closedDriverKeys : [],
      stale,
      ...(plan.kind === 'premium' ? { basis: plan.basis } : {}),
      ...(rating ? { rating } : {}),
      reviewReasons: rating && !event.data.signaturesVerified ? [UNVERIFIED_SIGNATURES] : [],
      recordedAt,
    };

    const previousDrivers = current?.value.status === 'active' ? current.value.driverKeys : [];
    const newDrivers = plan.kind === 'premium' ? plan.driverKeys : [];
    const effects = stale
      ? { indexRemove: [] }
      : {
          indexRemove: [...new Set([...previousDrivers, ...history.driverKeys])].filter((key) => !newDrivers.includes(key)),
          ...(needsReviewOf(history) ? { review: reviewEntry(history) } : {}),
        };
    const marker: EventMarker = {
      transactionId: event.id,
      outcome: stale ? 'stale' : 'applied',
      historyRowKey: rowKey,
      summary: summarize(history),
      sideEffects: effects,
      sideEffectsDone: !hasSideEffects(effects), // nothing outside the partition: done with the commit
      recordedAt,
    };

    const nextCurrent: CurrentCoverage | undefined = stale
      ? undefined
      : {
          assetId: event.subject,
          status: plan.kind === 'registration' ? 'registered' : plan.kind === 'closure' ? 'closed' : 'active',
          ledger: point,
          eventTime: event.time,
          issuer: event.data.issuer,
          holderKeys: event.data.newOwners,
          driverKeys: newDrivers,
          ...(history.basis ? { basis: history.basis } : {}),
          ...(marker.summary.premium ? { premium: marker.summary.premium } : {}),
          reviewReasons: history.reviewReasons,
          historyRowKey: rowKey,
          revision: (current?.value.revision ?? 0) + 1,
          updatedAt: recordedAt,
        };

    return {
      marker,
      write: { history, eventMarker: marker, ...(nextCurrent ? { current: { value: nextCurrent, etag: current?.etag } } : {}) },
    };
  }
}
