// The benchmark's pure pieces: statistics, storage timestamps, commit/stored joins, CPU profiles.
import { summariseProfile, moduleOf, type CpuProfile } from '../../devstack/src/bench/e2e/cpu-profile';
import {
  CommitClock,
  parseStorageTimestamp,
  phaseTimeline,
  type StoredEvent,
} from '../../devstack/src/bench/e2e/premium-timeline';
import { latencySummary, percentileOfSorted, spread } from '../../devstack/src/bench/e2e/stats';
import { predecessorOf } from '../../devstack/src/bench/e2e/workload';

describe('bench statistics', () => {
  it('nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileOfSorted(sorted, 50)).toBe(50);
    expect(percentileOfSorted(sorted, 99)).toBe(99);
    expect(percentileOfSorted(sorted, 100)).toBe(100);
    expect(percentileOfSorted([], 50)).toBeNaN();
    expect(latencySummary([5, 1, 3])).toEqual({ count: 3, p50: 3, p95: 5, p99: 5, max: 5 });
  });

  it('median with min and max over runs, ignoring runs that did not measure', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, runs: [3, 1, 2] });
    expect(spread([4, 1, Number.NaN, 2])).toMatchObject({ median: 2, min: 1, max: 4 });
    expect(spread([Number.NaN]).median).toBeNaN();
  });
});

describe('premium timeline', () => {
  it('keeps the sub-millisecond digits of a storage Timestamp', () => {
    expect(parseStorageTimestamp('2026-11-27T11:40:20.0192561Z')).toBeCloseTo(
      Date.parse('2026-11-27T11:40:20Z') + 19.2561,
      4,
    );
    expect(parseStorageTimestamp('2026-11-27T11:40:20Z')).toBe(Date.parse('2026-11-27T11:40:20Z'));
    expect(() => parseStorageTimestamp('yesterday')).toThrow('not a storage timestamp');
  });

  it('joins stored records with the block commit times from the ledger log', () => {
    const clock = new CommitClock();
    clock.noteLogLine(
      '{"time":"2026-11-27T10:00:00.100Z","level":"info","component":"ledger","msg":"block committed","height":7,"transactions":2}',
    );
    clock.noteLogLine(
      '{"time":"2026-11-27T10:00:00.200Z","level":"info","component":"ledger","msg":"block committed","height":8,"transactions":1}',
    );
    clock.noteLogLine('not json "block committed"');
    const t0 = Date.parse('2026-11-27T10:00:00Z');
    const stored = new Map<string, StoredEvent>([
      ['a', { height: 7, storedAtMs: t0 + 150 }],
      ['b', { height: 7, storedAtMs: t0 + 400 }],
      ['c', { height: 8, storedAtMs: t0 + 260 }],
    ]);
    const timeline = phaseTimeline(['a', 'b', 'c', 'missing'], stored, clock);
    expect(timeline.stored).toBe(3);
    expect(timeline.latenciesMs).toEqual([50, 300, 60]);
    expect(timeline.firstCommitMs).toBe(t0 + 100);
    expect(timeline.lastCommitMs).toBe(t0 + 200);
    expect(timeline.lastStoredMs).toBe(t0 + 400);
  });
});

describe('workload chains', () => {
  it('each hand-over spends the same car one round earlier', () => {
    expect(predecessorOf(0, 10)).toBe(-10);
    expect(predecessorOf(23, 10)).toBe(13);
  });
});

describe('CPU profile summary', () => {
  const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
    id,
    callFrame: { functionName, url, lineNumber: 9 },
    children,
  });
  const profile: CpuProfile = {
    nodes: [
      frame(1, '(root)', '', [2, 3, 4]),
      frame(2, '(idle)', ''),
      frame(3, 'rate', 'file:///repo/functions/dist/rating/rate.js', [5]),
      frame(4, '(garbage collector)', ''),
      frame(5, 'times', 'file:///repo/node_modules/decimal.js/decimal.js'),
    ],
    samples: [2, 3, 5, 5, 4, 2],
    timeDeltas: [1000, 2000, 3000, 3000, 2000, 9000],
    startTime: 0,
    endTime: 20_000,
  };

  it('reports self time per function and per module as a share of busy time', () => {
    const summary = summariseProfile(profile, 'x.cpuprofile');
    expect(summary.busyMs).toBe(10);
    expect(summary.wallMs).toBe(20);
    expect(summary.top[0]).toEqual({ fn: 'times', location: 'decimal.js/decimal.js:10', selfMs: 6, busyPercent: 60 });
    expect(summary.byModule.map((m) => m.module)).toEqual(['decimal.js', 'functions/rating', '(garbage collector)']);
  });

  it('names modules by package, repo folder or Node internals', () => {
    expect(moduleOf('f', 'file:///r/node_modules/@azure/core-client/dist/x.js')).toBe('@azure/core-client');
    expect(moduleOf('f', 'file:///r/webjob/dist/verifier/v.js')).toBe('webjob/verifier');
    expect(moduleOf('f', 'node:internal/streams/writable')).toBe('node:internal/streams');
    expect(moduleOf('writev', '')).toBe('(native)');
  });
});
