// Test harness for the Function App: real services on the jest run's Azurite with a unique table
// prefix per suite, real HttpRequest / InvocationContext objects, real HttpResponse for reading.
import { randomBytes, randomUUID } from 'node:crypto';
import { HttpRequest, HttpResponse, InvocationContext, type HttpHandler } from '@azure/functions';
import {
  BATCH_CONTENT_TYPE,
  STRUCTURED_CONTENT_TYPE,
  WebhookSigner,
  parseWebhookSecrets,
  type OwnershipEvent,
} from '@lease-premium/events';
import { createAppServices, type AppServices } from '../../src/app-services';
import { loadConfig } from '../../src/config';
import { testStorageConnectionString, uniqueName } from '../../../tests/support/storage';

export interface TestApp {
  services: AppServices;
  secrets: string[];
  signer: WebhookSigner;
  env: Record<string, string>;
}

export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    STORAGE_CONNECTION_STRING: testStorageConnectionString(),
    STORAGE_NAME_PREFIX: uniqueName('fa'),
    WEBHOOK_SECRETS: `${newSecret()} ${newSecret()}`,
    ...overrides,
  };
}

export function createTestApp(overrides: Record<string, string> = {}, now?: () => Date): TestApp {
  const env = testEnv(overrides);
  const config = loadConfig(env, parseWebhookSecrets);
  return {
    services: createAppServices(config, now),
    secrets: config.webhookSecrets,
    signer: new WebhookSigner(config.webhookSecrets),
    env,
  };
}

export interface Invocation {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
  logs: string[];
}

let counter = 0;

/** Calls a handler as the host would and reads the response through a real HttpResponse. */
export async function invoke(handler: HttpHandler, request: HttpRequest, functionName = 'test'): Promise<Invocation> {
  const logs: string[] = [];
  const context = new InvocationContext({
    invocationId: `test-${++counter}-${randomUUID()}`,
    functionName,
    logHandler: (level, ...args) =>
      logs.push(`${level}: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`),
  });
  const result = await handler(request, context);
  const response = result instanceof HttpResponse ? result : new HttpResponse(result);
  const text = await response.text();
  let body: unknown = undefined;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: response.status, headers: response.headers, body, text, logs };
}

const BASE = 'http://127.0.0.1:7071/api';

export function get(
  path: string,
  params: Record<string, string> = {},
  query: Record<string, string> = {},
): HttpRequest {
  const url = new URL(`${BASE}${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return new HttpRequest({ method: 'GET', url: url.toString(), params, query, headers: {} });
}

export function sendJson(
  method: 'PUT' | 'POST',
  path: string,
  params: Record<string, string>,
  body: unknown,
): HttpRequest {
  return new HttpRequest({
    method,
    url: `${BASE}${path}`,
    params,
    headers: { 'content-type': 'application/json' },
    body: { string: typeof body === 'string' ? body : JSON.stringify(body) },
  });
}

/** A signed webhook delivery, as the WebJob sends it (batch unless `single`). */
export function webhookRequest(
  app: Pick<TestApp, 'signer'>,
  payload: OwnershipEvent[] | OwnershipEvent | string,
  options: {
    contentType?: string;
    headers?: Record<string, string>;
    signedAt?: Date;
    signer?: WebhookSigner;
    unsigned?: boolean;
  } = {},
): HttpRequest {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const contentType = options.contentType ?? (Array.isArray(payload) ? BATCH_CONTENT_TYPE : STRUCTURED_CONTENT_TYPE);
  const signature = options.unsigned
    ? {}
    : (options.signer ?? app.signer).sign(`msg_${randomUUID()}`, body, options.signedAt);
  return new HttpRequest({
    method: 'POST',
    url: `${BASE}/ownership-changes`,
    headers: { 'content-type': contentType, ...signature, ...options.headers },
    body: { string: body },
  });
}
