// Each car's CREATE decides whether its TRANSFERs are tracked. The registry remembers every
// judgement (bounded LRU) and, on a miss, reads the CREATE from the ledger once, retrying while
// the node's index lags: guessing "untracked" could lose a car's event, so it never guesses.
// For tracked cars it also keeps the output conditions of the car's latest transaction: the next
// TRANSFER spends them, and its fulfillment is checked against them.
// Memory: one LRU entry per asset: untracked assets share one constant per reason, strings that
// repeat across a fleet (make, model, the company's key and output condition) are interned, and a
// TRANSFER updates its car's entry in place instead of allocating a new one.
import type { VehicleAsset } from '@lease-premium/events';
import type { LedgerClient } from '../ledger/ledger-client';
import type { Logger } from '../ops/logger';
import { LruMap } from '../util/lru';
import { StringPool } from '../util/string-pool';
import { throwIfAborted } from '../util/aborted';
import { LEDGER_TUNING } from '../tuning';
import { outputKey, parseLedgerTransaction, type LedgerTransaction } from '../ledger/ledger-transaction';
import { judgeCreate, type AssetInfo, type SkipReason } from './create-judgement';

type UntrackedAsset = Extract<AssetInfo, { tracked: false }>;

/** A tracked car, and the transaction whose outputs its next TRANSFER must spend. */
interface TrackedCar {
  readonly tracked: true;
  readonly vehicle: VehicleAsset;
  readonly issuer: string;
  latestTransactionId: string | undefined;
  /** Output condition URIs of that transaction: one string for the usual single output. */
  latestConditionUris: string | readonly string[];
}

type Entry = TrackedCar | UntrackedAsset;

const UNTRACKED: Record<SkipReason, UntrackedAsset> = {
  'not-car-lease': { tracked: false, reason: 'not-car-lease' },
  'untrusted-issuer': { tracked: false, reason: 'untrusted-issuer' },
  'untracked-asset': { tracked: false, reason: 'untracked-asset' },
  'other-operation': { tracked: false, reason: 'other-operation' },
};

/** Vehicle fields whose values repeat across a fleet (the VIN is unique: not interned). */
const REPEATED_VEHICLE_FIELDS = ['schema', 'make', 'model', 'bodyType', 'currency', 'ratingClass'] as const;

export class AssetRegistry {
  private readonly cars: LruMap<string, Entry>;
  private readonly strings = new StringPool();

  constructor(
    private readonly ledger: LedgerClient,
    private readonly trusted: ReadonlySet<string>,
    private readonly logger: Logger,
    capacity: number,
    private readonly lagToleranceMs: number = LEDGER_TUNING.indexLagToleranceMs,
  ) {
    this.cars = new LruMap(capacity);
  }

  /** Records a CREATE's judgement (a tracked car's outputs follow with rememberOutputs). */
  remember(assetId: string, info: AssetInfo): AssetInfo {
    const entry = info.tracked ? this.trackedCar(info) : UNTRACKED[info.reason];
    this.cars.set(assetId, entry);
    return entry;
  }

  /** Records a tracked transaction's outputs so the TRANSFER spending them can be verified. */
  rememberOutputs(assetId: string, tx: LedgerTransaction): void {
    const car = this.cars.get(assetId);
    if (!car?.tracked) return;
    car.latestTransactionId = tx.id;
    // Interned: a car back with its leasing company carries the company's condition, like every other such car.
    car.latestConditionUris =
      tx.outputs.length === 1
        ? this.strings.intern(tx.outputs[0]?.condition.uri ?? '')
        : tx.outputs.map((o) => o.condition.uri);
  }

  async lookup(assetId: string, signal?: AbortSignal): Promise<AssetInfo> {
    const known = this.cars.get(assetId);
    if (known) return known;
    const tx = await this.fetch(assetId, signal);
    const info = this.remember(
      assetId,
      tx.operation === 'CREATE' ? judgeCreate(tx, this.trusted).asset : UNTRACKED['untracked-asset'],
    );
    if (info.tracked) this.rememberOutputs(assetId, tx);
    return info;
  }

  /** Condition URIs of the outputs a TRANSFER spends, keyed by outputKey; read from the ledger when not remembered. */
  async spentConditions(assetId: string, tx: LedgerTransaction, signal?: AbortSignal): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    const car = this.cars.get(assetId);
    const latest = car?.tracked ? car : undefined;
    for (const input of tx.inputs) {
      if (!input.fulfills) continue;
      const { transaction_id: spentId, output_index: index } = input.fulfills;
      const uris =
        latest?.latestTransactionId === spentId
          ? latest.latestConditionUris
          : (await this.fetch(spentId, signal)).outputs.map((o) => o.condition.uri);
      const uri = typeof uris === 'string' ? (index === 0 ? uris : undefined) : uris[index];
      if (uri !== undefined) result.set(outputKey(spentId, index), uri);
    }
    return result;
  }

  private trackedCar(info: Extract<AssetInfo, { tracked: true }>): TrackedCar {
    const vehicle: Record<string, unknown> = { ...info.vehicle };
    for (const field of REPEATED_VEHICLE_FIELDS) {
      const value = vehicle[field];
      if (typeof value === 'string') vehicle[field] = this.strings.intern(value);
    }
    return {
      tracked: true,
      vehicle: vehicle as VehicleAsset,
      issuer: this.strings.intern(info.issuer),
      latestTransactionId: undefined,
      latestConditionUris: [],
    };
  }

  private async fetch(id: string, signal?: AbortSignal): Promise<LedgerTransaction> {
    for (;;) {
      const raw = await this.ledger.getTransaction(id, this.lagToleranceMs, signal);
      throwIfAborted(signal);
      if (raw !== null) {
        const parsed = parseLedgerTransaction(raw);
        if (parsed.ok && parsed.value.id === id) return parsed.value;
        throw new Error(
          `ledger returned an invalid transaction for ${id}: ${parsed.ok ? 'id mismatch' : parsed.reason}`,
        );
      }
      this.logger.error('a transaction the ledger references cannot be read; still retrying', {
        transactionId: id,
        waitedMs: this.lagToleranceMs,
      });
    }
  }
}
