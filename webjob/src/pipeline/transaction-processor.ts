// One ledger transaction -> what to do with it: deliver an event, skip it (not a tracked car),
// or dead-letter it (a tracked car's transaction that fails verification or the data contract).
// Transactions of one block must be processed in order: a CREATE teaches the registry about its
// car before a TRANSFER of the same car later in the block is judged.
import { classifyLeaseMetadata, formatIssues, type OwnershipEvent } from '@lease-premium/events';
import type { WebJobConfig } from '../config';
import { AssetRegistry } from '../classifier/asset-registry';
import { judgeCreate, type SkipReason } from '../classifier/create-judgement';
import type { DeadLetterKind } from '@lease-premium/events';
import { toOwnershipEvent } from '../mapper/event-mapper';
import type { LedgerClient } from '../ledger/ledger-client';
import type { Logger } from '../ops/logger';
import { VerificationPool } from '../verifier/verification-pool';
import { parseLedgerTransaction, rawTransactionId } from '../ledger/ledger-transaction';
import { verifyTransfer } from '../verifier/transaction-verifier';
import type { Verdict } from '../verifier/verdict';

export interface TxPosition {
  blockHeight: number;
  indexInBlock: number;
}

export type TxOutcome =
  | { kind: 'event'; event: OwnershipEvent }
  | { kind: 'skip'; reason: SkipReason }
  | {
      kind: 'dead-letter';
      deadLetter: {
        kind: DeadLetterKind;
        reason: string;
        transactionId: string;
        assetId: string | undefined;
        payload: unknown;
      };
    };

export interface ProcessorOptions {
  registry: AssetRegistry;
  trusted: ReadonlySet<string>;
  source: string;
  /** Id-hash and signature checks, usually done ahead on verifier threads. */
  verification: VerificationPool;
}

export class TransactionProcessor {
  constructor(private readonly options: ProcessorOptions) {}

  /** Starts the signature checks of transactions coming up (on the verifier threads), ahead of their turn. */
  prime(raws: readonly unknown[]): void {
    this.options.verification.prime(raws);
  }

  /** Stops the verifier threads; checks still out are completed inline. */
  close(): Promise<void> {
    return this.options.verification.close();
  }

  /** Id hash and signatures of a schema-valid transaction: usually computed ahead on a verifier thread. */
  private pooledVerdict(raw: unknown): Promise<Verdict | undefined> {
    return this.options.verification.verdict(raw);
  }

  async process(raw: unknown, position: TxPosition, replay: boolean, signal?: AbortSignal): Promise<TxOutcome> {
    const parsed = parseLedgerTransaction(raw);
    if (!parsed.ok) {
      return {
        kind: 'dead-letter',
        deadLetter: {
          kind: 'verification-failed',
          reason: parsed.reason,
          transactionId: rawTransactionId(raw),
          assetId: undefined,
          payload: raw,
        },
      };
    }
    const tx = parsed.value;
    const observedAt = new Date().toISOString();
    const refuse = (kind: DeadLetterKind, reason: string, assetId: string): TxOutcome => ({
      kind: 'dead-letter',
      deadLetter: { kind, reason, transactionId: tx.id, assetId, payload: tx },
    });

    if (tx.operation === 'CREATE') {
      const judgement = judgeCreate(tx, this.options.trusted, await this.pooledVerdict(raw));
      this.options.registry.remember(tx.id, judgement.asset);
      if (judgement.refusal) return refuse(judgement.refusal.kind, judgement.refusal.reason, tx.id);
      if (!judgement.asset.tracked) return { kind: 'skip', reason: judgement.asset.reason };
      this.options.registry.rememberOutputs(tx.id, tx);
      const { vehicle, issuer } = judgement.asset;
      return {
        kind: 'event',
        event: toOwnershipEvent(tx, {
          source: this.options.source,
          ...position,
          assetId: tx.id,
          vehicle,
          issuer,
          lease: null,
          observedAt,
          replay,
        }),
      };
    }
    if (tx.operation !== 'TRANSFER' || !('id' in tx.asset)) return { kind: 'skip', reason: 'other-operation' };

    const assetId = tx.asset.id;
    const asset = await this.options.registry.lookup(assetId, signal);
    if (!asset.tracked) return { kind: 'skip', reason: 'untracked-asset' };
    const spent = await this.options.registry.spentConditions(assetId, tx, signal);
    const verified = verifyTransfer(tx, spent, await this.pooledVerdict(raw));
    if (!verified.ok) return refuse('verification-failed', verified.reason, assetId);
    const lease = classifyLeaseMetadata(tx.metadata);
    if (lease.kind === 'malformed') return refuse('malformed', `metadata: ${formatIssues(lease.issues)}`, assetId);
    this.options.registry.rememberOutputs(assetId, tx);
    return {
      kind: 'event',
      event: toOwnershipEvent(tx, {
        source: this.options.source,
        ...position,
        assetId,
        vehicle: asset.vehicle,
        issuer: asset.issuer,
        lease: lease.kind === 'lease' ? lease.lease : null,
        observedAt,
        replay,
      }),
    };
  }
}

/** The processor live consumption and replays both use, from the WebJob's settings; close() it when done. */
export function transactionProcessorFor(
  config: WebJobConfig,
  ledger: LedgerClient,
  logger: Logger,
): TransactionProcessor {
  const trusted = config.trust.leasingCompanyPublicKeys;
  return new TransactionProcessor({
    registry: new AssetRegistry(ledger, trusted, logger, config.assetCacheSize),
    trusted,
    source: config.ledger.source,
    verification: new VerificationPool(trusted, config.verifyThreads),
  });
}
