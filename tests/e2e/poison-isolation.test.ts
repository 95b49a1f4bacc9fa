// One bad event must never stall the bridge, on the whole local stack. A fault proxy between the
// WebJob and the Function App answers 500 for every batch holding one car's lease (a stand-in for
// a receiver bug on that event) while the Function App answers everything else and its health is
// 200. The WebJob splits batches until the event travels alone, dead-letters it as poison after
// WEBJOB_MAX_EVENT_ATTEMPTS, and moves on: healthy cars posted after it get their premium within
// seconds, the checkpoint settles at the ledger tip, /healthz went degraded and came back, and once
// the fault is gone `npm run replay -- --dead-letters` delivers the event.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { QueueClient } from '@azure/storage-queue';
import { shiftDate } from '../../devstack/src/demo/dates';
import { PERSONAS, personaProfile } from '../../devstack/src/demo/drivers';
import type { SignedTransaction } from '../../devstack/src/demo/lease-ledger';
import type { KeyPair } from '../../devstack/src/stack/local-config';
import { waitUntil } from '../../devstack/src/stack/wait';
import { startTestStack, type TestStack } from '../support/stack';
import { startFaultProxy, type FaultProxy } from './lib/fault-proxy';
import { waitForConsistency } from './lib/invariants';
import { LedgerAdmin } from './lib/ledger-admin';
import { LeaseStory, type LeaseStart } from './lib/lease-story';
import { metric } from './lib/webjob-metrics';

jest.setTimeout(180_000);

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const STALL_ALERT_SECONDS = 2;
const MAX_EVENT_ATTEMPTS = 6;

interface HealthSample {
  status: number;
  body: { status?: string; reasons?: string[] };
}

