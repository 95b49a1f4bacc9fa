// The API's OpenAPI 3.1 document. Request bodies and the webhook's response reuse the event package's
// JSON Schemas (generated from the same zod schemas that validate them); the back-office response
// shapes are described here. Tests check live responses against it.
import { EVENT_DATA_SCHEMA, jsonSchemas } from '@lease-premium/events';
import { MAX_PAGE_SIZE } from '../http/paging';
import { arr, bool, enumOf, int, nullable, obj, ref, str, type Schema } from './schema-builders';

const LEDGER_ID = str({ pattern: '^[0-9a-f]{64}$' });
const PUBLIC_KEY = str({ pattern: '^[1-9A-HJ-NP-Za-km-z]{32,44}$' });
const DATE = str({ format: 'date' });
const DATE_TIME = str({ format: 'date-time' });
const RECORD_KIND = enumOf('registration', 'premium', 'closure', 're-rate');

function responseSchemas(): Record<string, Schema> {
  const ratingFields: Record<string, Schema> = {
    annualPremiumMinor: int({ minimum: 0 }),
    leaseTotalMinor: int({ minimum: 0 }),
    currency: str({ pattern: '^[A-Z]{3}$' }),
    ratingOutcome: enumOf('RATED', 'REFER'),
    tableId: str(),
    tableVersion: str(),
    ratedDriverKey: str({ description: 'The highest-risk driver the premium is rated on' }),
    transferDate: DATE,
    lease: nullable(ref('LeaseMetadata')),
    terms: arr(ref('RatingTerm')),
    breakdown: arr(ref('BreakdownLine')),
  };
  const ledgerFields: Record<string, Schema> = {
    transactionId: LEDGER_ID,
    blockHeight: int({ minimum: 0 }),
    indexInBlock: int({ minimum: 0 }),
    eventTime: DATE_TIME,
  };
  return {
    ValidationIssue: obj({ path: str(), message: str() }, ['path', 'message']),
    Problem: obj(
      {
        type: str({ format: 'uri' }),
        title: str(),
        status: int(),
        detail: str(),
        errors: arr(ref('ValidationIssue')),
        invocationId: str(),
      },
      ['type', 'title', 'status', 'detail'],
      'RFC 9457 problem details',
    ),
    RatingTerm: obj(
      { start: DATE, end: DATE, days: int({ minimum: 0 }), premiumMinor: int({ minimum: 0 }), tableVersion: str(), yearDays: int(), annualPremiumMinor: int() },
      ['start', 'end', 'days', 'premiumMinor', 'tableVersion'],
    ),
    BreakdownLine: obj(
      {
        step: str(),
        coverage: enumOf('LIAB', 'COLL', 'COMP'),
        factor: str(),
        value: str({ description: 'decimal string' }),
        amountMinor: int(),
        source: obj({ driverFact: str(), tableRow: str(), note: str() }),
        running: str(),
      },
      ['step', 'value', 'source'],
    ),
    CurrentCoverage: obj(
      {
        assetId: LEDGER_ID,
        status: enumOf('registered', 'active', 'closed'),
        ...ledgerFields,
        holderKeys: arr(PUBLIC_KEY),
        driverKeys: arr(PUBLIC_KEY),
        needsReview: bool(),
        reviewReasons: arr(str()),
        ...ratingFields,
        recordId: str(),
        updatedAt: DATE_TIME,
      },
      ['assetId', 'status', 'transactionId', 'blockHeight', 'indexInBlock', 'eventTime', 'holderKeys', 'driverKeys', 'needsReview', 'reviewReasons', 'recordId', 'updatedAt'],
      'Premium fields are present when status is "active"',
    ),
    DriverChange: obj(
      { driverKey: PUBLIC_KEY, revision: int({ minimum: 1 }), change: enumOf('profile-saved', 'claim-added', 'violation-added'), item: { type: 'object' } },
      ['driverKey', 'revision', 'change'],
    ),
    HistoryRecord: obj(
      {
        recordId: str(),
        kind: RECORD_KIND,
        assetId: LEDGER_ID,
        ...ledgerFields,
        leaseAction: str(),
        stale: bool(),
        driverKeys: arr(PUBLIC_KEY),
        needsReview: bool(),
        reviewReasons: arr(str()),
        reason: str(),
        cause: ref('DriverChange'),
        ...ratingFields,
        recordedAt: DATE_TIME,
      },
      ['recordId', 'kind', 'assetId', 'transactionId', 'blockHeight', 'indexInBlock', 'eventTime', 'stale', 'driverKeys', 'needsReview', 'reviewReasons', 'recordedAt'],
    ),
    HistoryPage: obj({ items: arr(ref('HistoryRecord')), continuationToken: str() }, ['items']),
    ReviewEntry: obj(
      { assetId: LEDGER_ID, recordId: str(), transactionId: LEDGER_ID, kind: RECORD_KIND, reasons: arr(str()), annualPremiumMinor: int(), currency: str(), recordedAt: DATE_TIME },
      ['assetId', 'recordId', 'transactionId', 'kind', 'reasons', 'recordedAt'],
    ),
    ReviewPage: obj({ items: arr(ref('ReviewEntry')), continuationToken: str() }, ['items']),
    Driver: obj({ driverKey: PUBLIC_KEY, revision: int({ minimum: 1 }), updatedAt: DATE_TIME, profile: ref('DriverProfile') }, ['driverKey', 'revision', 'updatedAt', 'profile']),
    InvalidStoredDriver: obj(
      { driverKey: PUBLIC_KEY, revision: int({ minimum: 0 }), updatedAt: str(), profile: {}, invalidStoredRecord: obj({ issues: arr(ref('ValidationIssue')) }, ['issues']) },
      ['driverKey', 'revision', 'updatedAt', 'profile', 'invalidStoredRecord'],
      'A stored profile that fails today\'s validation, served as stored (null when unreadable) with its issues; PUT a corrected profile to repair it',
    ),
    RerateResult: obj(
      { assetId: LEDGER_ID, outcome: enumOf('re-rated', 'already-re-rated', 'not-leased', 'lease-over', 'rejected'), reason: str(), premium: ref('PremiumSummary') },
      ['assetId', 'outcome'],
    ),
    DriverChangeResult: {
      allOf: [ref('Driver'), obj({ changed: bool(), rerates: arr(ref('RerateResult')) }, ['changed', 'rerates'])],
    },
    Health: obj({ status: enumOf('ok'), storage: enumOf('ok'), rateTables: str(), checkedInMs: int() }, ['status', 'storage']),
  };
}

