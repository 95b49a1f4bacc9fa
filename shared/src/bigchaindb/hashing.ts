// Transaction id and per-input signing message (BigchainDB v2.0, common/transaction.py @ v2.2.2).
import { sha3_256 } from 'js-sha3';
import { serialize } from './serialize';
import type { OutputReference, UnsignedTransaction } from './transaction';

/** NIST SHA3-256 (not Keccak) of a UTF-8 string, hex. */
export function sha3Hex(text: string): string {
  return sha3_256(text);
}

/** v2.0 rule: sha3-256 of the *signed* transaction with `id: null` (fulfil-then-hash, BEP-13). */
export function computeTransactionId(tx: UnsignedTransaction): string {
  return sha3_256(serialize({ ...tx, id: null }));
}

/** serialize(tx with id and every fulfillment null): the common prefix of every input's signing message. */
export function serializeForSigning(tx: UnsignedTransaction): string {
  return serialize({ ...tx, id: null, inputs: tx.inputs.map((input) => ({ ...input, fulfillment: null })) });
}

/** The 32 bytes an input's ed25519 key signs: sha3(prefix + fulfills.transaction_id + fulfills.output_index). */
export function signingMessage(serializedForSigning: string, fulfills: OutputReference | null): Buffer {
  const text = fulfills ? `${serializedForSigning}${fulfills.transaction_id}${fulfills.output_index}` : serializedForSigning;
  return Buffer.from(sha3_256.arrayBuffer(text));
}
