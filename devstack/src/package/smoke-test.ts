// Post-deployment smoke test, also run here against the packaged Function App on the local host:
// /api/health answers 200; a correctly signed webhook passes authentication (and, being a
// deliberately invalid event, is refused with 400 problem+json, so nothing is written); the same
// body with a forged signature gets 401; without the function key, 401.
import { randomBytes } from 'node:crypto';
import { WebhookSigner } from '@lease-premium/events';

export interface SmokeOptions {
  /** Function App base URL, e.g. https://x.azurewebsites.net */
  baseUrl: string;
  functionKey: string;
  webhookSecrets: string[];
  /** How many times to try /api/health before giving up (cold start, deployment settling). */
  healthAttempts: number;
  healthIntervalMs: number;
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface SmokeStep {
  step: string;
  ok: boolean;
  detail: string;
}

const WEBHOOK_PATH = '/api/ownership-changes';
const HEALTH_PATH = '/api/health';

/** A CloudEvent the Function App must refuse on validation (no data), never apply. */
function invalidProbeEvent(id: string): string {
  return JSON.stringify({
    specversion: '1.0',
    id,
    source: 'urn:lease-premium:smoke-test',
    type: 'lease-premium.smoke-test',
  });
}

async function request(
  url: string,
  init: RequestInit,
  timeoutMs: number,
): Promise<{ status: number; contentType: string; body: string }> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export async function runSmokeTest(options: SmokeOptions): Promise<SmokeStep[]> {
  const log = options.log ?? (() => undefined);
  const timeout = options.requestTimeoutMs ?? 30_000;
  const base = options.baseUrl.replace(/\/+$/, '');
  const steps: SmokeStep[] = [];
  const record = (step: SmokeStep): void => {
    steps.push(step);
    log(`${step.ok ? 'ok  ' : 'FAIL'} ${step.step}: ${step.detail}`);
  };

  let healthy = false;
  let last = '';
  for (let attempt = 1; attempt <= options.healthAttempts && !healthy; attempt++) {
    try {
      const health = await request(`${base}${HEALTH_PATH}`, { method: 'GET' }, timeout);
      healthy = health.status === 200;
      last = `HTTP ${health.status} ${health.body.slice(0, 200)}`;
    } catch (error) {
      last = describe(error);
    }
    if (!healthy && attempt < options.healthAttempts) {
      log(`health attempt ${attempt}/${options.healthAttempts}: ${last}`);
      await new Promise((resolveWait) => setTimeout(resolveWait, options.healthIntervalMs));
    }
  }
  record({ step: 'GET /api/health', ok: healthy, detail: last });
  if (!healthy) return steps;

  const id = `smoke-${Date.now()}-${randomBytes(4).toString('hex')}`;
  const body = invalidProbeEvent(id);
  const post = async (
    headers: Record<string, string>,
  ): Promise<{ status: number; contentType: string; body: string } | string> => {
    try {
      return await request(
        `${base}${WEBHOOK_PATH}`,
        { method: 'POST', body, headers: { 'content-type': 'application/cloudevents+json', ...headers } },
        timeout,
      );
    } catch (error) {
      return describe(error);
    }
  };

  const signed = await post({
    'x-functions-key': options.functionKey,
    ...new WebhookSigner(options.webhookSecrets).sign(id, body),
  });
  record(
    typeof signed === 'string'
      ? { step: 'signed webhook', ok: false, detail: signed }
      : {
          step: 'signed webhook passes signature and key checks (invalid probe event -> 400 problem+json)',
          ok: signed.status === 400 && signed.contentType.includes('problem+json'),
          detail: `HTTP ${signed.status} ${signed.contentType} ${signed.body.slice(0, 200)}`,
        },
  );

  const forgedSecret = `whsec_${randomBytes(32).toString('base64')}`;
  const forged = await post({
    'x-functions-key': options.functionKey,
    ...new WebhookSigner([forgedSecret]).sign(id, body),
  });
  record(
    typeof forged === 'string'
      ? { step: 'forged signature', ok: false, detail: forged }
      : { step: 'forged signature -> 401', ok: forged.status === 401, detail: `HTTP ${forged.status}` },
  );

  const keyless = await post(new WebhookSigner(options.webhookSecrets).sign(id, body));
  record(
    typeof keyless === 'string'
      ? { step: 'no function key', ok: false, detail: keyless }
      : { step: 'no function key -> 401', ok: keyless.status === 401, detail: `HTTP ${keyless.status}` },
  );
  return steps;
}