describe('poison isolation: one bad event never stalls the bridge', () => {
  let proxy: FaultProxy;
  let t: TestStack;
  let story: LeaseStory;
  let drivers: KeyPair[];

  beforeAll(async () => {
    proxy = await startFaultProxy();
    t = await startTestStack({
      webjobEnv: {
        WEBHOOK_URL: `${proxy.origin}/api/ownership-changes`,
        WEBJOB_STALL_ALERT_SECONDS: String(STALL_ALERT_SECONDS),
        WEBJOB_MAX_EVENT_ATTEMPTS: String(MAX_EVENT_ATTEMPTS),
      },
    });
    proxy.target = new URL(t.stack.description.functionApp.baseUrl).origin;
    const today = new Date().toISOString().slice(0, 10);
    story = new LeaseStory(t.ledger, t.api, t.stack.description.leasingCompany, shiftDate(today, { days: 7 }));
    drivers = [];
    for (const persona of PERSONAS.slice(0, 3))
      drivers.push(await story.registerDriver(personaProfile(persona, today)));
    await story.registerCars(4);
    await waitForConsistency(
      t.api,
      t.stack.description.ledger.apiUrl,
      story.cars.map((c) => c.assetId),
      30_000,
      () => t.logTail(),
    );
  });
  afterAll(async () => {
    await t?.stop();
    await proxy?.close();
  });

  it('isolates and dead-letters the poison, keeps healthy cars flowing, and replays it once the fault is gone', async () => {
    const description = t.stack.description;
    const metricsUrl = description.webjob.metricsUrl;
    const [poisonCar, ...healthyCars] = story.cars as [(typeof story.cars)[number], ...typeof story.cars];
    proxy.poison = (event) => event.subject === poisonCar.assetId;

    const health: HealthSample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const response = await fetch(description.webjob.healthUrl, { signal: AbortSignal.timeout(2_000) }).catch(
          () => undefined,
        );
        if (response) health.push({ status: response.status, body: (await response.json()) as HealthSample['body'] });
        await sleep(100);
      }
    })();

    const poison = await story.startLease(poisonCar, drivers[0]!);
    const healthyPostedAt = Date.now();
    const healthyLeases: LeaseStart[] = [];
    for (const [i, car] of healthyCars.entries())
      healthyLeases.push(await story.startLease(car, drivers[(i + 1) % drivers.length]!));
    await waitUntil(
      async () => {
        for (const lease of healthyLeases)
          if ((await t.api.currentPremium(lease.car.assetId))?.transactionId !== lease.tx.id) return false;
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the healthy cars posted after the poison to get their premium' },
    );
    const healthyFlowedMs = Date.now() - healthyPostedAt;
    process.stdout.write(
      `poison isolation: healthy cars posted after the poison had their premium ${healthyFlowedMs} ms after they were posted\n`,
    );
    expect(healthyFlowedMs).toBeLessThan(15_000);

    // The poison is dead-lettered with its reason, and the checkpoint settles at the ledger tip.
    const queue = new QueueClient(
      description.storage.connectionString,
      `${description.storage.namePrefix}-deadletters`,
    );
    let letters: Array<{
      kind: string;
      reason: string;
      transactionId: string;
      lastStatus?: unknown;
      attempts?: number;
    }> = [];
    await waitUntil(
      async () => {
        const peeked = await queue.peekMessages({ numberOfMessages: 32 });
        letters = peeked.peekedMessageItems.map((m) => JSON.parse(m.messageText) as (typeof letters)[number]);
        return letters.length > 0;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the poison dead letter' },
    );
    const deadLetteredMs = Date.now() - healthyPostedAt;
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      kind: 'poison',
      transactionId: poison.tx.id,
      lastStatus: 500,
      attempts: MAX_EVENT_ATTEMPTS,
    });
    expect(letters[0]!.reason).toMatch(
      /^HTTP 500 on each of 6 attempts alone .*RangeError: doc is too large to store \(fault proxy\)$/,
    );
    const tip = (await new LedgerAdmin(description.ledger.adminUrl!).status()).height;
    await waitUntil(async () => (await metric(metricsUrl, 'webjob_last_delivered_height')) >= tip, {
      timeoutMs: 15_000,
      what: `the checkpoint to reach the ledger tip ${tip}`,
    });
    await waitUntil(async () => (await metric(metricsUrl, 'webjob_dead_letters', 'kind="poison"')) === 1, {
      timeoutMs: 15_000,
      what: 'the dead-letter gauge to count the poison',
    });
    expect(await metric(metricsUrl, 'webjob_oldest_pending_event_age_seconds')).toBe(0);

    // /healthz went degraded while the checkpoint was held back, and came back.
    await waitUntil(async () => (await fetch(description.webjob.healthUrl)).status === 200, {
      timeoutMs: 10_000,
      what: '/healthz to be healthy again',
    });
    sampling = false;
    await sampler;
    const degraded = health.filter((h) => h.status === 503);
    expect(degraded.length).toBeGreaterThan(0);
    expect(degraded[0]!.body).toMatchObject({ status: 'degraded' });
    expect(degraded[0]!.body.reasons?.[0]).toMatch(/^checkpoint has not advanced for \d+ s while events are pending/);
    expect(health.at(-1)).toMatchObject({ status: 200, body: { status: 'healthy', reasons: [] } });
    process.stdout.write(
      `poison isolation: dead-lettered ${deadLetteredMs} ms after the healthy cars were posted; /healthz degraded in ${degraded.length} of ${health.length} samples\n`,
    );

    // The car behind the poison has no premium for that lease yet.
    expect((await t.api.currentPremium(poisonCar.assetId))?.transactionId).not.toBe(poison.tx.id);

    // The cause is fixed: a replay of the dead letters delivers it and the car gets its premium.
    proxy.poison = undefined;
    const replay = await promisify(execFile)(
      process.execPath,
      [path.join(REPO_ROOT, 'webjob/dist/replay/cli.js'), '--dead-letters'],
      {
        cwd: REPO_ROOT,
        timeout: 60_000,
        env: {
          ...process.env,
          LEDGER_API_URL: description.ledger.apiUrl,
          WEBHOOK_URL: description.functionApp.webhookUrl,
          WEBHOOK_FUNCTION_KEY: description.functionApp.functionKey,
          WEBHOOK_SECRETS: description.webhook.secrets.join(' '),
          LEASING_COMPANY_PUBLIC_KEYS: description.leasingCompany.publicKey,
          STORAGE_CONNECTION_STRING: description.storage.connectionString,
          STORAGE_NAME_PREFIX: description.storage.namePrefix,
          LOG_LEVEL: 'warn',
        },
      },
    );
    expect(JSON.parse(replay.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      replay: { kind: 'dead-letters' },
      lettersReplayed: 1,
      deadLettered: 0,
    });
    expect((await t.api.currentPremium(poisonCar.assetId))?.transactionId).toBe(poison.tx.id);
    expect((await queue.peekMessages({ numberOfMessages: 32 })).peekedMessageItems).toHaveLength(0);
    await waitUntil(async () => (await metric(metricsUrl, 'webjob_dead_letters', 'kind="poison"')) === 0, {
      timeoutMs: 15_000,
      what: 'the dead-letter gauge to drop the replayed letter',
    });
    await waitForConsistency(
      t.api,
      description.ledger.apiUrl,
      story.cars.map((c) => c.assetId),
      30_000,
      () => t.logTail(),
    );
  });

  it('an outage longer than the attempt budget dead-letters nothing, and everything arrives once the receiver is back', async () => {
    const description = t.stack.description;
    const metricsUrl = description.webjob.metricsUrl;
    const deadLettered = await metric(metricsUrl, 'webjob_events_dead_lettered_total');
    const requests = await metric(metricsUrl, 'webjob_delivery_requests_total');
    await t.stack.supervisor.stopPart('function-app');
    const posted: SignedTransaction[] = [];
    for (const [i, car] of story.cars.entries())
      posted.push(
        car.holder ? await story.endLease(car) : (await story.startLease(car, drivers[i % drivers.length]!)).tx,
      );
    // Every request fails (the proxy answers 502, the health route too) for more attempts than the budget.
    await waitUntil(
      async () => (await metric(metricsUrl, 'webjob_delivery_requests_total')) > requests + MAX_EVENT_ATTEMPTS * 2,
      {
        timeoutMs: 60_000,
        what: 'failed attempts beyond the budget',
      },
    );
    expect(await metric(metricsUrl, 'webjob_events_dead_lettered_total')).toBe(deadLettered);
    await t.stack.supervisor.startPart('function-app');
    const backAt = Date.now();
    await waitUntil(
      async () => {
        for (const [i, car] of story.cars.entries())
          if ((await t.api.currentPremium(car.assetId))?.transactionId !== posted[i]!.id) return false;
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'every car to reflect the transaction posted during the outage' },
    );
    process.stdout.write(
      `receiver outage: everything posted during it delivered ${Date.now() - backAt} ms after the Function App was healthy again\n`,
    );
    expect(await metric(metricsUrl, 'webjob_events_dead_lettered_total')).toBe(deadLettered);
    await waitForConsistency(
      t.api,
      description.ledger.apiUrl,
      story.cars.map((c) => c.assetId),
      30_000,
      () => t.logTail(),
    );
  });
});
