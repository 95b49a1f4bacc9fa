// What one ownership event means for a car's coverage, decided without I/O: a registration (CREATE),
// a coverage closure (lease end / back to the leasing company), or a premium to rate for new drivers.
import {
  LEASE_CONTRACT_KEYS,
  VEHICLE_CONTRACT_KEYS,
  VEHICLE_REGISTERED_TYPE,
  boundExtras,
  type OwnershipEvent,
} from '@lease-premium/events';
import type { CurrentCoverage } from '../coverage/coverage';
import type { DroppedExtras, RatingBasis } from '../coverage/history-record';
import { isBefore, ledgerPointOf } from '../coverage/ledger-point';

export type EventPlan =
  | { kind: 'registration' }
  | { kind: 'closure'; closedDriverKeys: string[] }
  | { kind: 'premium'; driverKeys: string[]; basis: RatingBasis; extrasDropped?: DroppedExtras }
  | { kind: 'rejected'; reason: string };

/** An event is stale when the car already reflects an event at or after its ledger position. */
export function isStale(event: OwnershipEvent, current: CurrentCoverage | undefined): boolean {
  return current !== undefined && !isBefore(current.ledger, ledgerPointOf(event));
}

/** UTC calendar date of an ISO timestamp. */
export function utcDate(timestamp: string): string {
  return new Date(timestamp).toISOString().slice(0, 10);
}

/**
 * The new lessee is rated as new business from the day they take the car: the ledger event's date,
 * or the lease start when the lease begins later.
 */
export function transferDateOf(event: OwnershipEvent): string {
  const eventDate = utcDate(event.time);
  const start = event.data.lease?.startDate;
  return start !== undefined && start > eventDate ? start : eventDate;
}

export function planEvent(event: OwnershipEvent, current: CurrentCoverage | undefined): EventPlan {
  if (event.type === VEHICLE_REGISTERED_TYPE) return { kind: 'registration' };
  const { issuer, newOwners, previousOwners, lease } = event.data;
  const drivers = [...new Set(newOwners.filter((key) => key !== issuer))].sort();
  if (lease?.action === 'lease-end' || drivers.length === 0) {
    const closed = current?.status === 'active' ? current.driverKeys : previousOwners.filter((key) => key !== issuer);
    return { kind: 'closure', closedDriverKeys: [...new Set(closed)].sort() };
  }
  const transferDate = transferDateOf(event);
  if (lease && transferDate >= lease.endDate) {
    return {
      kind: 'rejected',
      reason: `the lease ended (${lease.endDate}) on or before the transfer date ${transferDate}`,
    };
  }
  return { kind: 'premium', driverKeys: drivers, ...boundedBasis(event, transferDate) };
}

/**
 * The basis stored with the premium: the contract's fields of the vehicle and the lease always, their
 * extra fields only within the budget (otherwise left out, and the record says so).
 */
function boundedBasis(
  event: OwnershipEvent,
  transferDate: string,
): { basis: RatingBasis; extrasDropped?: DroppedExtras } {
  const vehicle = boundExtras(event.data.vehicle, VEHICLE_CONTRACT_KEYS);
  const lease = event.data.lease && boundExtras(event.data.lease, LEASE_CONTRACT_KEYS);
  const extrasDropped: DroppedExtras = {
    ...(vehicle.dropped ? { vehicle: vehicle.dropped } : {}),
    ...(lease?.dropped ? { lease: lease.dropped } : {}),
  };
  return {
    basis: { vehicle: vehicle.value, lease: lease ? lease.value : null, transferDate },
    ...(Object.keys(extrasDropped).length > 0 ? { extrasDropped } : {}),
  };
}
