// The records one event produces, built without I/O from the event, the car's current coverage,
// the plan and the rating: the history record, the processed-event marker (with its outbox) and,
// unless the event is stale, the next current coverage.
import type { OwnershipEvent, RecordKind, Unrated } from '@lease-premium/events';
import type { CurrentCoverage } from '../coverage/coverage';
import type { HistoryRecord } from '../coverage/history-record';
import { ledgerPointOf } from '../coverage/ledger-point';
import { summarize, type EventMarker } from '../coverage/work-marker';
import type { RatingResult } from '../rating';
import type { CoverageWrite, Versioned } from '../storage/vehicles-repository';
import type { EventPlan } from './event-plan';
import { reviewEffects } from './review-entry';
import { hasSideEffects } from './side-effects';

const UNVERIFIED_SIGNATURES = 'the bridge did not verify the ledger signatures of this transaction';

export interface EventWriteInput {
  event: OwnershipEvent;
  /** The event's history row key (eventHistoryRowKey), under which its driver links were written. */
  rowKey: string;
  current: Versioned<CurrentCoverage> | undefined;
  plan: Exclude<EventPlan, { kind: 'rejected' }>;
  rating: RatingResult | undefined;
  /** A premium event the engine could not price: stored unrated, for review. */
  unrated?: Unrated;
  stale: boolean;
  /** ETags of the links this event wrote for its drivers (premium events that are not stale). */
  driverLinks: Record<string, string>;
  recordedAt: string;
}

export function eventWrite({
  event,
  rowKey,
  current,
  plan,
  rating,
  unrated,
  stale,
  driverLinks,
  recordedAt,
}: EventWriteInput): { marker: EventMarker; write: CoverageWrite } {
  const point = ledgerPointOf(event);
  const history: HistoryRecord & { kind: RecordKind } = {
    assetId: event.subject,
    rowKey,
    kind: plan.kind,
    ledger: point,
    eventTime: event.time,
    ...(event.data.lease ? { leaseAction: event.data.lease.action } : {}),
    driverKeys: plan.kind === 'premium' ? plan.driverKeys : plan.kind === 'closure' ? plan.closedDriverKeys : [],
    stale,
    ...(plan.kind === 'premium' ? { basis: plan.basis } : {}),
    ...(rating ? { rating } : {}),
    ...(plan.kind === 'premium' && plan.extrasDropped ? { extrasDropped: plan.extrasDropped } : {}),
    ...(unrated ? { unrated } : {}),
    reviewReasons: (rating || unrated) && !event.data.signaturesVerified ? [UNVERIFIED_SIGNATURES] : [],
    recordedAt,
  };

  const previousDrivers = current?.value.status === 'active' ? current.value.driverKeys : [];
  const previousLinks = current?.value.status === 'active' ? (current.value.driverLinks ?? {}) : {};
  const newDrivers = plan.kind === 'premium' ? plan.driverKeys : [];
  // Links of drivers this event ended (closure, or a hand-over to other drivers).
  const indexRemove = stale
    ? []
    : [...new Set([...previousDrivers, ...history.driverKeys])].filter((key) => !newDrivers.includes(key));
  const linkEtags = Object.fromEntries(
    indexRemove.flatMap((key) => (previousLinks[key] !== undefined ? [[key, previousLinks[key]]] : [])),
  );
  const effects = stale
    ? { indexRemove }
    : {
        indexRemove,
        ...(Object.keys(linkEtags).length > 0 ? { linkEtags } : {}),
        ...reviewEffects(current?.value, history),
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
  if (stale) return { marker, write: { history, eventMarker: marker } };

  const next: CurrentCoverage = {
    assetId: event.subject,
    status: plan.kind === 'registration' ? 'registered' : plan.kind === 'closure' ? 'closed' : 'active',
    ledger: point,
    eventTime: event.time,
    issuer: event.data.issuer,
    holderKeys: event.data.newOwners,
    driverKeys: newDrivers,
    ...(Object.keys(driverLinks).length > 0 ? { driverLinks } : {}),
    ...(history.basis ? { basis: history.basis } : {}),
    ...(marker.summary.premium ? { premium: marker.summary.premium } : {}),
    ...(unrated ? { unrated } : {}),
    reviewReasons: history.reviewReasons,
    historyRowKey: rowKey,
    lastEvent: marker,
    revision: (current?.value.revision ?? 0) + 1,
    updatedAt: recordedAt,
  };
  return { marker, write: { history, eventMarker: marker, current: { value: next, etag: current?.etag } } };
}
