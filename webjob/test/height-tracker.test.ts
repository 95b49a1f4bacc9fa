// HeightTracker decides the checkpoint: a height counts only once all its items AND every lower
// height are settled. These tests drive it through acknowledgements in every order, including past
// the point where it compacts its internal list (1,024 settled heights), against a plain model.
import fc from 'fast-check';
import { HeightTracker } from '../src/checkpoint/height-tracker';

/** The model: the highest h such that every opened height <= h has no outstanding items. */
function modelCompleted(start: number, outstanding: Map<number, number>): number {
  let completed = start - 1;
  const heights = [...outstanding.keys()].sort((a, b) => a - b);
  for (const h of heights) {
    if (outstanding.get(h)! > 0) break;
    completed = h;
  }
  return completed;
}

interface Step {
  settle: number;
  expected: number;
}

describe('HeightTracker', () => {
  const cases: { name: string; start: number; open: [height: number, items: number][]; steps: Step[] }[] = [
    {
      name: 'in-order acknowledgements advance one height at a time',
      start: 10,
      open: [
        [10, 1],
        [11, 1],
        [12, 1],
      ],
      steps: [
        { settle: 10, expected: 10 },
        { settle: 11, expected: 11 },
        { settle: 12, expected: 12 },
      ],
    },
    {
      name: 'a higher height settled first waits for the lower one',
      start: 10,
      open: [
        [10, 1],
        [11, 1],
        [12, 1],
      ],
      steps: [
        { settle: 12, expected: 9 },
        { settle: 11, expected: 9 },
        { settle: 10, expected: 12 },
      ],
    },
    {
      name: 'a height with several events counts once all are settled',
      start: 0,
      open: [
        [0, 2],
        [1, 1],
      ],
      steps: [
        { settle: 1, expected: -1 },
        { settle: 0, expected: -1 },
        { settle: 0, expected: 1 },
      ],
    },
    {
      name: 'gaps in heights are fine (heights without tracked events are opened with 0 items)',
      start: 5,
      open: [
        [5, 1],
        [6, 0],
        [9, 1],
      ],
      steps: [
        { settle: 9, expected: 4 },
        { settle: 5, expected: 9 },
      ],
    },
  ];

  test.each(cases)('$name', ({ start, open, steps }) => {
    const tracker = new HeightTracker(start);
    for (const [height, items] of open) tracker.openHeight(height, items);
    for (const step of steps) {
      tracker.settle(step.settle);
      expect(tracker.completedHeight).toBe(step.expected);
    }
  });

  test('an empty height opened after everything is settled completes at once', () => {
    const tracker = new HeightTracker(3);
    tracker.openHeight(3, 0);
    expect(tracker.completedHeight).toBe(3);
    tracker.openHeight(4, 1);
    tracker.openHeight(5, 0);
    expect(tracker.completedHeight).toBe(3);
    tracker.settle(4);
    expect(tracker.completedHeight).toBe(5);
  });

  test('oldestOpenSince is the time the lowest unsettled height was opened', () => {
    const tracker = new HeightTracker(1);
    expect(tracker.oldestOpenSince).toBeUndefined();
    tracker.openHeight(1, 1, 1000);
    tracker.openHeight(2, 1, 2000);
    expect(tracker.oldestOpenSince).toBe(1000);
    tracker.settle(2);
    expect(tracker.oldestOpenSince).toBe(1000);
    tracker.settle(1);
    expect(tracker.oldestOpenSince).toBeUndefined();
  });

  test('misuse is refused: out-of-order open, unknown height, more settled than opened', () => {
    const tracker = new HeightTracker(10);
    tracker.openHeight(10, 1);
    expect(() => tracker.openHeight(10, 1)).toThrow(/out of order/);
    expect(() => tracker.openHeight(9, 1)).toThrow(/out of order/);
    expect(() => tracker.settle(11)).toThrow(/not open/);
    tracker.openHeight(11, 1);
    tracker.settle(11);
    expect(() => tracker.settle(11)).toThrow(/more items than it opened/);
    tracker.settle(10);
    expect(() => tracker.settle(10)).toThrow(/not open/); // settled heights are forgotten
  });

  test('3,000 heights acknowledged in reverse: nothing counts until the lowest is settled (past compaction)', () => {
    const tracker = new HeightTracker(0);
    for (let h = 0; h < 3000; h++) tracker.openHeight(h, 1);
    for (let h = 2999; h > 0; h--) {
      tracker.settle(h);
      expect(tracker.completedHeight).toBe(-1);
    }
    tracker.settle(0);
    expect(tracker.completedHeight).toBe(2999);
  });

  test('around the compaction point, the lowest open height still holds back higher settled ones', () => {
    // Settling 0..k-1 in order moves the list's head past 1,024 somewhere in this range, and the
    // tracker compacts its list: whichever k that happens at, height k must stay the barrier.
    for (let k = 1000; k <= 1100; k++) {
      const tracker = new HeightTracker(0);
      for (let h = 0; h < 2000; h++) tracker.openHeight(h, 1);
      for (let h = 0; h < k; h++) tracker.settle(h);
      expect(tracker.completedHeight).toBe(k - 1);
      tracker.settle(k + 1);
      tracker.settle(k + 2);
      expect(tracker.completedHeight).toBe(k - 1);
      tracker.settle(k);
      expect(tracker.completedHeight).toBe(k + 2);
    }
  });

  test('any interleaving of opens and acknowledgements matches the model', () => {
    // A run: heights opened in increasing order (some with several events, some empty), acks in a
    // random order that may run ahead of later opens, across the compaction threshold.
    const run = fc.record({
      start: fc.integer({ min: 0, max: 1_000_000 }),
      items: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 1500 }),
      seed: fc.integer(),
      opensPerAck: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(run, ({ start, items, seed, opensPerAck }) => {
        const tracker = new HeightTracker(start);
        const outstanding = new Map<number, number>();
        const ackable: number[] = [];
        let random = seed >>> 0;
        const nextRandom = (n: number): number => {
          random = (Math.imul(random, 1664525) + 1013904223) >>> 0;
          return random % n;
        };
        let opened = 0;
        while (opened < items.length || ackable.length > 0) {
          for (let k = 0; k < opensPerAck && opened < items.length; k++, opened++) {
            const height = start + opened;
            tracker.openHeight(height, items[opened]!);
            outstanding.set(height, items[opened]!);
            for (let i = 0; i < items[opened]!; i++) ackable.push(height);
          }
          if (ackable.length > 0) {
            const [height] = ackable.splice(nextRandom(ackable.length), 1);
            tracker.settle(height!);
            outstanding.set(height!, outstanding.get(height!)! - 1);
          }
          if (tracker.completedHeight !== modelCompleted(start, outstanding)) return false;
        }
        return tracker.completedHeight === start + items.length - 1;
      }),
      { numRuns: 200 },
    );
  });
});
