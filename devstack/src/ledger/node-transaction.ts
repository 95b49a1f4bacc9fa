// How a BigchainDB 2.2.2 node represents a transaction it has accepted (models.Transaction.to_dict()):
// keys in the order inputs, outputs, operation, metadata, asset, version, id; inputs as owners_before,
// fulfills, fulfillment (re-encoded); outputs as public_keys, condition {details, uri}, amount, where the
// details are re-derived (type first), the uri is COMPUTED from the details (the posted uri is not kept) and
// the amount is re-stringified from an integer ("01" -> "1").
import * as bigchaindb from '@lease-premium/bigchaindb';

type ConditionDetails = bigchaindb.ConditionDetails;

/** Raised for input the real node would crash on (an uncaught Python exception: HTTP 500). */
export class NodeCrash extends Error {}

export interface OutputRef {
  transaction_id: string;
  output_index: number;
}

export interface NodeInput {
  owners_before: string[] | null;
  fulfills: OutputRef | null;
  fulfillment: string | ConditionDetails;
}

export interface NodeOutput {
  public_keys: string[] | null;
  condition: { details: ConditionDetails; uri: string };
  amount: string;
}

/** A posted transaction that passed the v2.0 schema (the schema is looser than the transaction core's zod type). */
export interface PostedTransaction {
  id: string;
  inputs: { owners_before: string[] | null; fulfills?: OutputRef | null; fulfillment: string | ConditionDetails }[];
  outputs: { public_keys: string[] | null; condition: { details: ConditionDetails; uri: string }; amount: string }[];
  operation: string;
  metadata: Record<string, unknown> | null;
  asset: { data?: Record<string, unknown> | null; id?: string };
  version: string;
}

export interface NodeTransactionDict {
  inputs: NodeInput[];
  outputs: NodeOutput[];
  operation: 'CREATE' | 'TRANSFER';
  metadata: Record<string, unknown> | null;
  asset: { data?: Record<string, unknown> | null; id?: string };
  version: string;
  id: string;
}

const uriCache = new Map<string, string>();

// Keys already known to be canonical base58 of 32 bytes (outputs repeat the same few keys; base58 is slow).
const canonicalKeys = new Set<string>();

/** _fulfillment_to_details(_fulfillment_from_details(details)): same content, type first; keys must decode to 32 bytes. */
export function normalizeDetails(details: ConditionDetails, depth = 0): ConditionDetails {
  if (depth >= 100) throw new NodeCrash('ThresholdTooDeep');
  if (details.type === 'ed25519-sha-256') {
    if (canonicalKeys.has(details.public_key)) return { type: 'ed25519-sha-256', public_key: details.public_key };
    let bytes: Uint8Array;
    try {
      bytes = bigchaindb.decodeBase58(details.public_key);
    } catch {
      throw new NodeCrash(`invalid base58 public key ${details.public_key}`);
    }
    if (bytes.length !== 32) throw new NodeCrash(`public key must be 32 bytes, was ${bytes.length}`);
    const canonical = bigchaindb.encodeBase58(bytes);
    if (canonical === details.public_key) {
      if (canonicalKeys.size >= 100_000) canonicalKeys.clear();
      canonicalKeys.add(canonical);
    }
    return { type: 'ed25519-sha-256', public_key: canonical };
  }
  return {
    type: 'threshold-sha-256',
    threshold: details.threshold,
    subconditions: details.subconditions.map((d) => normalizeDetails(d, depth + 1)),
  };
}

/** The condition uri the node derives from an output's details (cached: outputs repeat the same few keys). */
export function conditionUriOf(details: ConditionDetails): string {
  const key = details.type === 'ed25519-sha-256' ? details.public_key : JSON.stringify(details);
  let uri = uriCache.get(key);
  if (uri === undefined) {
    try {
      uri = bigchaindb.conditionFromDetails(details).serializeUri();
    } catch (error) {
      throw new NodeCrash(`cannot build a condition from the details: ${(error as Error).message}`);
    }
    if (uriCache.size > 100_000) uriCache.clear();
    uriCache.set(key, uri);
  }
  return uri;
}

/** Every public key inside a condition's details, threshold subconditions included (condition_details_has_owner). */
export function detailsHaveOwner(details: ConditionDetails, publicKey: string): boolean {
  if (details.type === 'ed25519-sha-256') return details.public_key === publicKey;
  return details.subconditions.some((d) => detailsHaveOwner(d, publicKey));
}

/** `fulfillments[i]` is input i's fulfillment re-encoded by the crypto-conditions library (Python: serialize_uri()). */
export function toNodeDict(
  tx: PostedTransaction,
  fulfillments: (string | undefined)[],
  outputDetails: ConditionDetails[],
): NodeTransactionDict {
  return {
    inputs: tx.inputs.map((input, i) => ({
      owners_before: input.owners_before,
      fulfills: input.fulfills
        ? { transaction_id: input.fulfills.transaction_id, output_index: input.fulfills.output_index }
        : null,
      fulfillment: fulfillments[i] ?? input.fulfillment,
    })),
    outputs: tx.outputs.map((output, i) => {
      const details = outputDetails[i] ?? normalizeDetails(output.condition.details);
      return {
        public_keys: output.public_keys,
        condition: { details, uri: conditionUriOf(details) },
        amount: BigInt(output.amount).toString(),
      };
    }),
    operation: tx.operation as 'CREATE' | 'TRANSFER',
    metadata: tx.metadata,
    asset: tx.asset,
    version: tx.version,
    id: tx.id,
  };
}
