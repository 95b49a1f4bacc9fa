// A change to a driver's history re-rates every car currently leased to that driver, through the
// same ETag-guarded, marker-deduplicated write as events: one re-rate record per (car, driver,
// profile revision), so a retried request never rates twice. The lease keeps its anniversaries
// (the basis's transfer date); days before the effective date keep what the current rating charged
// for them; the new facts apply from the effective date, pro rata (the engine's `rerate` request).
import { RatingError, rate } from '../rating';
import { isConflict } from '@lease-premium/events/azure-storage';
import { InvalidStoredRecordError } from '../storage/storage-errors';
import type { PremiumSummary } from '@lease-premium/events';
import type { DriverChange } from '../coverage/history-record';
import { ContentionError, MAX_WRITE_ATTEMPTS, mapWithConcurrency } from './concurrency';
import { buildRatingRequest } from './rating-request';
import { rerateWrite } from './rerate-write';
import type { PremiumServiceDeps } from './premium-service';

export interface RerateResult {
  assetId: string;
  outcome: 're-rated' | 'already-re-rated' | 'not-leased' | 'lease-over' | 'rejected';
  reason?: string;
  premium?: PremiumSummary;
}

/** The same repositories, side effects, tables and clock as the event path: re-rates write through it. */
export type RerateServiceDeps = PremiumServiceDeps;

const PARALLEL_VEHICLES = 8;

export class RerateService {
  constructor(private readonly deps: RerateServiceDeps) {}

  /** `effectiveDate`: the new facts apply from this date (or the transfer date, if later); earlier days keep their charge. */
  async rerateDriver(change: DriverChange, effectiveDate: string): Promise<RerateResult[]> {
    const assetIds = await this.deps.driverVehicles.vehiclesOf(change.driverKey);
    return mapWithConcurrency(assetIds.sort(), PARALLEL_VEHICLES, (assetId) => this.rerateVehicle(assetId, change, effectiveDate));
  }

  private async rerateVehicle(assetId: string, change: DriverChange, effectiveDate: string): Promise<RerateResult> {
    const { vehicles, drivers, sideEffects, rateTables, now } = this.deps;
    for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
      const state = await vehicles.readRerateState(assetId, change.driverKey, change.revision);
      if (state.marker) {
        await sideEffects.complete(assetId, state.marker);
        return { assetId, outcome: 'already-re-rated', ...(state.marker.summary.premium ? { premium: state.marker.summary.premium } : {}) };
      }
      const current = state.current;
      if (!current) return { assetId, outcome: 'not-leased' };
      const coverage = current.value;
      if (coverage.status !== 'active' || !coverage.driverKeys.includes(change.driverKey) || !coverage.basis) {
        // The link says this driver leases the car but the coverage does not (yet): an event for it
        // may be rating right now with the driver's old facts. Changing the ETag makes that commit
        // fail and re-read the driver, so the change is never silently missed.
        try {
          await vehicles.touch(assetId, current.etag);
        } catch (error) {
          if (isConflict(error)) continue;
          throw error;
        }
        return { assetId, outcome: 'not-leased' };
      }

      const { basis } = coverage;
      const effective = effectiveDate > basis.transferDate ? effectiveDate : basis.transferDate;
      if (basis.lease && effective >= basis.lease.endDate) return { assetId, outcome: 'lease-over' };
      let rating;
      try {
        const [profiles, rated] = await Promise.all([drivers.getMany(coverage.driverKeys), vehicles.readHistoryRecord(assetId, coverage.historyRowKey)]);
        const rerate = { effectiveDate: effective, previousTerms: rated?.rating?.terms ?? [] };
        rating = rate({ ...buildRatingRequest(basis, coverage.driverKeys, profiles), rerate }, rateTables);
      } catch (error) {
        if (error instanceof RatingError || error instanceof InvalidStoredRecordError) return { assetId, outcome: 'rejected', reason: `cannot rate: ${error.message}` };
        throw error;
      }

      const { history, marker, next } = rerateWrite({ coverage, basis, rating, change, effectiveDate: effective, recordedAt: now().toISOString() });
      try {
        await vehicles.commit({ history, current: { value: next, etag: current.etag }, rerateMarker: marker });
      } catch (error) {
        if (isConflict(error)) continue;
        throw error;
      }
      await sideEffects.complete(assetId, marker);
      return { assetId, outcome: 're-rated', ...(marker.summary.premium ? { premium: marker.summary.premium } : {}) };
    }
    throw new ContentionError(`vehicle ${assetId}`);
  }
}