function eventSchemas(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    const { $schema: _ignored, ...rest } = schema;
    out[name] = rest;
  }
  return out;
}

const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: ref('Problem') } } });
const jsonResponse = (description: string, schema: Schema) => ({ description, content: { 'application/json': { schema } } });

const PAGING_PARAMETERS = [
  { name: 'pageSize', in: 'query', required: false, schema: int({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 }) },
  { name: 'continuationToken', in: 'query', required: false, schema: str(), description: 'From the previous page; absent on the last page' },
];
const DRIVER_KEY = { name: 'driverKey', in: 'path', required: true, schema: PUBLIC_KEY, description: "The driver's ledger public key (base58)" };
const ASSET_ID = { name: 'assetId', in: 'path', required: true, schema: LEDGER_ID, description: "The car's ledger asset id" };
const STANDARD_ERRORS = {
  '401': { description: 'Missing or wrong function key (empty body, from the host)' },
  '500': problemResponse('Unexpected error (logged with the invocation id)'),
  '503': problemResponse('Storage unavailable: retry after the Retry-After seconds'),
};

function appendOperation(item: 'Claim' | 'Violation') {
  return {
    post: {
      operationId: `append${item}`,
      summary: `Append one ${item.toLowerCase()} and re-rate every car the driver currently leases`,
      parameters: [DRIVER_KEY],
      requestBody: { required: true, content: { 'application/json': { schema: ref(item) } } },
      responses: {
        '201': jsonResponse(`${item} added; re-rate results per car`, ref('DriverChangeResult')),
        '200': jsonResponse(`The same ${item.toLowerCase()} was already recorded (a retry); unfinished re-rates completed`, ref('DriverChangeResult')),
        '400': problemResponse('Invalid key or body (errors lists each path)'),
        '404': problemResponse('No profile for this driver'),
        '409': problemResponse(`The stored profile fails validation (PUT a corrected one first), or already holds the most ${item.toLowerCase()}s a profile may (1000)`),
        '413': problemResponse('Body larger than 4 MiB'),
        ...STANDARD_ERRORS,
      },
    },
  };
}

