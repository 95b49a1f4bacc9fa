// JSON Schema (draft 2020-12) of every public schema, generated from the zod definitions, for
// non-TypeScript consumers and the Function App's OpenAPI document.
//
// JSON Schema carries the structure: types, required fields, enums, patterns, bounds, date formats.
// It cannot express these rules, which the package's validators (zod) enforce on top:
// - VIN check digit (position 9; the schema has only the 17-character A-Z/0-9-without-I/O/Q pattern);
// - ISO 4217 membership of a currency (the schema has only the three-capitals pattern);
// - date order: lease endDate after startDate, licensedSince at least 14 years after dateOfBirth, a
//   prior-insurance period's `to` after `from`;
// - a public key decodes (base58) to exactly 32 bytes (the schema has only the base58 pattern);
// - rules relative to the day of writing (driverProfileWrittenOn, claimWrittenOn, violationWrittenOn):
//   a driver aged 16 to 120, no licence, claim or violation dated in the future;
// - event cross-field rules: id == data.ledger.transactionId, subject == data.ledger.assetId,
//   type matches data.ledger.operation (CREATE = registered, TRANSFER = ownership-changed), and
//   spends empty exactly for a CREATE.
// So a document valid against the JSON Schema may still be refused by the package, never the reverse.
import { z } from 'zod';
import { Claim, DriverProfile, PriorInsurancePeriod, Violation } from './back-office';
import { LeaseMetadata, VehicleAsset } from './ledger-data';
import {
  EVENT_DATA_SCHEMA,
  LedgerPosition,
  OwnershipEvent,
  OwnershipEventBatch,
  OwnershipEventData,
} from './ownership-event';
import { PremiumSummary, WebhookResponse } from './webhook-response';

const SCHEMA_BASE = 'https://schemas.lease-premium.dev/';

/** Every public schema by name, with the URL it is published under ($id). */
export const PUBLIC_SCHEMAS = {
  VehicleAsset: { schema: VehicleAsset, id: `${SCHEMA_BASE}ledger/vehicle-v1.json` },
  LeaseMetadata: { schema: LeaseMetadata, id: `${SCHEMA_BASE}ledger/lease-v1.json` },
  LedgerPosition: { schema: LedgerPosition, id: `${SCHEMA_BASE}events/ledger-position-v1.json` },
  OwnershipEventData: { schema: OwnershipEventData, id: EVENT_DATA_SCHEMA },
  OwnershipEvent: { schema: OwnershipEvent, id: `${SCHEMA_BASE}events/vehicle-ownership-cloudevent-v1.json` },
  OwnershipEventBatch: { schema: OwnershipEventBatch, id: `${SCHEMA_BASE}events/vehicle-ownership-batch-v1.json` },
  DriverProfile: { schema: DriverProfile, id: `${SCHEMA_BASE}back-office/driver-profile-v1.json` },
  PriorInsurancePeriod: {
    schema: PriorInsurancePeriod,
    id: `${SCHEMA_BASE}back-office/prior-insurance-period-v1.json`,
  },
  Claim: { schema: Claim, id: `${SCHEMA_BASE}back-office/claim-v1.json` },
  Violation: { schema: Violation, id: `${SCHEMA_BASE}back-office/violation-v1.json` },
  PremiumSummary: { schema: PremiumSummary, id: `${SCHEMA_BASE}events/premium-summary-v1.json` },
  WebhookResponse: { schema: WebhookResponse, id: `${SCHEMA_BASE}events/webhook-response-v1.json` },
} as const satisfies Record<string, { schema: z.ZodType; id: string }>;

export type PublicSchemaName = keyof typeof PUBLIC_SCHEMAS;

/** One schema as JSON Schema. `io: 'input'` describes what a sender may send (unknown keys allowed, as zod strips them). */
export function jsonSchemaOf(name: PublicSchemaName): Record<string, unknown> {
  const { schema, id } = PUBLIC_SCHEMAS[name];
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, $id: id, title: name, ...rest };
}

/** Draft 2020-12 JSON Schema of each public schema, by name. */
export function jsonSchemas(): Record<PublicSchemaName, Record<string, unknown>> {
  const names = Object.keys(PUBLIC_SCHEMAS) as PublicSchemaName[];
  return Object.fromEntries(names.map((name) => [name, jsonSchemaOf(name)])) as Record<
    PublicSchemaName,
    Record<string, unknown>
  >;
}
