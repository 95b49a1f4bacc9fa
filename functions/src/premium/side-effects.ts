// The outbox of an applied event or re-rate: writes outside the car's partition (removing driver ->
// vehicle links a closure or hand-over ended, review queue entries). The marker committed with the
// history record lists them; the writer performs them right after the commit, and every redelivery
// of the event performs them again (a crash may have interrupted the first run). All are idempotent:
// a removed link answers 404, a review entry is rewritten with the same content. Nothing marks them
// done: that write cost a request per event to save a few on the rare redelivery.
import type { DriverVehiclesRepository } from '../storage/driver-vehicles-repository';
import type { ReviewQueueRepository } from '../storage/review-queue-repository';
import type { EventMarker, RerateMarker, SideEffects as SideEffectList } from '../storage/vehicle-records';

export class SideEffects {
  constructor(
    private readonly driverVehicles: DriverVehiclesRepository,
    private readonly reviewQueue: ReviewQueueRepository,
  ) {}

  async complete(assetId: string, marker: EventMarker | RerateMarker): Promise<void> {
    if (marker.sideEffectsDone) return; // nothing to do (or, in markers stored by older versions, done)
    const { indexRemove, linkEtags, review } = marker.sideEffects;
    await Promise.all([
      ...indexRemove.map((driverKey) => this.driverVehicles.unlinkIfBefore(driverKey, assetId, marker.historyRowKey, linkEtags?.[driverKey])),
      ...(review ? [this.reviewQueue.put(review)] : []),
    ]);
  }
}

export function hasSideEffects(effects: SideEffectList): boolean {
  return effects.indexRemove.length > 0 || effects.review !== undefined;
}