export function buildOpenApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'lease-premium Function App',
      version: '1.0.0',
      description: `Premiums for leased cars whose ownership changes on a BigchainDB ledger. Events: CloudEvents with dataschema ${EVENT_DATA_SCHEMA}.`,
    },
    servers: [{ url: '/api' }],
    security: [{ functionKey: [] }],
    paths: {
      '/ownership-changes': {
        post: {
          operationId: 'receiveOwnershipChanges',
          summary: 'Webhook: ownership-change CloudEvents from the ledger bridge (Standard Webhooks signed)',
          parameters: [
            { name: 'webhook-id', in: 'header', required: true, schema: str() },
            { name: 'webhook-timestamp', in: 'header', required: true, schema: str({ pattern: '^[0-9]+$' }) },
            { name: 'webhook-signature', in: 'header', required: true, schema: str(), description: 'Space-separated "v1,<base64 HMAC-SHA256>"; any configured secret may match' },
          ],
          requestBody: {
            required: true,
            content: {
              'application/cloudevents-batch+json': { schema: ref('OwnershipEventBatch') },
              'application/cloudevents+json': { schema: ref('OwnershipEvent') },
            },
          },
          responses: {
            '200': jsonResponse('Per-event outcomes in request order, sent after the writes are durable', ref('WebhookResponse')),
            '400': problemResponse('Body not JSON, batch envelope invalid, or the single event invalid (errors lists each path)'),
            '401': problemResponse('Signature missing, forged or outside the tolerance (nothing stored); or missing function key (empty body)'),
            '413': problemResponse('Body larger than 4 MiB'),
            '415': problemResponse('Content type other than the CloudEvents JSON types'),
            '500': STANDARD_ERRORS['500'],
            '503': STANDARD_ERRORS['503'],
          },
        },
      },
      '/drivers/{driverKey}': {
        get: {
          operationId: 'getDriver',
          parameters: [DRIVER_KEY],
          responses: {
            '200': jsonResponse('The stored profile; flagged when it fails today\'s validation', { anyOf: [ref('Driver'), ref('InvalidStoredDriver')] }),
            '400': problemResponse('Invalid key'),
            '404': problemResponse('No profile'),
            ...STANDARD_ERRORS,
          },
        },
        put: {
          operationId: 'putDriver',
          summary: 'Create or replace a driver profile; re-rates every car the driver currently leases',
          parameters: [DRIVER_KEY],
          requestBody: { required: true, content: { 'application/json': { schema: ref('DriverProfile') } } },
          responses: {
            '201': jsonResponse('Created', ref('DriverChangeResult')),
            '200': jsonResponse('Replaced (or unchanged: changed=false)', ref('DriverChangeResult')),
            '400': problemResponse('Invalid key or body (errors lists each path; dates are checked against the day of writing)'),
            '413': problemResponse('Body larger than 4 MiB'),
            ...STANDARD_ERRORS,
          },
        },
      },
      '/drivers/{driverKey}/claims': appendOperation('Claim'),
      '/drivers/{driverKey}/violations': appendOperation('Violation'),
      '/vehicles/{assetId}/premium': {
        get: {
          operationId: 'getCurrentPremium',
          parameters: [ASSET_ID],
          responses: { '200': jsonResponse('Current coverage and premium with its breakdown', ref('CurrentCoverage')), '400': problemResponse('Invalid asset id'), '404': problemResponse('Unknown car'), ...STANDARD_ERRORS },
        },
      },
      '/vehicles/{assetId}/premiums': {
        get: {
          operationId: 'listPremiumHistory',
          parameters: [ASSET_ID, ...PAGING_PARAMETERS],
          responses: {
            '200': jsonResponse('History in ledger order: one record per ownership event, re-rates after the event they re-rated', ref('HistoryPage')),
            '400': problemResponse('Invalid asset id, page size or continuation token'),
            '404': problemResponse('Unknown car'),
            ...STANDARD_ERRORS,
          },
        },
      },
      '/premiums': {
        get: {
          operationId: 'listReviewQueue',
          parameters: [{ name: 'needsReview', in: 'query', required: true, schema: enumOf('true') }, ...PAGING_PARAMETERS],
          responses: { '200': jsonResponse('Records that need an underwriter', ref('ReviewPage')), '400': problemResponse('needsReview missing, page size or token invalid'), ...STANDARD_ERRORS },
        },
      },
      '/health': {
        get: {
          operationId: 'health',
          security: [],
          responses: { '200': jsonResponse('Storage reachable', ref('Health')), '503': problemResponse('Storage unreachable'), '500': STANDARD_ERRORS['500'] },
        },
      },
      '/openapi.json': {
        get: { operationId: 'openApiDocument', responses: { '200': jsonResponse('This document', { type: 'object' }), ...STANDARD_ERRORS } },
      },
    },
    components: {
      securitySchemes: { functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key' } },
      schemas: { ...eventSchemas(), ...responseSchemas() },
    },
  };
}
