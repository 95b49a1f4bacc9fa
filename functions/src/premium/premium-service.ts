// Applies ownership events to the cars' coverage. A delivery is worked in rounds (the first event of
// every car, then the second, ...: one car's events stay in ledger order), and each round in stages
// shared by all its cars: the cars' current coverage (cached from this process's own writes, else
// read), the new drivers' links written together, their profiles read together, each premium rated,
// then every car's records committed together, one Table transaction per shard and 100 rows. Each
// car's write stays atomic, ETag-guarded and idempotent on the event id; a car that lost a race (or
// whose cached coverage was out of date) is tried again alone in the next attempt, the others stand.
// A failure of one event is that event's outcome: only a dependency outage fails the delivery.
import {
  VEHICLE_REGISTERED_TYPE,
  type OwnershipEvent,
  type Unrated,
  type WebhookEventResult,
} from '@lease-premium/events';
import { isConflict } from '@lease-premium/events/azure-storage';
import { RatingError, rate, type RateTableSet, type RatingResult } from '../rating';
import { validDrivers, type DriversRepository } from '../storage/drivers-repository';
import type { DriverVehiclesRepository } from '../storage/driver-vehicles-repository';
import { InvalidStoredRecordError, StorageUnavailableError, isNotFound } from '../storage/storage-errors';
import type { CurrentCoverage } from '../coverage/coverage';
import { eventHistoryRowKey } from '../coverage/history-row-key';
import { ledgerPointOf } from '../coverage/ledger-point';
import type { EventMarker } from '../coverage/work-marker';
import type { CommitOutcome, CoverageWrite, Versioned, VehiclesRepository } from '../storage/vehicles-repository';
import { ContentionError } from './contention-error';
import { mapWithConcurrency } from '../map-with-concurrency';
import { CoverageCache } from './coverage-cache';
import { isStale, planEvent, type EventPlan } from './event-plan';
import { CONCURRENCY_TUNING, RETRY_TUNING } from '../tuning';
import { eventWrite, type EventWriteInput } from './event-write';
import { buildRatingRequest } from './rating-request';
import type { SideEffects } from './side-effects';
import { UNTRACED, traceStep, type EventTrace, type FunctionTelemetry, type RequestTraceContext } from '../telemetry';

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

/** An event of the round being worked, with its trace. */
interface Work {
  event: OwnershipEvent;
  trace: EventTrace;
}

/** What the stages made of an event: its answer, a duplicate (answered after its outbox), or records to commit. */
type Prepared =
  | { work: Work; outcome: EventOutcome }
  | { work: Work; duplicate: EventMarker }
  | { work: Work; marker: EventMarker; write: CoverageWrite };

/** A premium event between its links and its rating. */
interface ToRate {
  work: Work;
  current: Versioned<CurrentCoverage> | undefined;
  plan: Extract<EventPlan, { kind: 'premium' }>;
  stale: boolean;
  rowKey: string;
  driverLinks: Record<string, string>;
}

