// Fault runs on the whole stack, part 1: the WebJob killed (SIGKILL, mid-delivery) and restarted by
// the supervisor; the Function App down for a while (15 s here, to keep the suite short; the
// WebJob's retries have no deadline, so the length only changes how long it waits). Ledger traffic
// keeps flowing through both. Afterwards every lease TRANSFER has exactly one premium record,
// every car's current premium reflects its latest lease, nothing is duplicated or missing.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyPair } from '../../devstack/src/stack/local-config';
import { readStackFile } from '../../devstack/src/stack/stack-file';
import { waitUntil } from '../../devstack/src/stack/wait';
import { startTestStack, type TestStack } from '../support/stack';
import { waitForConsistency } from './lib/invariants';
import { leasedFleet } from './lib/leased-fleet';
import type { LeaseStory } from './lib/lease-story';
import { startTraffic, trafficProgress } from './lib/traffic';
import { metric } from './lib/webjob-metrics';

jest.setTimeout(150_000);

const FUNCTION_APP_DOWN_MS = 15_000;

describe('faults: WebJob killed, Function App down', () => {
  let t: TestStack;
  let story: LeaseStory;
  let drivers: KeyPair[];

  beforeAll(async () => {
    t = await startTestStack();
    ({ story, drivers } = await leasedFleet(t, 6));
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('the WebJob killed mid-stream is restarted and delivers everything exactly once', async () => {
    const traffic = startTraffic(story, drivers, 50);
    await trafficProgress(traffic, 10);
    const pid = t.stack.supervisor.pid('webjob');
    await t.stack.supervisor.killPart('webjob', 'SIGKILL');
    await trafficProgress(traffic, 10);
    // Restarted by the supervisor; it waits for the dead instance's leadership lease to expire.
    await t.stack.supervisor.waitHealthy('webjob', 60_000);
    expect(t.stack.supervisor.pid('webjob')).not.toBe(pid);
    // stack.json follows the restart (rewritten as soon as the new process is healthy).
    await waitUntil(async () => (await readStackFile(t.stateDir)).webjob.pid === t.stack.supervisor.pid('webjob'), {
      timeoutMs: 5_000,
      what: 'stack.json to name the new WebJob pid',
    });
    await trafficProgress(traffic, 5);
    const sent = await traffic.stop();
    expect(sent).toBeGreaterThanOrEqual(25);
    await waitForConsistency(
      t.api,
      t.stack.description.ledger.apiUrl,
      story.cars.map((c) => c.assetId),
      60_000,
      () => t.logTail(),
    );
  });

  it(`the Function App down for ${FUNCTION_APP_DOWN_MS / 1000} s: deliveries wait and retry, then everything arrives once`, async () => {
    const metrics = t.stack.description.webjob.metricsUrl;
    const retries = await metric(metrics, 'webjob_delivery_retries_total');
    const traffic = startTraffic(story, drivers, 50);
    await trafficProgress(traffic, 5);
    await t.stack.supervisor.stopPart('function-app');
    const downSince = Date.now();
    await trafficProgress(traffic, 10);
    // The WebJob keeps retrying (its health stays up); nothing can be stored meanwhile.
    expect((await fetch(t.stack.description.functionApp.healthUrl).catch(() => undefined))?.status).toBeUndefined();
    await sleep(Math.max(0, FUNCTION_APP_DOWN_MS - (Date.now() - downSince)));
    // The WebJob tried and kept the events (no give-up deadline) while the receiver was gone.
    expect(await metric(metrics, 'webjob_delivery_retries_total')).toBeGreaterThan(retries);
    expect(await metric(metrics, 'webjob_events_dead_lettered_total')).toBe(0);
    await t.stack.supervisor.startPart('function-app');
    await trafficProgress(traffic, 5);
    await traffic.stop();
    await waitForConsistency(
      t.api,
      t.stack.description.ledger.apiUrl,
      story.cars.map((c) => c.assetId),
      60_000,
      () => t.logTail(),
    );
  });
});
