// What a CREATE means for us (pure): a tracked car, something to skip, or a refusal to
// dead-letter. Trust comes first (cheap checks before signature verification).
import { classifyVehicleAsset, formatIssues, type VehicleAsset } from '@lease-premium/events';
import type { LedgerTransaction } from '../ledger/ledger-transaction';
import { verifyTrustedCreate } from '../verifier/transaction-verifier';
import { trustedIssuersOf, type Verdict } from '../verifier/verdict';
import type { DeadLetterKind } from '@lease-premium/events';

export type SkipReason = 'not-car-lease' | 'untrusted-issuer' | 'untracked-asset' | 'other-operation';

export type AssetInfo =
  { tracked: true; vehicle: VehicleAsset; issuer: string } | { tracked: false; reason: SkipReason };

export interface CreateJudgement {
  asset: AssetInfo;
  refusal?: { kind: DeadLetterKind; reason: string };
}

/** `verdict`: the transaction's signature checks when a verifier thread already made them. */
export function judgeCreate(tx: LedgerTransaction, trusted: ReadonlySet<string>, verdict?: Verdict): CreateJudgement {
  const data = 'data' in tx.asset ? tx.asset.data : undefined;
  const classified = classifyVehicleAsset(data);
  if (classified.kind === 'not-car-lease') return { asset: { tracked: false, reason: 'not-car-lease' } };
  if (trustedIssuersOf(tx, trusted).length === 0) return { asset: { tracked: false, reason: 'untrusted-issuer' } };
  const verified = verifyTrustedCreate(tx, trusted, verdict);
  if (!verified.ok)
    return {
      asset: { tracked: false, reason: 'untracked-asset' },
      refusal: { kind: 'verification-failed', reason: verified.reason },
    };
  if (classified.kind === 'malformed') {
    return {
      asset: { tracked: false, reason: 'untracked-asset' },
      refusal: { kind: 'malformed', reason: `asset.data: ${formatIssues(classified.issues)}` },
    };
  }
  return { asset: { tracked: true, vehicle: classified.vehicle, issuer: verified.value } };
}
