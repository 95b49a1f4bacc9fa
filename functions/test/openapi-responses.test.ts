// The responses every operation documents for failures, produced for real and checked against the
// OpenAPI document: 401 from the host without a function key and 431 for oversized headers (the
// compiled Function App in the project's local Functions host, over HTTP), 503 when storage is
// unreachable, 500 when the app cannot start its services (a missing setting), 413 for oversized
// bodies. The happy paths and the 400/404/409 answers are checked in the other API tests; with
// OPENAPI_COVERAGE_FILE set, a run lists which documented responses no test produced.
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type HttpRequest, type HttpHandler } from '@azure/functions';
import {
  newCar,
  randomLedgerId,
  randomPublicKey,
  registeredEvent,
  sampleProfile,
} from '../../devstack/src/bench/event-factory';
import { MAX_BODY_BYTES, withAppServices, type AppServices } from '../src/app-services';
import { driverClaimsHandler } from '../src/functions/driver-claims';
import { driverViolationsHandler } from '../src/functions/driver-violations';
import { driversHandler } from '../src/functions/drivers';
import { healthHandler } from '../src/functions/health';
import { ownershipChangesHandler } from '../src/functions/ownership-changes';
import { premiumsHandler } from '../src/functions/premiums';
import { reviewHandler } from '../src/functions/review';
import { reviewResolutionHandler } from '../src/functions/review-resolution';
import { reviewsHandler } from '../src/functions/reviews';
import { vehiclePremiumHandler } from '../src/functions/vehicle-premium';
import { vehiclePremiumsHandler } from '../src/functions/vehicle-premiums';
import { reviewIdOf } from '../src/premium/review-id';
import { startFunctionsHost, type FunctionsHost } from '../../devstack/src/functions-host/index';
import { createTestApp, get, invoke, sendJson, testEnv, webhookRequest, type TestApp } from './support/function-app';
import { expectDocumentedResponse, openApiDocument } from './support/openapi-validator';

type Method = 'get' | 'put' | 'post';
interface Operation {
  path: string;
  method: Method;
  handler: (services: AppServices) => HttpHandler;
  request: (app: TestApp) => HttpRequest;
}

const driverKey = randomPublicKey();
const assetId = randomLedgerId();
const reviewId = reviewIdOf({ assetId, historyRowKey: `h~000000000002~000000~${randomLedgerId()}` });
const resolution = { decision: 'approve', reason: 'checked', resolvedBy: 'underwriter:ada' };

/** Every operation that touches storage, with a valid request. */
const STORAGE_OPERATIONS: Operation[] = [
  {
    path: '/ownership-changes',
    method: 'post',
    handler: (s) => ownershipChangesHandler(s),
    request: (app) => webhookRequest(app, [registeredEvent(newCar(), { blockHeight: 1 })]),
  },
  {
    path: '/drivers/{driverKey}',
    method: 'get',
    handler: driversHandler,
    request: () => get(`/drivers/${driverKey}`, { driverKey }),
  },
  {
    path: '/drivers/{driverKey}',
    method: 'put',
    handler: driversHandler,
    request: () => sendJson('PUT', `/drivers/${driverKey}`, { driverKey }, sampleProfile()),
  },
  {
    path: '/drivers/{driverKey}/claims',
    method: 'post',
    handler: driverClaimsHandler,
    request: () =>
      sendJson(
        'POST',
        `/drivers/${driverKey}/claims`,
        { driverKey },
        { date: '2026-01-01', atFault: true, amountMinor: 1 },
      ),
  },
  {
    path: '/drivers/{driverKey}/violations',
    method: 'post',
    handler: driverViolationsHandler,
    request: () =>
      sendJson(
        'POST',
        `/drivers/${driverKey}/violations`,
        { driverKey },
        { date: '2026-01-01', points: 2, code: 'SPEEDING' },
      ),
  },
  {
    path: '/vehicles/{assetId}/premium',
    method: 'get',
    handler: vehiclePremiumHandler,
    request: () => get(`/vehicles/${assetId}/premium`, { assetId }),
  },
  {
    path: '/vehicles/{assetId}/premiums',
    method: 'get',
    handler: vehiclePremiumsHandler,
    request: () => get(`/vehicles/${assetId}/premiums`, { assetId }),
  },
  {
    path: '/premiums',
    method: 'get',
    handler: premiumsHandler,
    request: () => get('/premiums', {}, { needsReview: 'true' }),
  },
  { path: '/reviews', method: 'get', handler: reviewsHandler, request: () => get('/reviews') },
  {
    path: '/reviews/{reviewId}',
    method: 'get',
    handler: reviewHandler,
    request: () => get(`/reviews/${reviewId}`, { reviewId }),
  },
  {
    path: '/reviews/{reviewId}/resolution',
    method: 'post',
    handler: reviewResolutionHandler,
    request: () => sendJson('POST', `/reviews/${reviewId}/resolution`, { reviewId }, resolution),
  },
  { path: '/health', method: 'get', handler: healthHandler, request: () => get('/health') },
];

const UNREACHABLE_STORAGE =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:1/devstoreaccount1;';

describe.each(STORAGE_OPERATIONS)('$method $path', ({ path, method, handler, request }) => {
  it('503 with Retry-After when storage is unreachable', async () => {
    const down = createTestApp({ STORAGE_CONNECTION_STRING: UNREACHABLE_STORAGE });
    const response = await invoke(handler(down.services), request(down));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expectDocumentedResponse(path, method, response);
  });

  it('500 quoting the invocation id when the services cannot start (a required setting is missing)', async () => {
    const saved = process.env.WEBHOOK_SECRETS;
    delete process.env.WEBHOOK_SECRETS;
    try {
      const response = await invoke(withAppServices(handler), request(createTestApp()));
      expect(response.status).toBe(500);
      expect((response.body as { detail: string; invocationId: string }).detail).toContain(
        (response.body as { invocationId: string }).invocationId,
      );
      expectDocumentedResponse(path, method, response);
    } finally {
      if (saved !== undefined) process.env.WEBHOOK_SECRETS = saved;
    }
  });
});

