// Verification of a v2.0 transaction's id and fulfillments, as bigchaindb/common/transaction.py @ v2.2.2 does it.
import { sha3Hex, signingMessages, transactionTexts } from './hashing';
import { parseFulfillmentUri } from './parsed-fulfillment';
import type { TransactionTexts } from './serialize';
import type { Input, Output, UnsignedTransaction } from './transaction';

/** The real node's exception class names, so callers can build `Invalid transaction (<Class>): <message>`. */
export type VerificationError = 'InvalidHash' | 'InvalidSignature';
export type VerificationResult =
  { ok: true; signers: string[][] } | { ok: false; error: VerificationError; reason: string };

export type SpentOutputLookup = (input: Input) => Output | undefined;

/**
 * validate_id: the id must be present and equal the hash of the body with `id: null`.
 * `texts` (from transactionTexts) saves serializing the transaction again when the caller already has them.
 */
export function checkTransactionId(tx: UnsignedTransaction, texts?: TransactionTexts): VerificationResult {
  if (tx.id === undefined || tx.id === null)
    return { ok: false, error: 'InvalidHash', reason: 'No transaction id found!' };
  if (sha3Hex((texts ?? transactionTexts(tx)).idText) !== tx.id) {
    return {
      ok: false,
      error: 'InvalidHash',
      reason: `The transaction's id '${tx.id}' isn't equal to the hash of its body, i.e. it's not valid.`,
    };
  }
  return { ok: true, signers: [] };
}

/**
 * inputs_valid: every fulfillment parses and validates over its v2 message; for inputs that spend an output
 * (TRANSFER), when `spentOutputs` is given, the fulfillment's condition uri must equal the spent output's.
 * Like the real node, a CREATE's fulfillment key is not compared with `owners_before`.
 */
export function verifyInputs(
  tx: UnsignedTransaction,
  spentOutputs?: SpentOutputLookup,
  texts?: TransactionTexts,
): VerificationResult {
  const messages = signingMessages((texts ?? transactionTexts(tx)).signingText, tx.inputs);
  const signers: string[][] = [];
  for (const [index, input] of tx.inputs.entries()) {
    if (typeof input.fulfillment !== 'string') return invalidSignature();
    const parsed = parseFulfillmentUri(input.fulfillment);
    if (!parsed) return { ok: false, error: 'InvalidSignature', reason: "Fulfillment URI couldn't been parsed" };
    if (spentOutputs && input.fulfills && tx.operation !== 'CREATE') {
      const spent = spentOutputs(input);
      if (!spent || spent.condition.uri !== parsed.conditionUri) return invalidSignature();
    }
    if (!parsed.validates(messages[index] as Buffer)) return invalidSignature();
    signers.push(parsed.signers);
  }
  return { ok: true, signers };
}

/** The id and every fulfillment (the transaction is serialized once for both); see checkTransactionId and verifyInputs. */
export function verifyTransaction(tx: UnsignedTransaction, spentOutputs?: SpentOutputLookup): VerificationResult {
  const texts = transactionTexts(tx);
  const id = checkTransactionId(tx, texts);
  return id.ok ? verifyInputs(tx, spentOutputs, texts) : id;
}

function invalidSignature(): VerificationResult {
  return { ok: false, error: 'InvalidSignature', reason: 'Transaction signature is invalid.' };
}
