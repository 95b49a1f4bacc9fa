// Rotating the webhook secret while ledger traffic flows, done locally the way infra/README.md does it
// in Azure. The stack's local-config.json plays Key Vault; "the app reads the new setting" is a
// restart of that part (each part reads the secret when it starts, as App Service reads a Key Vault
// reference when an app restarts). Phase 1 publishes "OLD NEW" and restarts the Function App, then the
// WebJob; phase 2 publishes "NEW" and restarts them in the same order. At every moment the WebJob signs
// with a secret the Function App accepts, so no delivery is refused: no 401 at the WebJob, no "webhook
// refused" at the Function App, no dead letter, every lease priced once. The last test shows that these
// counters do see a refusal: a Function App given a secret the WebJob does not sign with refuses.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { KeyPair } from '../../devstack/src/stack/local-config';
import { waitUntil } from '../../devstack/src/stack/wait';
import { startTestStack, type TestStack } from '../support/stack';
import { waitForConsistency } from './lib/invariants';
import { leasedFleet } from './lib/leased-fleet';
import type { LeaseStory } from './lib/lease-story';
import { startTraffic, trafficProgress } from './lib/traffic';
import { metric } from './lib/webjob-metrics';

jest.setTimeout(240_000);

describe('webhook secret rotation under traffic', () => {
  let t: TestStack;
  let story: LeaseStory;
  let drivers: KeyPair[];
  /** 401 answers seen by WebJob processes that were restarted since (their metrics went with them). */
  let earlierWebJob401 = 0;

  const metricsUrl = (): string => t.stack.description.webjob.metricsUrl;
  const webjob401 = async (): Promise<number> =>
    earlierWebJob401 + (await metric(metricsUrl(), 'webjob_delivery_requests_total', 'result="401"'));
  const functionAppRefusals = async (): Promise<number> => {
    const log = await readFile(path.join(t.stateDir, 'logs', 'function-app.log'), 'utf8');
    return log.split('\n').filter((line) => line.includes('webhook refused')).length;
  };

  /** "Key Vault": the secret list every part reads when it starts. */
  async function publishSecrets(secrets: string[]): Promise<void> {
    const file = path.join(t.stateDir, 'local-config.json');
    const config = JSON.parse(await readFile(file, 'utf8')) as { webhookSecret: string };
    await writeFile(file, `${JSON.stringify({ ...config, webhookSecret: secrets.join(' ') }, null, 2)}\n`, {
      mode: 0o600,
    });
  }
  async function restart(part: 'function-app' | 'webjob'): Promise<void> {
    if (part === 'webjob') earlierWebJob401 = await webjob401();
    await t.stack.supervisor.stopPart(part);
    await t.stack.supervisor.startPart(part);
  }

  beforeAll(async () => {
    t = await startTestStack();
    ({ story, drivers } = await leasedFleet(t, 4));
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('old and new side by side, then new alone, each app restarted in order: no delivery refused', async () => {
    const [oldSecret] = t.stack.description.webhook.secrets as [string];
    const newSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const traffic = startTraffic(story, drivers, 50);
    await trafficProgress(traffic, 5);

    await publishSecrets([oldSecret, newSecret]);
    await restart('function-app'); // accepts both; the WebJob still signs with the old one
    await trafficProgress(traffic, 5);
    await restart('webjob'); // signs with both
    await trafficProgress(traffic, 5);

    await publishSecrets([newSecret]);
    await restart('function-app'); // accepts the new one; the WebJob signs with both
    await trafficProgress(traffic, 5);
    await restart('webjob'); // signs with the new one only
    await trafficProgress(traffic, 5);

    const sent = await traffic.stop();
    expect(sent).toBeGreaterThanOrEqual(25);
    await waitForConsistency(
      t.api,
      t.stack.description.ledger.apiUrl,
      story.cars.map((c) => c.assetId),
      90_000,
      () => t.logTail(),
    );
    expect(t.stack.description.webhook.secrets).toEqual([newSecret]);
    // The WebJob now running signs with the new secret alone, and its deliveries are accepted.
    expect(await metric(metricsUrl(), 'webjob_delivery_requests_total', 'result="200"')).toBeGreaterThan(0);
    expect({
      webjob401: await webjob401(),
      functionAppRefusals: await functionAppRefusals(),
      deadLetters: await metric(metricsUrl(), 'webjob_events_dead_lettered_total'),
    }).toEqual({
      webjob401: 0,
      functionAppRefusals: 0,
      deadLetters: 0,
    });
  });

  it('the counters see a refusal: a Function App with a secret the WebJob does not sign with refuses every delivery', async () => {
    await publishSecrets([`whsec_${randomBytes(32).toString('base64')}`]);
    await restart('function-app');
    const traffic = startTraffic(story, drivers, 50);
    await waitUntil(async () => (await webjob401()) > 0, { timeoutMs: 30_000, what: 'the WebJob to meet a 401' });
    await traffic.stop();
    expect(await functionAppRefusals()).toBeGreaterThan(0);
  });
});
