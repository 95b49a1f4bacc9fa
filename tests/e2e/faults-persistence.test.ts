// Fault runs on the whole stack, part 2 (persistent mode: Azurite and the ledger keep their data on
// disk in the test's temporary folder): Azurite restarted while transactions keep committing; the
// ledger node restarted. Afterwards every lease TRANSFER has exactly one premium record, every
// car's current premium reflects its latest lease, nothing is duplicated or missing.
import { shiftDate } from '../../devstack/src/demo/dates';
import { PERSONAS, personaProfile } from '../../devstack/src/demo/drivers';
import type { KeyPair } from '../../devstack/src/stack/local-config';
import { startTestStack, type TestStack } from '../support/stack';
import { waitForConsistency } from './lib/invariants';
import { LeaseStory } from './lib/lease-story';
import { startTraffic, trafficProgress } from './lib/traffic';
import { metric, waitForMetric } from './lib/webjob-metrics';

jest.setTimeout(150_000);

describe('faults: Azurite and the ledger node restarted (persistent mode)', () => {
  let t: TestStack;
  let story: LeaseStory;
  let drivers: KeyPair[];
  const assetIds = (): string[] => story.cars.map((c) => c.assetId);

  beforeAll(async () => {
    t = await startTestStack({ persistent: true });
    const today = new Date().toISOString().slice(0, 10);
    story = new LeaseStory(t.ledger, t.api, t.stack.description.leasingCompany, shiftDate(today, { days: 7 }));
    drivers = [];
    for (const persona of PERSONAS.slice(1, 4))
      drivers.push(await story.registerDriver(personaProfile(persona, today)));
    await story.registerCars(5);
    await story.churn(drivers, 1);
    await waitForConsistency(t.api, t.stack.description.ledger.apiUrl, assetIds(), 30_000, () => t.logTail());
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('Azurite restarted: stored premiums survive, and what committed meanwhile arrives once', async () => {
    const metrics = t.stack.description.webjob.metricsUrl;
    const retries = await metric(metrics, 'webjob_delivery_retries_total');
    const before = await t.api.premiumHistory(story.cars[0]!.assetId);
    const traffic = startTraffic(story, drivers, 50);
    await trafficProgress(traffic, 5);
    await t.stack.supervisor.stopPart('azurite');
    await trafficProgress(traffic, 10);
    // Deliveries failed meanwhile (the Function App answers 503 without storage) and are retried.
    await waitForMetric(metrics, 'webjob_delivery_retries_total', (v) => v > retries, 10_000);
    await t.stack.supervisor.startPart('azurite');
    await trafficProgress(traffic, 5);
    await traffic.stop();
    await waitForConsistency(t.api, t.stack.description.ledger.apiUrl, assetIds(), 60_000, () => t.logTail());
    const after = await t.api.premiumHistory(story.cars[0]!.assetId);
    expect(after.slice(0, before.length)).toEqual(before);
  });

  it('the ledger node restarted: the chain is still there, the WebJob reconnects and catches up', async () => {
    const metrics = t.stack.description.webjob.metricsUrl;
    const reconnects = await metric(metrics, 'webjob_stream_reconnects_total');
    // Committed right before the restart: possibly not yet delivered when the node goes away.
    const burst = startTraffic(story, drivers, 0);
    await trafficProgress(burst, 5);
    await burst.stop();
    await t.stack.supervisor.stopPart('ledger');
    await t.stack.supervisor.startPart('ledger');
    // The chain survived the restart.
    for (const tx of story.transactions.slice(-3)) expect(await t.ledger.isCommitted(tx.id)).toBe(true);
    const traffic = startTraffic(story, drivers, 50);
    await trafficProgress(traffic, 10);
    await traffic.stop();
    await waitForConsistency(t.api, t.stack.description.ledger.apiUrl, assetIds(), 60_000, () => t.logTail());
    await waitForMetric(metrics, 'webjob_stream_connected', (v) => v === 1, 20_000);
    expect(await metric(metrics, 'webjob_stream_reconnects_total')).toBeGreaterThan(reconnects);
  });
});
