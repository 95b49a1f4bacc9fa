// The API's OpenAPI 3.1 document. Request bodies and the webhook's response reuse the event package's
// JSON Schemas (generated from the same zod schemas that validate them); the back-office response
// shapes are described here. Tests check live responses against it.
import { EVENT_DATA_SCHEMA, jsonSchemas } from '@lease-premium/events';
import { z } from 'zod';
import { MAX_RESOLUTION_BODY_BYTES } from '../http/request-body';
import { MAX_PAGE_SIZE, MAX_REVIEW_PAGE_SIZE } from '../http/paging';
import { REVIEW_REASON_CODES } from '../premium/review-reasons';
import { ReviewResolutionRequest } from '../premium/review-resolution-request';
import { arr, bool, enumOf, int, nullable, obj, ref, str, type Schema } from './schema-builders';

const LEDGER_ID = str({ pattern: '^[0-9a-f]{64}$' });
const PUBLIC_KEY = str({ pattern: '^[1-9A-HJ-NP-Za-km-z]{32,44}$' });
const DATE = str({ format: 'date' });
const DATE_TIME = str({ format: 'date-time' });
const RECORD_KIND = enumOf('registration', 'premium', 'closure', 're-rate', 'review-resolution');
const REVIEW_ID = str({ pattern: '^[A-Za-z0-9_-]+$', maxLength: 400 });

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
  const reviewFields: Record<string, Schema> = {
    unrated: ref('Unrated'),
    reviewId: {
      ...REVIEW_ID,
      description: 'The review item of the record that set this state (GET /reviews/{reviewId})',
    },
    resolution: ref('ReviewResolution'),
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
      {
        start: DATE,
        end: DATE,
        days: int({ minimum: 0 }),
        premiumMinor: int({ minimum: 0 }),
        tableVersion: str(),
        tableSha256: str({ description: 'sha256 of the canonical JSON of tableVersion' }),
        ratedDriverKey: str({
          description: 'The driver charged for this term: the highest term premium of the listed drivers',
        }),
        elapsedMinor: int({
          minimum: 0,
          description:
            'Re-rates: the part of premiumMinor kept from the previous rating for the days before the effective date',
        }),
        yearDays: int(),
        annualPremiumMinor: int(),
      },
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
        kind: enumOf('coefficient', 'referenceSurcharge'),
        term: int({ minimum: 1, description: 'The policy term this line prices' }),
        tableVersion: str(),
        tableSha256: str(),
      },
      ['step', 'value', 'source'],
    ),
    CurrentCoverage: obj(
      {
        assetId: LEDGER_ID,
        status: enumOf('registered', 'active', 'unrated', 'closed'),
        ...ledgerFields,
        holderKeys: arr(PUBLIC_KEY),
        driverKeys: arr(PUBLIC_KEY),
        needsReview: bool(),
        reviewReasons: arr(str()),
        ...ratingFields,
        ...reviewFields,
        annualPremiumOverridden: {
          ...bool(),
          description: 'True when an underwriter overrode the annual premium (annualPremiumMinor is theirs)',
        },
        ratedAnnualPremiumMinor: int({ minimum: 0, description: "The engine's annual premium, when overridden" }),
        recordId: str(),
        updatedAt: DATE_TIME,
      },
      [
        'assetId',
        'status',
        'transactionId',
        'blockHeight',
        'indexInBlock',
        'eventTime',
        'holderKeys',
        'driverKeys',
        'needsReview',
        'reviewReasons',
        'recordId',
        'updatedAt',
      ],
      'Premium fields are present when status is "active"; "unrated": the engine could not price the car (unrated says why) and no underwriter priced it yet',
    ),
    DriverChange: obj(
      {
        driverKey: PUBLIC_KEY,
        revision: int({ minimum: 1 }),
        change: enumOf('profile-saved', 'claim-added', 'violation-added'),
        item: { type: 'object' },
      },
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
        unrated: ref('Unrated'),
        resolution: ref('ReviewResolution'),
        ...ratingFields,
        recordedAt: DATE_TIME,
      },
      [
        'recordId',
        'kind',
        'assetId',
        'transactionId',
        'blockHeight',
        'indexInBlock',
        'eventTime',
        'stale',
        'driverKeys',
        'needsReview',
        'reviewReasons',
        'recordedAt',
      ],
    ),
    HistoryPage: obj({ items: arr(ref('HistoryRecord')), continuationToken: str() }, ['items']),
    ReviewEntry: obj(
      {
        reviewId: REVIEW_ID,
        assetId: LEDGER_ID,
        recordId: str(),
        transactionId: LEDGER_ID,
        kind: RECORD_KIND,
        reasons: arr(str()),
        annualPremiumMinor: int(),
        currency: str(),
        recordedAt: DATE_TIME,
      },
      ['assetId', 'recordId', 'transactionId', 'kind', 'reasons', 'recordedAt'],
    ),
    ReviewPage: obj({ items: arr(ref('ReviewEntry')), continuationToken: str() }, ['items']),
    MoneyAmount: obj(
      {
        amount: str({
          pattern: '^[0-9]+\\.[0-9]{2,4}$',
          description:
            'Major units as a decimal string: 2 places (more for the few currencies with 3 or 4 minor digits)',
        }),
        currency: str({ pattern: '^[A-Z]{3}$' }),
      },
      ['amount', 'currency'],
    ),
    Unrated: obj(
      { reason: str() },
      ['reason'],
      'The engine could not price this coverage (currency the table does not price, no table version in force, a rating error)',
    ),
    ReviewReason: obj({ code: enumOf(...REVIEW_REASON_CODES), message: str() }, ['code', 'message']),
    ReviewResolution: obj(
      {
        decision: enumOf('approve', 'override'),
        reason: str(),
        resolvedBy: str(),
        resolvedAt: DATE_TIME,
        annualPremium: ref('MoneyAmount'),
      },
      ['decision', 'reason', 'resolvedBy', 'resolvedAt'],
      'annualPremium: the premium in force instead of the rated one (override only)',
    ),
    ReviewItem: obj(
      {
        reviewId: REVIEW_ID,
        assetId: LEDGER_ID,
        historyRowKey: { ...str(), description: 'The history record to review (recordId in the car history)' },
        transactionId: LEDGER_ID,
        kind: RECORD_KIND,
        reasons: arr(ref('ReviewReason')),
        status: enumOf('open', 'resolved', 'superseded'),
        annualPremium: ref('MoneyAmount'),
        unrated: ref('Unrated'),
        driverKeys: arr(PUBLIC_KEY),
        recordedAt: DATE_TIME,
        resolution: ref('ReviewResolution'),
      },
      [
        'reviewId',
        'assetId',
        'historyRowKey',
        'transactionId',
        'kind',
        'reasons',
        'status',
        'driverKeys',
        'recordedAt',
      ],
      'superseded: a newer ownership event or re-rate of the car replaced the reviewed premium',
    ),
    ReviewItemPage: obj(
      { items: arr(ref('ReviewItem')), continuationToken: str() },
      ['items'],
      'A filtered page may hold fewer than pageSize items: follow continuationToken until it is absent',
    ),
    ReviewResolutionRequest: requestSchema(ReviewResolutionRequest),
    Driver: obj(
      { driverKey: PUBLIC_KEY, revision: int({ minimum: 1 }), updatedAt: DATE_TIME, profile: ref('DriverProfile') },
      ['driverKey', 'revision', 'updatedAt', 'profile'],
    ),
    InvalidStoredDriver: obj(
      {
        driverKey: PUBLIC_KEY,
        revision: int({ minimum: 0 }),
        updatedAt: str(),
        profile: {},
        invalidStoredRecord: obj({ issues: arr(ref('ValidationIssue')) }, ['issues']),
      },
      ['driverKey', 'revision', 'updatedAt', 'profile', 'invalidStoredRecord'],
      "A stored profile that fails today's validation, served as stored (null when unreadable) with its issues; PUT a corrected profile to repair it",
    ),
    RerateResult: obj(
      {
        assetId: LEDGER_ID,
        outcome: enumOf('re-rated', 'already-re-rated', 'not-leased', 'lease-over', 'rejected'),
        reason: str(),
        premium: ref('PremiumSummary'),
        unrated: ref('Unrated'),
      },
      ['assetId', 'outcome'],
    ),
    DriverChangeResult: {
      allOf: [ref('Driver'), obj({ changed: bool(), rerates: arr(ref('RerateResult')) }, ['changed', 'rerates'])],
    },
    Health: obj({ status: enumOf('ok'), storage: enumOf('ok'), rateTables: str(), checkedInMs: int() }, [
      'status',
      'storage',
    ]),
  };
}

