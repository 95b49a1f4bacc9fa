// The CPU-heavy, pure part of judging one raw ledger transaction: the v2.0 schema, then (for the
// transactions whose signatures can matter) the id hash and every signature. Ed25519 verification
// alone is ~140 µs per signature on a small VM, so this runs on verifier threads (VerificationPool)
// while the pipeline thread classifies, maps and delivers in ledger order.
import { parseLedgerTransaction, trustedIssuersOf, verdictOf, type Verdict } from './transaction-verifier';

/** `verdict` is absent for transactions whose signatures cannot matter (a CREATE naming no trusted key). */
export type Precheck = { ok: true; verdict: Verdict | undefined } | { ok: false; reason: string };

export function precheck(raw: unknown, trusted: ReadonlySet<string>): Precheck {
  const parsed = parseLedgerTransaction(raw);
  if (!parsed.ok) return parsed;
  const tx = parsed.value;
  const matters = tx.operation === 'TRANSFER' || (tx.operation === 'CREATE' && trustedIssuersOf(tx, trusted).length > 0);
  return { ok: true, verdict: matters ? verdictOf(tx) : undefined };
}
