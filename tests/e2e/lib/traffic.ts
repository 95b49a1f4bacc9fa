// Steady ledger traffic while a fault is going on: lease starts and ends round-robin over the
// story's cars, one transaction at a time, until stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyPair } from '../../../devstack/src/stack/local-config';
import type { LeaseStory } from './lease-story';

export interface Traffic {
  /** Stops after the transaction in flight; resolves with how many were committed. Rethrows a failure. */
  stop(): Promise<number>;
  committed(): number;
  failure(): Error | undefined;
}

export function startTraffic(story: LeaseStory, drivers: readonly KeyPair[], pauseMs = 100): Traffic {
  let running = true;
  let count = 0;
  let next = 0;
  let turn = 0;
  let failure: Error | undefined;
  const loop = (async () => {
    while (running) {
      const car = story.cars[turn++ % story.cars.length]!;
      if (car.holder) await story.endLease(car);
      else await story.startLease(car, drivers[next++ % drivers.length]!);
      count++;
      await sleep(pauseMs);
    }
  })().catch((error: unknown) => {
    // Kept until stop() (and reported by trafficProgress) instead of crashing the test process.
    failure = error instanceof Error ? error : new Error(`ledger write failed: ${JSON.stringify(error)}`);
  });
  return {
    committed: () => count,
    failure: () => failure,
    async stop() {
      running = false;
      await loop;
      if (failure) throw failure;
      return count;
    },
  };
}

/** Waits until the traffic has committed at least `n` more transactions (bounded). */
export async function trafficProgress(traffic: Traffic, n: number, timeoutMs = 30_000): Promise<void> {
  const target = traffic.committed() + n;
  const deadline = Date.now() + timeoutMs;
  while (traffic.committed() < target) {
    const failure = traffic.failure();
    if (failure) throw failure;
    if (Date.now() > deadline)
      throw new Error(`traffic committed ${traffic.committed()} of ${target} transactions within ${timeoutMs} ms`);
    await sleep(50);
  }
}
