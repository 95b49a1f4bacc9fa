// The event the WebJob delivers to the Function App: a CloudEvents 1.0 envelope (structured JSON
// mode, or a JSON array in batch mode) around the facts of one ledger transaction of a tracked car.
// Field documentation lives in .describe() so it reaches the JSON Schema and the OpenAPI document.
import bs58 from 'bs58';
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
export const LedgerId = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters')
  .describe('BigchainDB transaction or asset id (64 lowercase hex).');
const BASE58_KEY = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
/** Bytes of an Ed25519 public key (RFC 8032 §5.1.5); the ledger refuses any other length. */
export const PUBLIC_KEY_BYTES = 32;

/** An Ed25519 public key in base58 (BigchainDB's key encoding) that decodes to exactly 32 bytes. */
export const PublicKey = z
  .string()
  .regex(BASE58_KEY, 'must be a base58 Ed25519 public key')
  .refine(
    (key) => !BASE58_KEY.test(key) || bs58.decodeUnsafe(key)?.length === PUBLIC_KEY_BYTES,
    `must decode to ${PUBLIC_KEY_BYTES} bytes (an Ed25519 public key)`,
  )
  .describe('Ed25519 public key, base58 (decodes to 32 bytes).');

/**
 * Ledger positions storage keys can represent: history row keys hold the block height in 12 and the
 * index in 6 zero-padded digits, so they sort in ledger order. A position beyond is an invalid event.
 */
export const BLOCK_HEIGHT_DIGITS = 12;
export const INDEX_IN_BLOCK_DIGITS = 6;
export const MAX_BLOCK_HEIGHT = 10 ** BLOCK_HEIGHT_DIGITS - 1;
export const MAX_INDEX_IN_BLOCK = 10 ** INDEX_IN_BLOCK_DIGITS - 1;
/** Most owner keys (and spent outputs) one event lists: far above any car's joint lessees, and small enough to store. */
export const MAX_OWNERS = 100;

/**
 * W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header):
 * version-traceid-parentid-flags in lowercase hex. Carried as a CloudEvents extension attribute
 * (https://github.com/cloudevents/spec/blob/main/cloudevents/extensions/distributed-tracing.md).
 */
export const TraceParent = z
  .string()
  .regex(
    /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/,
    'must be a W3C traceparent: 2-32-16-2 lowercase hex digits separated by "-"',
  )
  .describe('W3C Trace Context traceparent of the span that produced the event.');
/** W3C Trace Context `tracestate`: vendor entries, printable ASCII, at most 512 characters (the size W3C asks receivers to keep). */
export const TraceState = z
  .string()
  .max(512)
  .regex(/^[\x20-\x7e]*$/, 'must be printable ASCII')
  .describe('W3C Trace Context tracestate that goes with traceparent.');

export const LedgerPosition = z
  .object({
    transactionId: LedgerId,
    assetId: LedgerId,
    blockHeight: z
      .int()
      .min(0)
      .max(MAX_BLOCK_HEIGHT)
      .describe('Block height that committed the transaction (at most 12 digits).'),
    indexInBlock: z
      .int()
      .min(0)
      .max(MAX_INDEX_IN_BLOCK)
      .describe(
        'Index of the transaction within its block (at most 6 digits): with blockHeight, a total order of the ledger.',
      ),
    operation: z.enum(['CREATE', 'TRANSFER']),
    spends: z
      .array(z.object({ transactionId: LedgerId, outputIndex: z.int().min(0) }))
      .max(MAX_OWNERS)
      .describe('The outputs this transaction spends (empty for a CREATE).'),
  })
  .describe('Position of one transaction in the ledger.');
export type LedgerPosition = z.infer<typeof LedgerPosition>;

export const OwnershipEventData = z
  .object({
    ledger: LedgerPosition.describe('Where the transaction sits in the ledger.'),
    vehicle: VehicleAsset.describe('The car, as registered by its CREATE.'),
    previousOwners: z
      .array(PublicKey)
      .max(MAX_OWNERS)
      .describe('Public keys that owned the spent outputs (the issuer for a CREATE).'),
    newOwners: z
      .array(PublicKey)
      .min(1)
      .max(MAX_OWNERS)
      .describe("Public keys of the new outputs' owners (several keys = joint owners of one output)."),
    issuer: PublicKey.describe("The leasing company key that issued the car's CREATE (trusted by the bridge)."),
    lease: LeaseMetadata.nullable().describe(
      "Lease terms from the TRANSFER's metadata; null for a CREATE or a TRANSFER without lease metadata.",
    ),
    signaturesVerified: z
      .boolean()
      .describe('The bridge recomputed the id hash and verified every fulfillment before sending.'),
    observedAt: z.iso.datetime({ offset: true }).describe('When the bridge first saw the transaction (ISO 8601 UTC).'),
  })
  .describe('data of the ownership-change CloudEvent: the facts of one ledger transaction of a tracked car.');
export type OwnershipEventData = z.infer<typeof OwnershipEventData>;

export const OwnershipEvent = z
  .object({
    specversion: z.literal(EVENT_SPEC_VERSION).describe('CloudEvents version: "1.0".'),
    id: LedgerId.describe('The ledger transaction id: stable across redeliveries, so receivers deduplicate on it.'),
    source: z
      .string()
      .min(1)
      .describe('The ledger network (stable across its nodes), e.g. "bigchaindb://lease-network".'),
    type: z
      .enum([VEHICLE_REGISTERED_TYPE, OWNERSHIP_CHANGED_TYPE])
      .describe('Versioned event type: registered (CREATE) or ownership-changed (TRANSFER).'),
    subject: LedgerId.describe('The asset id of the car.'),
    time: z.iso
      .datetime({ offset: true })
      .describe(
        'When the change happened on the ledger as far as the bridge knows (the ledger exposes no block time).',
      ),
    datacontenttype: z.literal('application/json').describe('Always application/json.'),
    dataschema: z
      .literal(EVENT_DATA_SCHEMA)
      .describe("URL ($id) of the data's JSON Schema (OwnershipEventData.json); changes with a major version."),
    replay: z
      .boolean()
      .optional()
      .describe('CloudEvents extension: true when this delivery was requested by an operator replay.'),
    traceparent: TraceParent.optional().describe(
      'CloudEvents distributed-tracing extension: the trace of the ledger transaction this event carries (absent when the bridge records no traces).',
    ),
    tracestate: TraceState.optional().describe('CloudEvents distributed-tracing extension: tracestate of that trace.'),
    data: OwnershipEventData.describe('The facts of the ledger transaction.'),
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
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: `must be ${isCreate ? VEHICLE_REGISTERED_TYPE : OWNERSHIP_CHANGED_TYPE} for a ${event.data.ledger.operation}`,
      });
    }
    if (isCreate !== (event.data.ledger.spends.length === 0)) {
      ctx.addIssue({
        code: 'custom',
        path: ['data', 'ledger', 'spends'],
        message: isCreate ? 'must be empty for a CREATE' : 'must not be empty for a TRANSFER',
      });
    }
  })
  .describe('CloudEvents 1.0 event (structured JSON mode) for one ledger transaction of a tracked car.');
export type OwnershipEvent = z.infer<typeof OwnershipEvent>;

/** Most events one batch request may carry (the receiver answers 400 above it). */
export const MAX_BATCH_EVENTS = 1000;

/** Batch mode: a JSON array of events (application/cloudevents-batch+json). */
export const OwnershipEventBatch = z
  .array(OwnershipEvent)
  .min(1)
  .max(MAX_BATCH_EVENTS)
  .describe('Batch mode (application/cloudevents-batch+json): 1 to 1000 events.');