describe('bodies and parameters the other API tests do not send', () => {
  let app: TestApp;
  beforeAll(() => {
    app = createTestApp();
  });
  const oversized = { ...sampleProfile(), padding: 'x'.repeat(MAX_BODY_BYTES) };

  it.each([
    [
      '/drivers/{driverKey}',
      'put',
      driversHandler,
      () => sendJson('PUT', `/drivers/${driverKey}`, { driverKey }, oversized),
    ],
    [
      '/drivers/{driverKey}/claims',
      'post',
      driverClaimsHandler,
      () => sendJson('POST', `/drivers/${driverKey}/claims`, { driverKey }, oversized),
    ],
    [
      '/drivers/{driverKey}/violations',
      'post',
      driverViolationsHandler,
      () => sendJson('POST', `/drivers/${driverKey}/violations`, { driverKey }, oversized),
    ],
  ] as const)('413 for a body above 4 MiB: %s %s', async (path, method, handler, request) => {
    const response = await invoke(handler(app.services), request());
    expect(response.status).toBe(413);
    expectDocumentedResponse(path, method, response);
  });

  it('400 naming the parameter or path; 404 and 200 for violations like claims', async () => {
    const cases = [
      ['/drivers/{driverKey}', 'get', driversHandler, get('/drivers/bad', { driverKey: 'bad key' }), 400],
      [
        '/drivers/{driverKey}/claims',
        'post',
        driverClaimsHandler,
        sendJson('POST', '/drivers/x/claims', { driverKey: driverKey }, { date: 'soon' }),
        400,
      ],
      [
        '/drivers/{driverKey}/violations',
        'post',
        driverViolationsHandler,
        sendJson('POST', '/drivers/x/violations', { driverKey: 'bad key' }, {}),
        400,
      ],
      [
        '/drivers/{driverKey}/violations',
        'post',
        driverViolationsHandler,
        sendJson('POST', '/drivers/x/violations', { driverKey }, { date: '2026-01-01', points: 2, code: 'SPEEDING' }),
        404,
      ],
    ] as const;
    for (const [path, method, handler, request, status] of cases) {
      const response = await invoke(handler(app.services), request);
      expect([path, response.status]).toEqual([path, status]);
      expectDocumentedResponse(path, method, response);
    }
    await app.services.drivers.put(driverKey, sampleProfile());
    const violation = { date: '2026-01-01', points: 2, code: 'SPEEDING' };
    const added = await invoke(
      driverViolationsHandler(app.services),
      sendJson('POST', '/drivers/x/violations', { driverKey }, violation),
    );
    expect(added.status).toBe(201);
    const repeated = await invoke(
      driverViolationsHandler(app.services),
      sendJson('POST', '/drivers/x/violations', { driverKey }, violation),
    );
    expect(repeated.status).toBe(200);
    expectDocumentedResponse('/drivers/{driverKey}/violations', 'post', repeated);
  });
});

describe('through the local Functions host (compiled app, real HTTP)', () => {
  let host: FunctionsHost;
  const keys = { functionKey: randomBytes(16).toString('hex'), masterKey: randomBytes(16).toString('hex') };
  beforeAll(async () => {
    host = await startFunctionsHost({
      appRoot: resolve(__dirname, '../..'),
      port: 0,
      keys,
      keysFile: join(tmpdir(), `lease-premium-keys-${randomBytes(4).toString('hex')}.json`),
      env: testEnv(),
      onLog: () => undefined,
    });
  }, 60_000);
  afterAll(async () => {
    await host?.stop();
  });

  async function fetchAs(method: Method, path: string, headers: Record<string, string> = {}) {
    const concrete = path
      .replace('{driverKey}', driverKey)
      .replace('{assetId}', assetId)
      .replace('{reviewId}', reviewId);
    const response = await fetch(`${host.url}/api${concrete}`, {
      method: method.toUpperCase(),
      headers,
      ...(method === 'get' ? {} : { body: '{}' }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
      logs: [],
    };
  }

  it('every operation behind the function key answers 401 without it (empty body, from the host)', async () => {
    const paths = openApiDocument.paths as Record<
      string,
      Record<Method, { security?: unknown[]; responses: Record<string, unknown> }>
    >;
    const checked: string[] = [];
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations) as [Method, (typeof operations)[Method]][]) {
        if (operation.security?.length === 0 || path === '/ownership-changes') continue; // anonymous; the webhook documents its signature 401
        const response = await fetchAs(method, path);
        expect([method, path, response.status, response.text]).toEqual([method, path, 401, '']);
        expectDocumentedResponse(path, method, response);
        checked.push(`${method} ${path}`);
      }
    }
    expect(checked).toHaveLength(11);
  });

  it('the new review routes are served by the host with the key; health answers 431 to oversized headers', async () => {
    const listed = await fetchAs('get', '/reviews', { 'x-functions-key': keys.functionKey });
    expect(listed.status).toBe(200);
    expectDocumentedResponse('/reviews', 'get', listed);
    const missing = await fetchAs('get', '/reviews/{reviewId}', { 'x-functions-key': keys.functionKey });
    expect(missing.status).toBe(404);
    expectDocumentedResponse('/reviews/{reviewId}', 'get', missing);
    const huge = await fetchAs('get', '/health', { 'x-padding': 'x'.repeat(40 * 1024) });
    expect(huge.status).toBe(431);
    expectDocumentedResponse('/health', 'get', huge);
  });
});
