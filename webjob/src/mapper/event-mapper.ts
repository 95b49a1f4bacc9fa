// Ledger transaction of a tracked car -> the shared OwnershipEvent CloudEvent (pure).
import {
  EVENT_DATA_SCHEMA,
  EVENT_SPEC_VERSION,
  OWNERSHIP_CHANGED_TYPE,
  VEHICLE_REGISTERED_TYPE,
  type LeaseMetadata,
  type OwnershipEvent,
  type VehicleAsset,
} from '@lease-premium/events';
import type { LedgerTransaction } from '../ledger/ledger-transaction';

export interface MappingContext {
  source: string;
  blockHeight: number;
  indexInBlock: number;
  assetId: string;
  vehicle: VehicleAsset;
  issuer: string;
  lease: LeaseMetadata | null;
  observedAt: string;
  replay: boolean;
}

function unique(keys: string[]): string[] {
  return [...new Set(keys)];
}

export function toOwnershipEvent(tx: LedgerTransaction, ctx: MappingContext): OwnershipEvent {
  const isCreate = tx.operation === 'CREATE';
  const event: OwnershipEvent = {
    specversion: EVENT_SPEC_VERSION,
    id: tx.id,
    source: ctx.source,
    type: isCreate ? VEHICLE_REGISTERED_TYPE : OWNERSHIP_CHANGED_TYPE,
    subject: ctx.assetId,
    time: ctx.observedAt,
    datacontenttype: 'application/json',
    dataschema: EVENT_DATA_SCHEMA,
    data: {
      ledger: {
        transactionId: tx.id,
        assetId: ctx.assetId,
        blockHeight: ctx.blockHeight,
        indexInBlock: ctx.indexInBlock,
        operation: isCreate ? 'CREATE' : 'TRANSFER',
        spends: tx.inputs.flatMap((input) =>
          input.fulfills
            ? [{ transactionId: input.fulfills.transaction_id, outputIndex: input.fulfills.output_index }]
            : [],
        ),
      },
      vehicle: ctx.vehicle,
      previousOwners: unique(tx.inputs.flatMap((input) => input.owners_before)),
      newOwners: unique(tx.outputs.flatMap((output) => output.public_keys)),
      issuer: ctx.issuer,
      lease: isCreate ? null : ctx.lease,
      signaturesVerified: true,
      observedAt: ctx.observedAt,
    },
  };
  if (ctx.replay) event.replay = true;
  return event;
}
