// What the leasing company (and its lessees) write to the ledger, through the official
// bigchaindb-driver: a CREATE per car, a TRANSFER per lease start / end carrying lease@1 metadata.
// Building (pure) and posting are separate so a caller can journal a signed transaction before
// posting it and re-post the very same one after a crash (the ledger dedups by content).
import {
  Connection,
  Transaction,
  type TransactionCommonSigned,
  type TransactionOperations,
  type TransactionUnspentOutput,
} from 'bigchaindb-driver';
import { LEASE_SCHEMA_TAG, type LeaseMetadata, type VehicleAsset } from '@lease-premium/events';
import type { KeyPair } from '../stack/local-config';

export type SignedTransaction = TransactionCommonSigned<TransactionOperations>;

export interface LeaseTerms {
  leaseId: string;
  startDate: string;
  endDate: string;
  annualMileageKm: number;
  usage: LeaseMetadata['usage'];
}

function output(publicKey: string): ReturnType<typeof Transaction.makeOutput> {
  return Transaction.makeOutput(Transaction.makeEd25519Condition(publicKey));
}

/** The car's CREATE, issued and signed by the leasing company (no metadata: `{}` is invalid on BigchainDB). */
export function buildVehicleCreate(vehicle: VehicleAsset, company: KeyPair): SignedTransaction {
  // The driver types metadata as a record; null is what BigchainDB expects for "no metadata".
  const unsigned = Transaction.makeCreateTransaction(
    { ...vehicle },
    null as never,
    [output(company.publicKey)],
    company.publicKey,
  );
  return Transaction.signTransaction(unsigned, company.privateKey);
}

export function leaseMetadata(action: LeaseMetadata['action'], terms: LeaseTerms): LeaseMetadata {
  return { schema: LEASE_SCHEMA_TAG, action, ...terms };
}

/**
 * A TRANSFER of the car's single output from `from` (its current owner, who signs) to `to`.
 * `previous` is the transaction that created the output being spent (output 0).
 */
export function buildOwnershipTransfer(
  previous: SignedTransaction,
  assetId: string,
  from: KeyPair,
  to: readonly string[],
  metadata: LeaseMetadata,
): SignedTransaction {
  const condition = to.length === 1 ? Transaction.makeEd25519Condition(to[0]!) : undefined;
  if (!condition) throw new Error('the demo transfers to exactly one new owner');
  const unsigned = Transaction.makeTransferTransaction(
    // The driver's types only admit a CREATE here, but it spends TRANSFER outputs just the same.
    [{ tx: previous as unknown as TransactionUnspentOutput['tx'], output_index: 0 }],
    [Transaction.makeOutput(condition)],
    { ...metadata },
  );
  if ((unsigned.asset as { id?: string }).id !== assetId)
    throw new Error(`transfer built for asset ${unsigned.asset.id}, expected ${assetId}`);
  return Transaction.signTransaction(unsigned, from.privateKey);
}

/** The driver rejects with plain objects (ResponseError: message, status); make them readable Errors. */
function describeDriverError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null) {
    const { message, status } = error as { message?: unknown; status?: unknown };
    return (
      [message, status]
        .filter((part) => part !== undefined)
        .map(String)
        .join(': ') || JSON.stringify(error)
    );
  }
  return String(error);
}

export class LeaseLedger {
  constructor(readonly apiUrl: string) {}

  /** Posts and resolves once the transaction is committed (mode=commit). */
  async commit(tx: SignedTransaction): Promise<void> {
    // A connection per call: the driver's connection spends one 20 s retry budget over its whole
    // life, so a long-lived one stops working for good after enough failed (backed-off) requests.
    try {
      await new Connection(this.apiUrl).postTransactionCommit(tx);
    } catch (error) {
      throw new Error(`posting transaction ${tx.id} failed: ${describeDriverError(error)}`);
    }
  }

  /** True when the ledger already holds this transaction (a re-post after a crash is then skipped). */
  async isCommitted(transactionId: string): Promise<boolean> {
    const response = await fetch(new URL(`transactions/${transactionId}`, this.apiUrl), {
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    if (response.status === 404) return false;
    if (!response.ok) throw new Error(`GET transactions/${transactionId}: HTTP ${response.status}`);
    return true;
  }

  /** Commits unless already committed: safe to call again with the same journalled transaction. */
  async ensureCommitted(tx: SignedTransaction): Promise<void> {
    if (await this.isCommitted(tx.id)) return;
    await this.commit(tx);
  }
}
