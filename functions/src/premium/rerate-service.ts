// A change to a driver's history re-rates every car currently leased to that driver, through the
// same ETag-guarded, marker-deduplicated write as events: one re-rate record per (car, driver,
// profile revision), so a retried request never rates twice. The lease keeps its anniversaries
// (the basis's transfer date); days before the effective date keep what the current rating charged
// for them; the new facts apply from the effective date, pro rata (the engine's `rerate` request).
// New facts the engine cannot price leave the car unrated and queued for an underwriter, as an event
// would: the premium rated on the old facts no longer stands.
import type { PremiumSummary, Unrated } from '@lease-premium/events';
import { isConflict } from '@lease-premium/events/azure-storage';
import type { DriverChange } from '../coverage/history-record';
import type { RecordSummary } from '../coverage/work-marker';
import { RatingError, rate, type RatingResult, type RatingTerm } from '../rating';
import { InvalidStoredRecordError } from '../storage/storage-errors';
import { ContentionError } from './contention-error';
import { mapWithConcurrency } from '../map-with-concurrency';
import { CONCURRENCY_TUNING, RETRY_TUNING } from '../tuning';
import { buildRatingRequest } from './rating-request';
import { rerateWrite } from './rerate-write';
import type { PremiumServiceDeps } from './premium-service';

export interface RerateResult {
  assetId: string;
  outcome: 're-rated' | 'already-re-rated' | 'not-leased' | 'lease-over' | 'rejected';
  reason?: string;
  premium?: PremiumSummary;
  /** Re-rated, but the engine could not price the new facts: the car is stored unrated, for review. */
  unrated?: Unrated;
}

/** The same repositories, side effects, tables and clock as the event path: re-rates write through it. */
export type RerateServiceDeps = PremiumServiceDeps;

export class RerateService {
  constructor(private readonly deps: RerateServiceDeps) {}

  /** `effectiveDate`: the new facts apply from this date (or the transfer date, if later); earlier days keep their charge. */
  async rerateDriver(change: DriverChange, effectiveDate: string): Promise<RerateResult[]> {
    const assetIds = await this.deps.driverVehicles.vehiclesOf(change.driverKey);
    return mapWithConcurrency(assetIds.sort(), CONCURRENCY_TUNING.vehiclesPerRerate, (assetId) =>
      this.rerateVehicle(assetId, change, effectiveDate),
    );
  }

  private async rerateVehicle(assetId: string, change: DriverChange, effectiveDate: string): Promise<RerateResult> {
    const { vehicles, drivers, sideEffects, rateTables, now } = this.deps;
    for (let attempt = 1; attempt <= RETRY_TUNING.maxWriteAttempts; attempt++) {
      const state = await vehicles.readRerateState(assetId, change.driverKey, change.revision);
      if (state.marker) {
        await sideEffects.complete(assetId, state.marker);
        return { assetId, outcome: 'already-re-rated', ...summaryFields(state.marker.summary) };
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
      let rating: RatingResult | undefined;
      let unrated: Unrated | undefined;
      let previousTerms: RatingTerm[] = [];
      try {
        const [profiles, rated] = await Promise.all([
          drivers.getMany(coverage.driverKeys),
          vehicles.readHistoryRecord(assetId, coverage.historyRowKey),
        ]);
        previousTerms = rated?.rating?.terms ?? rated?.chargedTerms ?? [];
        rating = rate(
          {
            ...buildRatingRequest(basis, coverage.driverKeys, profiles),
            rerate: { effectiveDate: effective, previousTerms },
          },
          rateTables,
        );
      } catch (error) {
        if (error instanceof InvalidStoredRecordError)
          return { assetId, outcome: 'rejected', reason: `cannot rate: ${error.message}` };
        if (!(error instanceof RatingError)) throw error;
        unrated = { reason: `cannot rate: ${error.message}` };
      }

      const { history, marker, next } = rerateWrite({
        coverage,
        basis,
        rating,
        ...(unrated ? { unrated, chargedTerms: previousTerms } : {}),
        change,
        effectiveDate: effective,
        recordedAt: now().toISOString(),
      });
      try {
        await vehicles.commit({ history, current: { value: next, etag: current.etag }, rerateMarker: marker });
      } catch (error) {
        if (isConflict(error)) continue;
        throw error;
      }
      await sideEffects.complete(assetId, marker);
      return { assetId, outcome: 're-rated', ...summaryFields(marker.summary) };
    }
    throw new ContentionError(`vehicle ${assetId}`);
  }
}

function summaryFields(summary: RecordSummary): Pick<RerateResult, 'premium' | 'unrated'> {
  return {
    ...(summary.premium ? { premium: summary.premium } : {}),
    ...(summary.unrated ? { unrated: summary.unrated } : {}),
  };
}
