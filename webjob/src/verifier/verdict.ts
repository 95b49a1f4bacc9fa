// The cryptographic facts of a transaction: the id hash, and for every input whether its
// fulfillment validates over the v2 message, which keys signed it, and its condition URI (to be
// compared with the spent output's). The transaction core's rules (checkTransactionId, verifyInputs),
// with the transaction serialized once and each fulfillment parsed once through the fast parser.
// Imports only the core's zod-free entry: verifier threads load this file alone.
import {
  checkTransactionId,
  parseFulfillmentUri,
  signingMessages,
  transactionTexts,
  type Transaction,
} from '@lease-premium/bigchaindb/signatures';

export type Verdict = { ok: true; signers: string[][]; conditionUris: string[] } | { ok: false; reason: string };
/** A transaction's verdict, or undefined when its signatures cannot matter (verdictOfRaw). */
export type MaybeVerdict = Verdict | undefined;

/** Keys named in a CREATE's owners_before that are trusted leasing companies. */
export function trustedIssuersOf(tx: Pick<Transaction, 'inputs'>, trusted: ReadonlySet<string>): string[] {
  return tx.inputs.flatMap((input) => input.owners_before).filter((key) => trusted.has(key));
}

export function verdictOf(tx: Transaction): Verdict {
  const texts = transactionTexts(tx);
  const id = checkTransactionId(tx, texts);
  if (!id.ok) return { ok: false, reason: `${id.error}: ${id.reason}` };
  const messages = signingMessages(texts.signingText, tx.inputs);
  const signers: string[][] = [];
  const conditionUris: string[] = [];
  for (const [index, input] of tx.inputs.entries()) {
    const parsed = typeof input.fulfillment === 'string' ? parseFulfillmentUri(input.fulfillment) : undefined;
    if (!parsed) return { ok: false, reason: `InvalidSignature: input ${index}: the fulfillment URI cannot be parsed` };
    if (!parsed.validates(messages[index] as Buffer))
      return { ok: false, reason: `InvalidSignature: input ${index}: the signature does not verify` };
    signers.push(parsed.signers);
    conditionUris.push(parsed.conditionUri);
  }
  return { ok: true, signers, conditionUris };
}

/**
 * The verdict of a raw transaction whose schema has not been checked (verifier threads), when its
 * signatures can matter: every TRANSFER, and a CREATE naming a trusted key. Undefined otherwise.
 * Never throws: malformed input gets a failing verdict, and the pipeline refuses it anyway on its
 * own schema check, which decides before any verdict is used.
 */
export function verdictOfRaw(raw: unknown, trusted: ReadonlySet<string>): MaybeVerdict {
  try {
    const tx = raw as Transaction;
    const matters =
      tx.operation === 'TRANSFER' || (tx.operation === 'CREATE' && trustedIssuersOf(tx, trusted).length > 0);
    return matters ? verdictOf(tx) : undefined;
  } catch (error) {
    return { ok: false, reason: `not a transaction: ${error instanceof Error ? error.message : String(error)}` };
  }
}
