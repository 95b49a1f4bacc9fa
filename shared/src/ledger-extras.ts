// The open (extra) fields of the on-ledger documents within a budget. vehicle@1 asset data and
// lease@1 metadata allow fields beyond the contract; whoever signs the transaction controls them,
// and the ledger accepts up to ~750 kB of them, nested as deep as they like. Receivers keep the
// contract's fields always and the extras only when they are small and shallow, so what is stored
// fits Azure Table Storage (64 KiB a property, 1 MiB an entity) and can be serialized without
// recursion limits (JSON.stringify overflows the stack at a few thousand levels).
import { LeaseMetadata, VehicleAsset } from './ledger-data';

/** Most UTF-8 bytes of JSON the extras of one document may take (all extra fields together). */
export const LEDGER_EXTRAS_BUDGET_BYTES = 8 * 1024;
/** Deepest nesting of the extras (the document itself is level 1). */
export const LEDGER_EXTRAS_MAX_DEPTH = 16;

/** Why the extras of a document were left out, and how big they were (bytes, when measurable). */
export interface ExtrasDropped {
  reason: 'too-large' | 'too-deep';
  /** UTF-8 bytes of the extras' JSON (too-large); the budget they exceeded. */
  bytes?: number;
  budgetBytes?: number;
  /** The depth limit they exceeded (too-deep). */
  maxDepth?: number;
}

export type BoundedExtras<T> = { value: T; dropped?: ExtrasDropped };

export const VEHICLE_CONTRACT_KEYS: readonly string[] = Object.keys(VehicleAsset.shape);
export const LEASE_CONTRACT_KEYS: readonly string[] = Object.keys(LeaseMetadata.shape);

/** True when some value inside `root` lies deeper than `maxDepth` levels (iterative: no stack). */
export function nestsDeeperThan(root: unknown, maxDepth: number): boolean {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { value, depth } = item;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(value)) pending.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/**
 * The document with its extras kept, or (over the depth limit or the byte budget) with the
 * contract's fields only and a note of what was dropped. Never throws for any JSON value.
 */
export function boundExtras<T extends object>(document: T, contractKeys: readonly string[]): BoundedExtras<T> {
  const contract: Record<string, unknown> = {};
  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) (contractKeys.includes(key) ? contract : extras)[key] = value;
  if (Object.keys(extras).length === 0) return { value: document };
  // Depth 2 = a field of the document; the extras object stands in for the document here.
  if (nestsDeeperThan(extras, LEDGER_EXTRAS_MAX_DEPTH)) {
    return { value: contract as T, dropped: { reason: 'too-deep', maxDepth: LEDGER_EXTRAS_MAX_DEPTH } };
  }
  const bytes = Buffer.byteLength(JSON.stringify(extras), 'utf8');
  if (bytes > LEDGER_EXTRAS_BUDGET_BYTES)
    return { value: contract as T, dropped: { reason: 'too-large', bytes, budgetBytes: LEDGER_EXTRAS_BUDGET_BYTES } };
  return { value: document };
}
