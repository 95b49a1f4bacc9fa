// HeightSequencer against the real local ledger node: whatever the stream says (frames out of order,
// repeated, for heights not yet readable, or nothing at all), blocks reach processBlock once each, in
// height order, with no gap, from the start height to the tip.
import { startLedgerNode, type LedgerNode } from '../../devstack/src/ledger';
import { LedgerClient } from '../src/ledger/ledger-client';
import { silentLogger } from '../src/ops/logger';
import { WebJobMetrics } from '../src/ops/metrics';
import { HeightSequencer, type HeightSequencerOptions } from '../src/sequencer/height-sequencer';
import type { StreamFrame } from '../src/stream/frames';
import { CarHistory, newKeyPair } from './support/car-scenarios';
import { commit, waitFor } from './support/stack';

interface Committed {
  height: number;
  transactionId: string;
  assetId: string;
}

describe('HeightSequencer', () => {
  let ledger: LedgerNode;
  const company = newKeyPair();

  beforeEach(async () => {
    ledger = await startLedgerNode({ httpPort: 0, wsPort: 0, blockIntervalMs: 10 });
  });
  afterEach(async () => {
    await ledger.stop();
  });

  /** Commits `count` car CREATEs one at a time (one block each) and returns where they landed. */
  async function commitCars(count: number): Promise<Committed[]> {
    const committed: Committed[] = [];
    for (let i = 0; i < count; i++) {
      const car = new CarHistory(company);
      const tx = car.transactions[0]!;
      await commit(ledger, tx);
      const response = await fetch(`${ledger.apiUrl}blocks?transaction_id=${tx.id}`);
      const [height] = (await response.json()) as number[];
      committed.push({ height: height!, transactionId: tx.id, assetId: car.assetId });
    }
    return committed;
  }

  function frameOf(c: Committed): StreamFrame {
    return { format: 'v2', height: c.height, transactionId: c.transactionId, assetId: c.assetId };
  }

  function startSequencer(startHeight: number, overrides: Partial<HeightSequencerOptions> = {}) {
    const handed: number[] = [];
    const metrics = new WebJobMetrics();
    const controller = new AbortController();
    const sequencer = new HeightSequencer({
      ledger: new LedgerClient({
        apiUrl: ledger.apiUrl,
        requestTimeoutMs: 5_000,
        retry: { baseMs: 20, maxMs: 200 },
        logger: silentLogger,
      }),
      startHeight,
      fetchConcurrency: 4,
      maxPrefetchTransactions: 100,
      tipPollMs: 50,
      stallTimeoutMs: 60_000,
      lagRetry: { baseMs: 20, maxMs: 200 },
      logger: silentLogger,
      metrics,
      blocks: {
        processBlock: (block) => {
          handed.push(block.height);
          return Promise.resolve();
        },
      },
      stream: { currentState: 'connected', forceReconnect: () => undefined },
      ...overrides,
    });
    const running = sequencer.run(controller.signal);
    return {
      sequencer,
      handed,
      metrics,
      stop: async () => {
        controller.abort();
        await running;
      },
    };
  }

  function expectGapless(handed: number[], from: number, to: number): void {
    expect(handed).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
  }

  test('a backlog is read from the start height to the tip without any frame', async () => {
    const committed = await commitCars(12);
    const first = committed[0]!.height;
    const tip = committed[committed.length - 1]!.height;
    const run = startSequencer(first + 3);
    await waitFor(() => run.handed.length >= tip - first - 2, 10_000, 'the backlog');
    await new Promise((r) => setTimeout(r, 200)); // nothing more may come
    await run.stop();
    expectGapless(run.handed, first + 3, tip);
  });

  test('frames out of order, repeated, and for heights already handed out change nothing', async () => {
    const committed = await commitCars(10);
    const first = committed[0]!.height;
    const tip = committed[committed.length - 1]!.height;
    const slowBlocks: number[] = [];
    const run = startSequencer(first, {
      blocks: {
        processBlock: async (block) => {
          slowBlocks.push(block.height);
          await new Promise((r) => setTimeout(r, 15)); // a slow consumer: reads run ahead of it
        },
      },
    });
    for (const c of [...committed].reverse()) run.sequencer.processFrame(frameOf(c));
    for (const c of committed) run.sequencer.processFrame(frameOf(c));
    await waitFor(() => slowBlocks.length >= committed.length, 10_000, 'every block');
    run.sequencer.processFrame(frameOf(committed[0]!)); // a late repeat of an old frame
    await new Promise((r) => setTimeout(r, 200));
    await run.stop();
    expectGapless(slowBlocks, first, tip);
  });

  test('a frame for a block the node cannot serve yet is waited for, not skipped', async () => {
    const committed = await commitCars(3);
    const tip = committed[committed.length - 1]!.height;
    const run = startSequencer(committed[0]!.height);
    await waitFor(() => run.handed.length === 3, 10_000, 'the first blocks');
    // The stream announces the next height before the block is readable over HTTP (index lag).
    const car = new CarHistory(company);
    run.sequencer.processFrame({
      format: 'v2',
      height: tip + 1,
      transactionId: car.transactions[0]!.id,
      assetId: car.assetId,
    });
    await waitFor(() => run.metrics.ledgerRetries.get({ reason: 'index-lag' }) > 0, 10_000, 'an index-lag retry');
    expect(run.handed).not.toContain(tip + 1);
    await commit(ledger, car.transactions[0]!);
    await waitFor(() => run.handed.includes(tip + 1), 10_000, 'the announced block');
    await run.stop();
    expectGapless(run.handed, committed[0]!.height, tip + 1);
  });

  test('new blocks committed while reading are picked up in order, frames or not', async () => {
    const before = await commitCars(4);
    const run = startSequencer(before[0]!.height);
    const during: Committed[] = [];
    for (let i = 0; i < 6; i++) {
      const [c] = await commitCars(1);
      during.push(c!);
      if (i % 2 === 0) run.sequencer.processFrame(frameOf(c!)); // the stream drops every other frame
    }
    const tip = during[during.length - 1]!.height;
    await waitFor(() => run.handed.includes(tip), 10_000, 'the tip');
    await run.stop();
    expectGapless(run.handed, before[0]!.height, tip);
    expect(run.sequencer.highestKnownHeight).toBe(tip);
  });
});
