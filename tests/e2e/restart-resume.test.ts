// The whole stack stopped and started again on the same state (what Ctrl-C and the next `npm start`
// do): the demo interrupted mid-way resumes without re-posting a transaction, a finished demo is
// not replayed, and the restarted WebJob resumes from its stored checkpoint without re-delivering.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { runDemo } from '../../devstack/src/demo/run-demo';
import { startTestStack, type TestStack } from '../support/stack';
import { uniqueName } from '../support/storage';
import { waitForConsistency } from './lib/invariants';
import { LedgerAdmin } from './lib/ledger-admin';
import { metric, waitForMetric } from './lib/webjob-metrics';

jest.setTimeout(180_000);

function capture(onText?: (all: string) => void): { out: Writable; text: () => string } {
  let printed = '';
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      printed += chunk.toString();
      onText?.(printed);
      callback();
    },
  });
  return { out, text: () => printed };
}

describe('stop and start again on the same state', () => {
  let stateDir: string;
  const namePrefix = uniqueName('resume').toLowerCase();
  let t: TestStack | undefined;

  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'lease-premium-e2e-resume-'));
  });
  afterAll(async () => {
    await t?.stop();
    if (!process.env.KEEP_E2E_STATE) await rm(stateDir, { recursive: true, force: true });
  });

  it('an interrupted demo resumes; after a restart it is not replayed and nothing is re-delivered', async () => {
    t = await startTestStack({ persistent: true, stateDir, namePrefix });
    const abort = new AbortController();
    // Interrupt right after the second premium row: a step is then journalled but not yet recorded as done.
    const first = capture((all) => {
      if ((all.match(/lease start/g) ?? []).length >= 2) abort.abort();
    });
    await expect(
      runDemo({
        stack: t.stack.description,
        progressDir: stateDir,
        signal: abort.signal,
        out: first.out,
        premiumTimeoutMs: 60_000,
      }),
    ).rejects.toThrow();
    const interrupted = JSON.parse(await readFile(path.join(stateDir, 'demo-progress.json'), 'utf8')) as {
      done: string[];
      finishedAt: string | null;
    };
    expect(interrupted.finishedAt).toBeNull();

    const resumed = capture();
    const progress = await runDemo({
      stack: t.stack.description,
      progressDir: stateDir,
      signal: new AbortController().signal,
      out: resumed.out,
      premiumTimeoutMs: 60_000,
    });
    expect(progress.finishedAt).not.toBeNull();
    expect(resumed.text()).toContain('(resuming)');
    const assetIds = progress.cars.map((car) => car.assetId!);
    // Exactly one record per ledger transaction: the resumed steps did not post anything twice.
    await waitForConsistency(t.api, t.stack.description.ledger.apiUrl, assetIds, 30_000, () => t!.logTail());
    const admin = new LedgerAdmin(t.stack.description.ledger.adminUrl!);
    const before = await admin.status();
    await waitForMetric(
      t.stack.description.webjob.metricsUrl,
      'webjob_last_delivered_height',
      (h) => h >= before.height,
      30_000,
    );

    await t.stop();
    t = undefined;

    t = await startTestStack({ persistent: true, stateDir, namePrefix });
    const again = capture();
    await runDemo({
      stack: t.stack.description,
      progressDir: stateDir,
      signal: new AbortController().signal,
      out: again.out,
    });
    expect(again.text()).toMatch(/The demo was played on/);
    const afterRestart = await new LedgerAdmin(t.stack.description.ledger.adminUrl!).status();
    expect(afterRestart.transactions).toBe(before.transactions);
    expect(afterRestart.height).toBeGreaterThanOrEqual(before.height);

    // The new WebJob starts from its checkpoint: it is caught up and delivered nothing again.
    const metrics = t.stack.description.webjob.metricsUrl;
    await waitForMetric(metrics, 'webjob_last_delivered_height', (h) => h >= before.height, 30_000);
    await sleep(1_000);
    expect(await metric(metrics, 'webjob_events_delivered_total')).toBe(0);
    await waitForConsistency(t.api, t.stack.description.ledger.apiUrl, assetIds, 30_000, () => t!.logTail());
  });
});
