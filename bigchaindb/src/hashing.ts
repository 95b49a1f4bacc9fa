// Transaction id and per-input signing message (BigchainDB v2.0, common/transaction.py @ v2.2.2).
// SHA3-256 is Node's built-in (OpenSSL) NIST SHA3, not Keccak; ids are checked against the published vectors.
import { createHash, type Hash } from 'node:crypto';
import { serializeTransactionTexts, type TransactionTexts } from './serialize';
import type { OutputReference, UnsignedTransaction } from './transaction';

/** NIST SHA3-256 (not Keccak) of a UTF-8 string, hex. */
export function sha3Hex(text: string): string {
  return createHash('sha3-256').update(text, 'utf8').digest('hex');
}

/** Both canonical texts of a transaction (id and signing prefix) in one walk; see serializeTransactionTexts. */
export function transactionTexts(tx: UnsignedTransaction): TransactionTexts {
  return serializeTransactionTexts(tx);
}

/** v2.0 rule: sha3-256 of the *signed* transaction with `id: null` (fulfil-then-hash, BEP-13). */
export function computeTransactionId(tx: UnsignedTransaction): string {
  return sha3Hex(transactionTexts(tx).idText);
}

/** serialize(tx with id and every fulfillment null): the common prefix of every input's signing message. */
export function serializeForSigning(tx: UnsignedTransaction): string {
  return transactionTexts(tx).signingText;
}

function suffixOf(fulfills: OutputReference | null | undefined): string {
  return fulfills ? `${fulfills.transaction_id}${fulfills.output_index}` : '';
}

/** The 32 bytes an input's ed25519 key signs: sha3(prefix + fulfills.transaction_id + fulfills.output_index). */
export function signingMessage(serializedForSigning: string, fulfills: OutputReference | null | undefined): Buffer {
  return createHash('sha3-256').update(serializedForSigning, 'utf8').update(suffixOf(fulfills), 'utf8').digest();
}

/**
 * The signing message of every input: the (long) common prefix is hashed once and the hash state copied per
 * input, so a transaction with n inputs costs one pass over its text instead of n.
 */
export function signingMessages(
  serializedForSigning: string,
  inputs: readonly { fulfills?: OutputReference | null }[],
): Buffer[] {
  if (inputs.length === 1) return [signingMessage(serializedForSigning, inputs[0]?.fulfills)];
  const prefix: Hash = createHash('sha3-256').update(serializedForSigning, 'utf8');
  return inputs.map((input) => prefix.copy().update(suffixOf(input.fulfills), 'utf8').digest());
}