function requestSchema(schema: z.ZodType): Schema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Schema;
  return rest;
}

function eventSchemas(): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(jsonSchemas())) {
    const { $schema: _ignored, ...rest } = schema;
    out[name] = rest;
  }
  return out;
}

/** The schemas `root` references, directly or through each other (unused components are noise to client generators). */
function referencedSchemas(root: unknown, schemas: Record<string, Schema>): Record<string, Schema> {
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      const name =
        key === '$ref' && typeof value === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(value)?.[1] : undefined;
      if (name !== undefined && !used.has(name) && schemas[name]) {
        used.add(name);
        visit(schemas[name]);
      } else {
        visit(value);
      }
    }
  };
  visit(root);
  return Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
}

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const jsonResponse = (description: string, schema: Schema) => ({
  description,
  content: { 'application/json': { schema } },
});

const pagingParameters = (maxPageSize: number) => [
  { name: 'pageSize', in: 'query', required: false, schema: int({ minimum: 1, maximum: maxPageSize, default: 50 }) },
  {
    name: 'continuationToken',
    in: 'query',
    required: false,
    schema: str(),
    description: 'From the previous page; absent on the last page',
  },
];
const DRIVER_KEY = {
  name: 'driverKey',
  in: 'path',
  required: true,
  schema: PUBLIC_KEY,
  description: "The driver's ledger public key (base58)",
};
const ASSET_ID = {
  name: 'assetId',
  in: 'path',
  required: true,
  schema: LEDGER_ID,
  description: "The car's ledger asset id",
};
const REVIEW_ID_PARAMETER = {
  name: 'reviewId',
  in: 'path',
  required: true,
  schema: REVIEW_ID,
  description: 'A reviewId from a review listing or a premium (opaque)',
};
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
        '200': jsonResponse(
          `The same ${item.toLowerCase()} was already recorded (a retry); unfinished re-rates completed`,
          ref('DriverChangeResult'),
        ),
        '400': problemResponse('Invalid key or body (errors lists each path)'),
        '404': problemResponse('No profile for this driver'),
        '409': problemResponse(
          `The stored profile fails validation (PUT a corrected one first), or already holds the most ${item.toLowerCase()}s a profile may (1000)`,
        ),
        '413': problemResponse('Body larger than 4 MiB'),
        ...STANDARD_ERRORS,
      },
    },
  };
}