export class PremiumService {
  private readonly cache = new CoverageCache(CONCURRENCY_TUNING.cachedCars);

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
    const outcomes = new Array<EventOutcome | undefined>(events.length);
    const traces = events.map((event) => (telemetry ? telemetry.beginEvent(event, request) : UNTRACED));
    try {
      for (let round = 0; ; round++) {
        const indexes = [...lanes.values()].flatMap((lane) => (round < lane.length ? [lane[round] as number] : []));
        if (indexes.length === 0) break;
        const works = indexes.map((index) => ({
          event: events[index] as OwnershipEvent,
          trace: traces[index] as EventTrace,
        }));
        const answers = await this.applyRound(works);
        indexes.forEach((index, i) => {
          const outcome = answers.get(works[i] as Work) as EventOutcome;
          outcomes[index] = outcome;
          traces[index]?.end(outcome);
        });
      }
    } catch (error) {
      traces.forEach((trace, index) => {
        if (outcomes[index] === undefined) trace.fail(error);
      });
      throw error;
    }
    return outcomes as EventOutcome[];
  }

  async applyEvent(event: OwnershipEvent): Promise<EventOutcome> {
    const [outcome] = await this.applyEvents([event]);
    return outcome as EventOutcome;
  }

  /** One event of each of several cars: attempts until every car is committed or answered. */
  private async applyRound(works: readonly Work[]): Promise<Map<Work, EventOutcome>> {
    const outcomes = new Map<Work, EventOutcome>();
    let todo = works;
    for (let attempt = 1; todo.length > 0; attempt++) {
      if (attempt > RETRY_TUNING.maxWriteAttempts) throw new ContentionError(`vehicle ${todo[0]?.event.subject}`);
      const prepared = await this.prepareAll(todo, attempt);
      const toCommit = prepared.filter((p): p is Extract<Prepared, { write: CoverageWrite }> => 'write' in p);
      const committed = toCommit.length > 0 ? await this.commit(toCommit) : [];
      const outbox: { work: Work; marker: EventMarker; duplicate: boolean }[] = [];
      const losers: Work[] = [];
      for (const p of prepared) {
        if ('outcome' in p) outcomes.set(p.work, p.outcome);
        else if ('duplicate' in p) outbox.push({ work: p.work, marker: p.duplicate, duplicate: true });
      }
      toCommit.forEach((p, i) => {
        const result = committed[i];
        const { assetId } = p.write.history;
        if (result?.ok) {
          if (p.write.current && result.currentEtag !== undefined)
            this.cache.set(assetId, { value: p.write.current.value, etag: result.currentEtag });
          else if (p.write.current) this.cache.delete(assetId); // no ETag to write against: read next time
          outbox.push({ work: p.work, marker: p.marker, duplicate: false });
        } else if (isConflict(result?.error) || isNotFound(result?.error)) {
          // Someone else wrote this car (or this very event), or the cached row is gone: read it again.
          this.cache.delete(assetId);
          losers.push(p.work);
        } else {
          outcomes.set(p.work, { id: p.work.event.id, outcome: 'rejected', reason: rejectionReason(result?.error) });
        }
      });
      // The outbox (redone for a duplicate: a crash may have interrupted it), before answering.
      await this.deps.sideEffects.completeMany(
        outbox.map(({ work, marker }) => ({ assetId: work.event.subject, marker })),
      );
      for (const { work, marker, duplicate } of outbox) {
        const summary = { id: work.event.id, ...marker.summary };
        outcomes.set(
          work,
          duplicate
            ? { ...summary, outcome: 'duplicate', firstOutcome: marker.outcome }
            : { ...summary, outcome: marker.outcome },
        );
      }
      todo = losers;
    }
    return outcomes;
  }

  /** Every car's records at once; each event's trace shows the transaction it waited for (shared with its shard's cars). */
  private async commit(toCommit: readonly Extract<Prepared, { write: CoverageWrite }>[]): Promise<CommitOutcome[]> {
    const commit = this.deps.vehicles.commitMany(toCommit.map((p) => p.write));
    const traced = toCommit.map((p) => p.work.trace.run(() => traceStep('Table transaction', 'client', () => commit)));
    await Promise.allSettled(traced);
    return commit;
  }

  /**
   * The car's current coverage: on a first attempt the copy this process last wrote or read, else
   * read. A CREATE almost always finds no car yet: it is committed as the car's first state without
   * reading (its rows are all "create", so an existing car fails that commit with 409).
   */
  private async currentOf(event: OwnershipEvent, attempt: number): Promise<Versioned<CurrentCoverage> | undefined> {
    if (attempt === 1) {
      const cached = this.cache.get(event.subject);
      if (cached) return cached;
      if (event.type === VEHICLE_REGISTERED_TYPE) return undefined;
    }
    const current = await this.deps.vehicles.readCurrent(event.subject);
    if (current) this.cache.set(event.subject, current);
    return current;
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

  /** Every event's answer or records: the reads, links, profiles and ratings of all of them at once. */
  private async prepareAll(works: readonly Work[], attempt: number): Promise<Prepared[]> {
    const { driverVehicles, drivers, now } = this.deps;
    const recordedAt = now().toISOString();
    const prepared: Prepared[] = [];
    const toRate: ToRate[] = [];
    await mapWithConcurrency(works, CONCURRENCY_TUNING.vehicleReads, async (work) => {
      const { event } = work;
      try {
        const current = await this.currentOf(event, attempt);
        const marker = await this.markerOf(event, current?.value, attempt);
        if (marker) {
          prepared.push({ work, duplicate: marker });
          return;
        }
        const stale = isStale(event, current?.value);
        const plan = planEvent(event, stale ? undefined : current?.value);
        const rowKey = eventHistoryRowKey(ledgerPointOf(event));
        if (plan.kind === 'rejected') prepared.push({ work, outcome: rejected(event, plan.reason) });
        else if (plan.kind === 'premium') toRate.push({ work, current, plan, stale, rowKey, driverLinks: {} });
        else
          prepared.push(
            this.write(work, { current, plan, stale, rowKey, rating: undefined, driverLinks: {}, recordedAt }),
          );
      } catch (error) {
        if (isTransientFailure(error)) throw error;
        prepared.push({ work, outcome: rejected(event, rejectionReason(error)) }); // e.g. a stored row that does not parse
      }
    });
    if (toRate.length === 0) return prepared;

    // Link before reading driver facts: a driver-history change from now on finds this car (and
    // forces this commit to retry; see RerateService). The link is only a hint until the commit.
    const linking = toRate.filter((r) => !r.stale);
    const links = linking.flatMap((r) =>
      r.plan.driverKeys.map((driverKey) => ({ r, driverKey, assetId: r.work.event.subject, since: r.rowKey })),
    );
    const linked = links.length > 0 ? await driverVehicles.linkMany(links) : [];
    const linkFailed = new Map<ToRate, unknown>();
    links.forEach(({ r, driverKey }, i) => {
      const outcome = linked[i];
      if (outcome?.ok && outcome.etag !== undefined) r.driverLinks[driverKey] = outcome.etag;
      else if (outcome && !outcome.ok) linkFailed.set(r, outcome.error);
    });

    const records = await drivers.readMany(toRate.flatMap((r) => (linkFailed.has(r) ? [] : r.plan.driverKeys)));
    for (const r of toRate) {
      const { event } = r.work;
      const failure = linkFailed.get(r);
      if (failure !== undefined) {
        prepared.push({ work: r.work, outcome: rejected(event, rejectionReason(failure)) });
        continue;
      }
      const profiles = validDrivers(r.plan.driverKeys, records);
      if (profiles instanceof InvalidStoredRecordError) {
        prepared.push({ work: r.work, outcome: rejected(event, rejectionReason(profiles)) });
        continue;
      }
      let rating: RatingResult | undefined;
      let unrated: Unrated | undefined;
      try {
        rating = r.work.trace.run(() =>
          traceStep('rate premium', 'internal', () =>
            rate(buildRatingRequest(r.plan.basis, r.plan.driverKeys, profiles), this.deps.rateTables),
          ),
        );
      } catch (error) {
        // The car changed hands all the same: its coverage is stored unrated, visible and queued
        // for an underwriter, rather than refused (which only a dead letter would remember).
        if (!(error instanceof RatingError)) {
          prepared.push({ work: r.work, outcome: rejected(event, rejectionReason(error)) });
          continue;
        }
        unrated = { reason: `cannot rate: ${error.message}` };
      }
      prepared.push(this.write(r.work, { ...r, rating, ...(unrated ? { unrated } : {}), recordedAt }));
    }
    return prepared;
  }

  /** The event's records, or its rejection when they cannot be built (a value too large to store). */
  private write(work: Work, input: Omit<EventWriteInput, 'event'>): Prepared {
    try {
      return { work, ...eventWrite({ event: work.event, ...input }) };
    } catch (error) {
      return { work, outcome: rejected(work.event, rejectionReason(error)) };
    }
  }
}

function rejected(event: OwnershipEvent, reason: string): EventOutcome {
  return { id: event.id, outcome: 'rejected', reason };
}
