// Cryptographic checks before anything is acted on: the id is the hash of the body, every
// fulfillment verifies (for TRANSFERs, against the condition of the output it spends), and a
// CREATE that names a leasing company was really signed by that company's key. BigchainDB does
// not check the last point (common/transaction.py `_input_valid` ignores owners_before for
// CREATE), so anyone could register a "leasing company" car; we refuse such cars.
import { outputKey, type Checked, type LedgerTransaction } from '../ledger/ledger-transaction';
import { trustedIssuersOf, verdictOf, type Verdict } from './verdict';

/**
 * Verifies a CREATE naming a trusted issuer: id hash, fulfillment, and that every key in
 * owners_before (the issuer's among them) really signed. Returns the issuer key. `verdict`: when
 * already computed (a verifier thread).
 */
export function verifyTrustedCreate(
  tx: LedgerTransaction,
  trusted: ReadonlySet<string>,
  precomputed?: Verdict,
): Checked<string> {
  const issuer = trustedIssuersOf(tx, trusted)[0];
  if (issuer === undefined) return { ok: false, reason: 'CREATE names no trusted leasing-company key' };
  const verdict = precomputed ?? verdictOf(tx); // signatures only once the cheap trust check passed
  if (!verdict.ok) return verdict;
  for (const [index, input] of tx.inputs.entries()) {
    const signed = new Set(verdict.signers[index] ?? []);
    for (const owner of input.owners_before) {
      if (!signed.has(owner)) {
        return {
          ok: false,
          reason: `CREATE input ${index} names ${owner} in owners_before but its fulfillment was signed by ${[...signed].join(', ') || 'no key'}`,
        };
      }
    }
  }
  return { ok: true, value: issuer };
}

/**
 * Verifies a TRANSFER: id hash, fulfillments, and each one's condition is that of the output it spends.
 * `spentConditions`: condition URI of each spent output, keyed by outputKey; `verdict`: when already
 * computed (a verifier thread).
 */
export function verifyTransfer(
  tx: LedgerTransaction,
  spentConditions: Map<string, string>,
  verdict: Verdict = verdictOf(tx),
): Checked<true> {
  if (!verdict.ok) return verdict;
  for (const [index, input] of tx.inputs.entries()) {
    if (!input.fulfills) continue;
    const spent = spentConditions.get(outputKey(input.fulfills.transaction_id, input.fulfills.output_index));
    if (spent === undefined)
      return { ok: false, reason: `InvalidSignature: input ${index} spends an output that does not exist` };
    if (spent !== verdict.conditionUris[index])
      return {
        ok: false,
        reason: `InvalidSignature: input ${index} is not signed by the owner of the output it spends`,
      };
  }
  return { ok: true, value: true };
}
