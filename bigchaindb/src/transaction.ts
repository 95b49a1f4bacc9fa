// The BigchainDB v2.0 transaction shape (BEP-13; schema bigchaindb/common/schema/transaction_v2.0.yaml @ v2.2.2).
// This is the typed view for code that reads or builds transactions; the ledger node additionally runs
// the original YAML JSON Schema to reproduce the real node's error messages.
import { z } from 'zod';

export const Base58PublicKey = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{43,44}$/, 'must be a base58 Ed25519 public key');
export const Sha3HexDigest = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');

export type Ed25519ConditionDetails = { type: 'ed25519-sha-256'; public_key: string };
export type ThresholdConditionDetails = {
  type: 'threshold-sha-256';
  threshold: number;
  subconditions: ConditionDetails[];
};
export type ConditionDetails = Ed25519ConditionDetails | ThresholdConditionDetails;

export const Ed25519ConditionDetails = z
  .object({ type: z.literal('ed25519-sha-256'), public_key: Base58PublicKey })
  .strict();
export const ConditionDetails: z.ZodType<ConditionDetails> = z.lazy(() =>
  z.union([
    Ed25519ConditionDetails,
    z
      .object({
        type: z.literal('threshold-sha-256'),
        threshold: z.int().min(1).max(100),
        subconditions: z.array(ConditionDetails),
      })
      .strict(),
  ]),
);

export const Output = z
  .object({
    public_keys: z.array(Base58PublicKey),
    condition: z.object({ details: ConditionDetails, uri: z.string() }).strict(),
    amount: z.string().regex(/^[0-9]{1,20}$/),
  })
  .strict();
export type Output = z.infer<typeof Output>;

export const OutputReference = z.object({ transaction_id: Sha3HexDigest, output_index: z.int().min(0) }).strict();
export type OutputReference = z.infer<typeof OutputReference>;

export const Input = z
  .object({
    owners_before: z.array(Base58PublicKey),
    fulfills: OutputReference.nullable(),
    /** base64url crypto-condition fulfillment; null while unsigned; condition details are schema-legal but never valid. */
    fulfillment: z.union([z.string().regex(/^[A-Za-z0-9_-]*$/), ConditionDetails]).nullable(),
  })
  .strict();
export type Input = z.infer<typeof Input>;

export const Operation = z.enum(['CREATE', 'TRANSFER', 'VALIDATOR_ELECTION', 'CHAIN_MIGRATION_ELECTION', 'VOTE']);
export type Operation = z.infer<typeof Operation>;

export const Asset = z.union([
  z.object({ data: z.record(z.string(), z.unknown()).nullable() }).strict(),
  z.object({ id: Sha3HexDigest }).strict(),
]);
export type Asset = z.infer<typeof Asset>;

export const Transaction = z
  .object({
    inputs: z.array(Input),
    outputs: z.array(Output),
    operation: Operation,
    metadata: z
      .record(z.string(), z.unknown())
      .refine((m) => Object.keys(m).length > 0, 'must have at least one property or be null')
      .nullable(),
    asset: Asset,
    version: z.literal('2.0'),
    id: Sha3HexDigest.nullable(),
  })
  .strict();
export type Transaction = z.infer<typeof Transaction>;

/** A transaction before signing: fulfillments and id may still be null. */
export type UnsignedTransaction = Omit<Transaction, 'id'> & { id?: string | null };

/** The asset id a transaction belongs to: its own id for CREATE, asset.id for TRANSFER. */
export function assetIdOf(tx: { id: string | null; asset: Asset }): string {
  return 'id' in tx.asset ? tx.asset.id : (tx.id ?? '');
}
