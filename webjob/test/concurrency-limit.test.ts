// The AIMD limit on its own: a fake clock and hand-made samples, so every rule is checked exactly.
import { AdaptiveConcurrencyLimit, type LimitSample } from '../src/delivery/concurrency-limit';

function limiter(initial: number, maximum: number): { limit: AdaptiveConcurrencyLimit; clock: { t: number } } {
  const clock = { t: 0 };
  return { limit: new AdaptiveConcurrencyLimit({ initial, maximum, now: () => clock.t }), clock };
}

const ok = (latencyMs: number, inFlight: number, startedAt: number, batchSize = 100): LimitSample => ({
  kind: 'ok',
  latencyMs,
  batchSize,
  inFlight,
  startedAt,
});

test('starts at the initial limit, clamped to [1, maximum]', () => {
  expect(limiter(2, 8).limit.current).toBe(2);
  expect(limiter(20, 8).limit.current).toBe(8);
  expect(limiter(0, 8).limit.current).toBe(1);
});

test('grows by about one per window of healthy answers while the limit is used, up to the ceiling', () => {
  const { limit, clock } = limiter(2, 5);
  let answers = 0;
  while (limit.current < 5 && answers < 100) {
    clock.t += 10;
    limit.record(ok(100, limit.current, clock.t - 100));
    answers += 1;
  }
  expect(limit.current).toBe(5);
  expect(answers).toBe(2 + 3 + 4); // additive: `limit` answers per step
  for (let i = 0; i < 50; i++) limit.record(ok(100, 5, clock.t));
  expect(limit.current).toBe(5); // the ceiling holds
});

test('an idle sender (few requests in flight) does not grow a limit it never tested', () => {
  const { limit } = limiter(4, 16);
  for (let i = 0; i < 100; i++) limit.record(ok(100, 1, i));
  expect(limit.current).toBe(4);
});

test('an overload signal halves the limit once per window; answers to requests sent before the cut do not cut again', () => {
  const { limit, clock } = limiter(16, 16);
  clock.t = 1_000;
  expect(limit.record({ kind: 'overload', startedAt: 500 })).toBe(true);
  expect(limit.current).toBe(8);
  // the rest of the same wave (started before the cut) times out too: no further halving
  for (let i = 0; i < 15; i++) limit.record({ kind: 'overload', startedAt: 600 + i });
  expect(limit.current).toBe(8);
  // a request sent under the new limit that overloads again halves again, down to 1 and no lower
  for (const startedAt of [1_001, 1_002, 1_003, 1_004, 1_005]) {
    clock.t = startedAt + 1;
    limit.record({ kind: 'overload', startedAt });
  }
  expect(limit.current).toBe(1);
});

test('latency blowing up against the unloaded baseline halves; jitter below the noise floor does not', () => {
  const { limit } = limiter(8, 8);
  limit.record(ok(200, 8, 0)); // baseline for full batches: 200 ms
  limit.record(ok(620, 8, 1)); // 3.1x, 420 ms over: blow-up
  expect(limit.current).toBe(4);

  const fast = limiter(8, 8);
  fast.limit.record(ok(2, 8, 0));
  fast.limit.record(ok(30, 8, 1)); // 15x, but only 28 ms over: a fast receiver's jitter
  expect(fast.limit.current).toBe(8);
});

test('latency alone never cuts below 2 (a CPU-shared receiver would sit idle between batches); overload signals go to 1', () => {
  const { limit, clock } = limiter(8, 8);
  limit.record(ok(100, 8, 0));
  for (const startedAt of [1, 3, 5, 7]) {
    clock.t = startedAt + 1;
    limit.record(ok(1_000, 8, startedAt));
  }
  expect(limit.current).toBe(2);
  clock.t = 20;
  limit.record({ kind: 'overload', startedAt: 19 });
  expect(limit.current).toBe(1);
});

test('batch sizes keep separate baselines: a full batch is not judged against a lone event', () => {
  const { limit } = limiter(8, 8);
  limit.record(ok(20, 8, 0, 1)); // lone event: 20 ms
  limit.record(ok(400, 8, 1, 100)); // first full batch: sets its own baseline
  limit.record(ok(450, 8, 2, 100));
  expect(limit.current).toBe(8);
});

test('a lasting slowdown is learnt: the baseline drifts up and the limit grows again', () => {
  const { limit, clock } = limiter(4, 8);
  limit.record(ok(100, 4, 0));
  limit.record(ok(400, 4, 5)); // blow-up: 4 -> 2
  expect(limit.current).toBe(2);
  for (let i = 0; i < 300; i++) {
    clock.t += 10;
    limit.record(ok(400, limit.current, clock.t - 5));
  }
  expect(limit.current).toBe(8);
});
