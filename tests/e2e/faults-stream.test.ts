// Fault runs on the whole stack, part 3: the ledger's event stream. Every WebSocket dropped
// (reconnections refused for a while) and the stream stalled while blocks keep committing: the
// events sent meanwhile are gone for good (BigchainDB has no replay), so the WebJob must find them
// by catching up from its checkpoint through GET /blocks. Afterwards every lease TRANSFER has
// exactly one premium record, every car reflects its latest lease, nothing duplicated or missing.
import { setTimeout as sleep } from 'node:timers/promises';
import { shiftDate } from '../../devstack/src/demo/dates';
import { PERSONAS, personaProfile } from '../../devstack/src/demo/drivers';
import type { KeyPair } from '../../devstack/src/stack/local-config';
import { startTestStack, type TestStack } from '../support/stack';
import { waitForConsistency } from './lib/invariants';
import { LedgerAdmin } from './lib/ledger-admin';
import { LeaseStory } from './lib/lease-story';
import { startTraffic, trafficProgress } from './lib/traffic';
import { metric, waitForMetric } from './lib/webjob-metrics';

jest.setTimeout(120_000);

describe('faults: WebSocket dropped, stream stalled', () => {
  let t: TestStack;
  let story: LeaseStory;
  let drivers: KeyPair[];
  let admin: LedgerAdmin;
  const assetIds = (): string[] => story.cars.map((c) => c.assetId);

  beforeAll(async () => {
    t = await startTestStack();
    admin = new LedgerAdmin(t.stack.description.ledger.adminUrl!);
    const today = new Date().toISOString().slice(0, 10);
    story = new LeaseStory(t.ledger, t.api, t.stack.description.leasingCompany, shiftDate(today, { days: 7 }));
    drivers = [];
    for (const persona of PERSONAS.slice(2, 5))
      drivers.push(await story.registerDriver(personaProfile(persona, today)));
    await story.registerCars(5);
    await waitForConsistency(t.api, t.stack.description.ledger.apiUrl, assetIds(), 30_000, () => t.logTail());
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('every WebSocket dropped and reconnection refused for 3 s while transactions commit', async () => {
    const metrics = t.stack.description.webjob.metricsUrl;
    const reconnects = await metric(metrics, 'webjob_stream_reconnects_total');
    const traffic = startTraffic(story, drivers, 30);
    await trafficProgress(traffic, 5);
    await admin.refuseWebSockets(3);
    expect(await admin.dropWebSockets()).toBeGreaterThanOrEqual(1);
    await trafficProgress(traffic, 15);
    await traffic.stop();
    await waitForConsistency(t.api, t.stack.description.ledger.apiUrl, assetIds(), 45_000, () => t.logTail());
    // The WebJob noticed, reconnected once the node accepted connections again, and is back on the live stream.
    await waitForMetric(metrics, 'webjob_stream_connected', (v) => v === 1, 20_000);
    expect(await metric(metrics, 'webjob_stream_reconnects_total')).toBeGreaterThan(reconnects);
    expect((await admin.status()).subscribers).toBeGreaterThanOrEqual(1);
  });

  it('the stream stalled (frames lost) while blocks keep committing', async () => {
    const metrics = t.stack.description.webjob.metricsUrl;
    const recovered = await metric(metrics, 'webjob_catchup_recovered_transactions_total');
    await admin.stallStream(6);
    const traffic = startTraffic(story, drivers, 30);
    await trafficProgress(traffic, 15);
    await traffic.stop();
    await sleep(500);
    await waitForConsistency(t.api, t.stack.description.ledger.apiUrl, assetIds(), 45_000, () => t.logTail());
    // Those transactions were never announced on the stream: the WebJob found them over GET /blocks
    // (it counts them as recovered once it knows the stream skipped them).
    await waitForMetric(metrics, 'webjob_catchup_recovered_transactions_total', (v) => v >= recovered + 15, 20_000);
  });
});
