// The event the WebJob delivers to the Function App: a CloudEvents 1.0 envelope (structured JSON
// mode, or a JSON array in batch mode) around the facts of one ledger transaction of a tracked car.
import { z } from 'zod';
import { LeaseMetadata, VehicleAsset } from './ledger-data';

export const EVENT_SPEC_VERSION = '1.0';
/** CREATE of a tracked car: the leasing company registered it. */
export const VEHICLE_REGISTERED_TYPE = 'com.lease-premium.vehicle.registered.v1';
/** TRANSFER of a tracked car: it changed hands (lease start, lease end, or another transfer). */
export const OWNERSHIP_CHANGED_TYPE = 'com.lease-premium.vehicle.ownership-changed.v1';
export const EVENT_DATA_SCHEMA = 'https://schemas.lease-premium.dev/events/vehicle-ownership-v1.json';
export const STRUCTURED_CONTENT_TYPE = 'application/cloudevents+json';
export const BATCH_CONTENT_TYPE = 'application/cloudevents-batch+json';

/** A BigchainDB transaction id / asset id: 64 lowercase hex characters (SHA3-256). */
export const LedgerId = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters');
/** An Ed25519 public key in base58 (BigchainDB's key encoding). */
export const PublicKey = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, 'must be a base58 Ed25519 public key');

export const LedgerPosition = z.object({
  transactionId: LedgerId,
  assetId: LedgerId,
  /** Block height that committed the transaction. */
  blockHeight: z.int().min(0),
  /** Index of the transaction within its block: with blockHeight, a total order of the ledger. */
  indexInBlock: z.int().min(0),
  operation: z.enum(['CREATE', 'TRANSFER']),
  /** The outputs this transaction spends (empty for a CREATE). */
  spends: z.array(z.object({ transactionId: LedgerId, outputIndex: z.int().min(0) })),
});
export type LedgerPosition = z.infer<typeof LedgerPosition>;

export const OwnershipEventData = z.object({
  ledger: LedgerPosition,
  /** The car, as registered by its CREATE. */
  vehicle: VehicleAsset,
  /** Public keys that owned the spent outputs (the issuer for a CREATE). */
  previousOwners: z.array(PublicKey),
  /** Public keys of the new outputs' owners (several keys = joint owners of one output). */
  newOwners: z.array(PublicKey).min(1),
  /** The leasing company key that issued the car's CREATE (trusted by the bridge). */
  issuer: PublicKey,
  /** Lease terms from the TRANSFER's metadata; null for a CREATE or a TRANSFER without lease metadata. */
  lease: LeaseMetadata.nullable(),
  /** The bridge recomputed the id hash and verified every fulfillment before sending. */
  signaturesVerified: z.boolean(),
  /** When the bridge first saw the transaction (ISO 8601 UTC). */
  observedAt: z.iso.datetime({ offset: true }),
});
export type OwnershipEventData = z.infer<typeof OwnershipEventData>;

export const OwnershipEvent = z
  .object({
    /** CloudEvents version: "1.0". */
    specversion: z.literal(EVENT_SPEC_VERSION),
    /** The ledger transaction id: stable across redeliveries, so receivers deduplicate on it. */
    id: LedgerId,
    /** The ledger network (stable across its nodes), e.g. "bigchaindb://lease-network". */
    source: z.string().min(1),
    /** Versioned event type: registered (CREATE) or ownership-changed (TRANSFER). */
    type: z.enum([VEHICLE_REGISTERED_TYPE, OWNERSHIP_CHANGED_TYPE]),
    /** The asset id of the car. */
    subject: LedgerId,
    /** When the change happened on the ledger as far as the bridge knows (the ledger exposes no block time). */
    time: z.iso.datetime({ offset: true }),
    datacontenttype: z.literal('application/json'),
    /** URL ($id) of the data's JSON Schema (OwnershipEventData.json); changes with a major version. */
    dataschema: z.literal(EVENT_DATA_SCHEMA),
    /** CloudEvents extension: true when this delivery was requested by an operator replay. */
    replay: z.boolean().optional(),
    data: OwnershipEventData,
  })
  // Cross-field rules JSON Schema cannot express; the validators enforce them.
  .superRefine((event, ctx) => {
    if (event.data.ledger.transactionId !== event.id) {
      ctx.addIssue({ code: 'custom', path: ['data', 'ledger', 'transactionId'], message: 'must equal id' });
    }
    if (event.data.ledger.assetId !== event.subject) {
      ctx.addIssue({ code: 'custom', path: ['data', 'ledger', 'assetId'], message: 'must equal subject' });
    }
    const isCreate = event.data.ledger.operation === 'CREATE';
    if (isCreate !== (event.type === VEHICLE_REGISTERED_TYPE)) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `must be ${isCreate ? VEHICLE_REGISTERED_TYPE : OWNERSHIP_CHANGED_TYPE} for a ${event.data.ledger.operation}` });
    }
    if (isCreate !== (event.data.ledger.spends.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['data', 'ledger', 'spends'], message: isCreate ? 'must be empty for a CREATE' : 'must not be empty for a TRANSFER' });
    }
  });
export type OwnershipEvent = z.infer<typeof OwnershipEvent>;

/** Most events one batch request may carry (the receiver answers 400 above it). */
export const MAX_BATCH_EVENTS = 1000;

/** Batch mode: a JSON array of events (application/cloudevents-batch+json). */
export const OwnershipEventBatch = z.array(OwnershipEvent).min(1).max(MAX_BATCH_EVENTS);