function paths(): Record<string, unknown> {
  return {
    '/ownership-changes': {
      post: {
        operationId: 'receiveOwnershipChanges',
        summary: 'Webhook: ownership-change CloudEvents from the ledger bridge (Standard Webhooks signed)',
        parameters: [
          { name: 'webhook-id', in: 'header', required: true, schema: str() },
          { name: 'webhook-timestamp', in: 'header', required: true, schema: str({ pattern: '^[0-9]+$' }) },
          {
            name: 'webhook-signature',
            in: 'header',
            required: true,
            schema: str(),
            description: 'Space-separated "v1,<base64 HMAC-SHA256>"; any configured secret may match',
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/cloudevents-batch+json': { schema: ref('OwnershipEventBatch') },
            'application/cloudevents+json': { schema: ref('OwnershipEvent') },
          },
        },
        responses: {
          '200': jsonResponse(
            'Per-event outcomes in request order, sent after the writes are durable',
            ref('WebhookResponse'),
          ),
          '400': problemResponse(
            'Body not JSON, batch envelope invalid, or the single event invalid (errors lists each path)',
          ),
          '401': problemResponse(
            'Signature missing, forged or outside the tolerance (nothing stored); or missing function key (empty body)',
          ),
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
        summary: "A driver's stored profile, with its claims and violations",
        parameters: [DRIVER_KEY],
        responses: {
          '200': jsonResponse("The stored profile; flagged when it fails today's validation", {
            anyOf: [ref('Driver'), ref('InvalidStoredDriver')],
          }),
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
          '400': problemResponse(
            'Invalid key or body (errors lists each path; dates are checked against the day of writing)',
          ),
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
        summary: "A car's current coverage and premium with its breakdown (or why it is unrated)",
        parameters: [ASSET_ID],
        responses: {
          '200': jsonResponse('Current coverage and premium with its breakdown', ref('CurrentCoverage')),
          '400': problemResponse('Invalid asset id'),
          '404': problemResponse('Unknown car'),
          ...STANDARD_ERRORS,
        },
      },
    },
    '/vehicles/{assetId}/premiums': {
      get: {
        operationId: 'listPremiumHistory',
        summary: "A car's history: ownership events, re-rates and review resolutions, paged",
        parameters: [ASSET_ID, ...pagingParameters(MAX_PAGE_SIZE)],
        responses: {
          '200': jsonResponse(
            'History in ledger order: one record per ownership event, re-rates and resolutions after the event they follow',
            ref('HistoryPage'),
          ),
          '400': problemResponse('Invalid asset id, page size or continuation token'),
          '404': problemResponse('Unknown car'),
          ...STANDARD_ERRORS,
        },
      },
    },
    '/premiums': {
      get: {
        operationId: 'listReviewQueue',
        summary: 'The open review queue in its first form (GET /reviews has filters and resolutions)',
        parameters: [
          { name: 'needsReview', in: 'query', required: true, schema: enumOf('true') },
          ...pagingParameters(MAX_PAGE_SIZE),
        ],
        responses: {
          '200': jsonResponse('Records that need an underwriter', ref('ReviewPage')),
          '400': problemResponse('needsReview missing, page size or token invalid'),
          ...STANDARD_ERRORS,
        },
      },
    },
    '/reviews': {
      get: {
        operationId: 'listReviews',
        summary: 'Review items: the open queue (default) or the resolved items, optionally of one reason, paged',
        parameters: [
          { name: 'status', in: 'query', required: false, schema: { ...enumOf('open', 'resolved'), default: 'open' } },
          {
            name: 'reason',
            in: 'query',
            required: false,
            schema: enumOf(...REVIEW_REASON_CODES),
            description: 'Only items with a reason of this code',
          },
          ...pagingParameters(MAX_REVIEW_PAGE_SIZE),
        ],
        responses: {
          '200': jsonResponse('One page of review items', ref('ReviewItemPage')),
          '400': problemResponse('Unknown status or reason code, page size or continuation token invalid'),
          ...STANDARD_ERRORS,
        },
      },
    },
    '/reviews/{reviewId}': {
      get: {
        operationId: 'getReview',
        summary: 'One review item: why it was flagged, and its resolution if any',
        parameters: [REVIEW_ID_PARAMETER],
        responses: {
          '200': jsonResponse('The review item', ref('ReviewItem')),
          '404': problemResponse('No such review item'),
          ...STANDARD_ERRORS,
        },
      },
    },
    '/reviews/{reviewId}/resolution': {
      post: {
        operationId: 'resolveReview',
        summary: 'Approve the premium or override the annual premium, with a reason; recorded in the car history',
        parameters: [REVIEW_ID_PARAMETER],
        requestBody: { required: true, content: { 'application/json': { schema: ref('ReviewResolutionRequest') } } },
        responses: {
          '201': jsonResponse('Resolved: the item, now resolved', ref('ReviewItem')),
          '200': jsonResponse('The same resolution was already recorded (a retry)', ref('ReviewItem')),
          '400': problemResponse(
            'Invalid body (errors lists each path), or an override in another currency than the rated premium',
          ),
          '404': problemResponse('No such review item'),
          '409': problemResponse(
            'Resolved differently before, superseded by a newer event or re-rate of the car, or an approval of a car the engine could not price',
          ),
          '413': problemResponse(`Body larger than ${MAX_RESOLUTION_BODY_BYTES / 1024} KiB`),
          ...STANDARD_ERRORS,
        },
      },
    },
    '/health': {
      get: {
        operationId: 'health',
        summary: 'Liveness and storage reachability (anonymous)',
        security: [],
        responses: {
          '200': jsonResponse('Storage reachable', ref('Health')),
          '431': { description: 'Request headers larger than the host accepts (empty body, from the host)' },
          '503': problemResponse('Storage unreachable'),
          '500': STANDARD_ERRORS['500'],
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openApiDocument',
        summary: 'This OpenAPI document',
        responses: { '200': jsonResponse('This document', { type: 'object' }), '401': STANDARD_ERRORS['401'] },
      },
    },
  };
}

export function buildOpenApiDocument(): Record<string, unknown> {
  const apiPaths = paths();
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'lease-premium Function App',
      version: '1.0.0',
      description: `Premiums for leased cars whose ownership changes on a BigchainDB ledger. Events: CloudEvents with dataschema ${EVENT_DATA_SCHEMA}.`,
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/api' }],
    security: [{ functionKey: [] }],
    paths: apiPaths,
    components: {
      securitySchemes: { functionKey: { type: 'apiKey', in: 'header', name: 'x-functions-key' } },
      schemas: referencedSchemas(apiPaths, { ...eventSchemas(), ...responseSchemas() }),
    },
  };
}
