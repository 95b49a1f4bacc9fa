// Is a ledger transaction ours? A schema tag other than ours, or none, is not an error: the
// transaction simply is not a car-lease event. Our tag with bad content is "malformed".
import { type z } from 'zod';
import { parseWith, type ValidationIssue } from './issues';
import { LEASE_SCHEMA_TAG, LeaseMetadata, VEHICLE_SCHEMA_TAG, VehicleAsset } from './ledger-data';

export type VehicleClassification =
  | { kind: 'vehicle'; vehicle: VehicleAsset }
  | { kind: 'not-car-lease' }
  | { kind: 'malformed'; issues: ValidationIssue[] };
export type LeaseClassification =
  | { kind: 'lease'; lease: LeaseMetadata }
  | { kind: 'not-car-lease' }
  | { kind: 'malformed'; issues: ValidationIssue[] };

type Classified<T> =
  { ok: true; value: T } | { ok: false; notOurs: true } | { ok: false; notOurs: false; issues: ValidationIssue[] };

function hasSchemaTag(value: unknown, tag: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (value as Record<string, unknown>).schema === tag
  );
}

function classify<S extends z.ZodType>(value: unknown, tag: string, schema: S): Classified<z.output<S>> {
  if (!hasSchemaTag(value, tag)) return { ok: false, notOurs: true };
  const parsed = parseWith(schema, value);
  return parsed.ok ? parsed : { ok: false, notOurs: false, issues: parsed.issues };
}

/** A CREATE's asset.data: our vehicle, someone else's asset, or our tag with bad content. */
export function classifyVehicleAsset(assetData: unknown): VehicleClassification {
  const result = classify(assetData, VEHICLE_SCHEMA_TAG, VehicleAsset);
  if (result.ok) return { kind: 'vehicle', vehicle: result.value };
  return result.notOurs ? { kind: 'not-car-lease' } : { kind: 'malformed', issues: result.issues };
}

/** A TRANSFER's metadata: our lease terms, no lease terms (other tag, none, null), or our tag with bad content. */
export function classifyLeaseMetadata(metadata: unknown): LeaseClassification {
  const result = classify(metadata, LEASE_SCHEMA_TAG, LeaseMetadata);
  if (result.ok) return { kind: 'lease', lease: result.value };
  return result.notOurs ? { kind: 'not-car-lease' } : { kind: 'malformed', issues: result.issues };
}
