// The outbox of an applied event or re-rate: writes outside the car's partition (removing driver ->
// vehicle links a closure or hand-over ended, review queue entries). The marker committed with the history record lists them; whoever sees the
// marker not yet done (the writer, or a redelivery after a crash) performs them, all idempotent,
// then marks the marker done. A redelivery of a completed event therefore writes nothing.
import type { DriverVehiclesRepository } from '../storage/driver-vehicles-repository';
import type { ReviewQueueRepository } from '../storage/review-queue-repository';
import type { EventMarker, RerateMarker, SideEffects as SideEffectList } from '../storage/vehicle-records';
import type { VehiclesRepository } from '../storage/vehicles-repository';

export class SideEffects {
  constructor(
    private readonly vehicles: VehiclesRepository,
    private readonly driverVehicles: DriverVehiclesRepository,
    private readonly reviewQueue: ReviewQueueRepository,
  ) {}

  async complete(assetId: string, marker: EventMarker | RerateMarker): Promise<void> {
    if (marker.sideEffectsDone) return;
    const { indexRemove, review } = marker.sideEffects;
    await Promise.all([
      ...indexRemove.map((driverKey) => this.driverVehicles.unlinkIfBefore(driverKey, assetId, marker.historyRowKey)),
      ...(review ? [this.reviewQueue.put(review)] : []),
    ]);
    await this.vehicles.markSideEffectsDone(assetId, marker);
  }
}

export function hasSideEffects(effects: SideEffectList): boolean {
  return effects.indexRemove.length > 0 || effects.review !== undefined;
}
