// Signing for tests, demos and benchmarks where bigchaindb-driver does not fit (the driver remains the reference).
import bs58 from 'bs58';
import { computeTransactionId, serializeForSigning, signingMessage } from './hashing';
import { conditionDetailsFor, fulfill, publicKeyOfSeed } from './fulfillment';
import type { SpentOutputLookup } from './verify';
import type { Transaction, UnsignedTransaction } from './transaction';

/**
 * Fills every input's fulfillment and the id. The condition each input must meet is the spent output's
 * (when `spent` finds it) or else derived from `owners_before`. Throws when the keys cannot sign an input.
 */
export function signTransaction(
  unsigned: UnsignedTransaction,
  privateKeysBase58: string[],
  spent?: SpentOutputLookup,
): Transaction {
  const seeds = new Map(privateKeysBase58.map((key) => [publicKeyOfSeed(key), Buffer.from(bs58.decode(key))] as const));
  const base: UnsignedTransaction = {
    ...unsigned,
    id: null,
    inputs: unsigned.inputs.map((i) => ({ ...i, fulfillment: null })),
  };
  const prefix = serializeForSigning(base);
  const inputs = base.inputs.map((input, index) => {
    const details = spent?.(input)?.condition.details ?? conditionDetailsFor(input.owners_before);
    const fulfillment = fulfill(details, signingMessage(prefix, input.fulfills), seeds);
    if (!fulfillment) throw new Error(`signTransaction: the given keys cannot fulfil input ${index}`);
    return { ...input, fulfillment: fulfillment.serializeUri() };
  });
  const signed = { ...base, inputs };
  return { ...signed, id: computeTransactionId(signed) };
}
