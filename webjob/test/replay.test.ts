// Operator replays through the real pipeline: a height range, one asset's history, the dead letters.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { WebhookSigner } from '@lease-premium/events';
import { QueueDeadLetterStore } from '../src/deadletter/dead-letter-store';
import { WebhookSender } from '../src/delivery/webhook-sender';
import { LedgerClient } from '../src/ledger/ledger-client';
import { silentLogger } from '../src/ops/logger';
import { WebJobMetrics } from '../src/ops/metrics';
import { parseReplayArgs } from '../src/replay/cli';
import { Replayer, type ReplayRequest } from '../src/replay/replayer';
import { buildFleet } from './support/car-scenarios';
import { allArrived, commitFleet, startStack, waitFor, type TestStack } from './support/stack';

jest.setTimeout(90_000);
const ROOT = path.resolve(__dirname, '../..');

test('arguments: each form, and clear usage errors', () => {
  expect(parseReplayArgs(['--from-height', '5'])).toEqual({ kind: 'heights', from: 5, to: undefined });
  expect(parseReplayArgs(['--from-height', '5', '--to-height', '9'])).toEqual({ kind: 'heights', from: 5, to: 9 });
  expect(parseReplayArgs(['--asset', 'a'.repeat(64)])).toEqual({ kind: 'asset', assetId: 'a'.repeat(64) });
  expect(parseReplayArgs(['--dead-letters'])).toEqual({ kind: 'dead-letters' });
  expect(() => parseReplayArgs([])).toThrow('say what to replay');
  expect(() => parseReplayArgs(['--from-height', 'x'])).toThrow('--from-height needs a block height');
  expect(() => parseReplayArgs(['--from-height', '9', '--to-height', '5'])).toThrow(
    '--to-height 5 is below --from-height 9',
  );
  expect(() => parseReplayArgs(['--asset', 'nope'])).toThrow('--asset needs one asset id');
  expect(() => parseReplayArgs(['--everything'])).toThrow('unknown arguments: --everything');
});

describe('replays', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack.stop();
  });

  function replayer(): Replayer {
    const config = stack.config();
    const metrics = new WebJobMetrics();
    return new Replayer({
      config,
      ledger: new LedgerClient({
        apiUrl: config.ledger.apiUrl,
        requestTimeoutMs: 5_000,
        retry: { baseMs: 50, maxMs: 500 },
        logger: silentLogger,
        metrics,
      }),
      sender: new WebhookSender({
        url: config.webhook.url,
        functionKey: config.webhook.functionKey,
        signer: new WebhookSigner(config.webhook.secrets),
        timeoutMs: 5_000,
      }),
      deadLetters: new QueueDeadLetterStore(
        stack.storage.deadLetters,
        stack.storage.checkpoints,
        { baseMs: 10, maxMs: 100 },
        silentLogger,
      ),
      logger: silentLogger,
      metrics,
      signal: new AbortController().signal,
    });
  }
  const replayed = (): Array<{ id: string; subject: string }> =>
    stack.receiver.received.filter((e) => e.replay === true);
  const run = (request: ReplayRequest) => replayer().run(request);

  test('height range, asset history and dead letters are re-delivered marked replay: true', async () => {
    const s = stack;
    const job = await s.startWebJob();
    const cars = buildFleet(s.company, 3, 2);
    const refused = cars[2]!.transactions[1]!;
    s.receiver.badRequestIds.add(refused.id);
    await commitFleet(s.ledger, cars);
    await waitFor(
      () => job.metrics.eventsDelivered.total() === 8 && job.metrics.eventsDeadLettered.total() === 1,
      30_000,
      'live delivery',
    );
    await job.stop();
    expect(replayed()).toHaveLength(0);

    // one asset's whole history, in ledger order
    const car = cars[0]!;
    const byAsset = await run({ kind: 'asset', assetId: car.assetId });
    expect(replayed().map((e) => e.id)).toEqual(car.transactions.map((t) => t.id));
    expect(byAsset).toMatchObject({ transactions: 3, delivered: 3 });

    // a height range: the three CREATEs share the first heights of the fleet
    const createHeights = await Promise.all(
      cars.map(async (c) =>
        Number(((await (await fetch(`${s.ledger.apiUrl}blocks?transaction_id=${c.assetId}`)).json()) as number[])[0]),
      ),
    );
    const from = Math.min(...createHeights);
    const to = Math.max(...createHeights);
    const before = replayed().length;
    const range = await run({ kind: 'heights', from, to });
    const rangeIds = replayed()
      .slice(before)
      .map((e) => e.id);
    expect(new Set(rangeIds)).toEqual(new Set(cars.map((c) => c.assetId)));
    expect(range.blocks).toBe(to - from + 1);

    // dead letters: the refused event is accepted now; the letter is gone afterwards
    s.receiver.badRequestIds.clear();
    const letters = await run({ kind: 'dead-letters' });
    expect(letters).toMatchObject({ lettersReplayed: 1, lettersKept: 0, delivered: 1 });
    expect(replayed().some((e) => e.id === refused.id)).toBe(true);
    expect((await s.storage.deadLetters.peekMessages({ numberOfMessages: 5 })).peekedMessageItems).toHaveLength(0);
    expect(allArrived(s.receiver, cars)).toBe(true);
  });

  test('the compiled CLI: summary on stdout and exit 0; usage errors exit 2', async () => {
    const exec = promisify(execFile);
    await exec(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'webjob'], {
      cwd: ROOT,
    });
    const cli = path.join(ROOT, 'webjob', 'dist', 'replay', 'cli.js');
    const car = buildFleet(stack.company, 1, 1)[0]!;
    await commitFleet(stack.ledger, [car]);
    const { stdout } = await exec(process.execPath, [cli, '--asset', car.assetId], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...stack.env({ LOG_LEVEL: 'error' }) },
    });
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toMatchObject({
      replay: { kind: 'asset', assetId: car.assetId },
      transactions: 2,
      delivered: 2,
      deadLettered: 0,
    });
    expect(
      replayed()
        .slice(-2)
        .map((e) => e.id),
    ).toEqual(car.transactions.map((t) => t.id));
    await expect(
      exec(process.execPath, [cli, '--nonsense'], { cwd: ROOT, env: { PATH: process.env.PATH ?? '' } }),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run replay --') });
  });
});
