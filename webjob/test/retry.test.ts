// The WebJob's one retry and wait convention (src/util/retry.ts): waits reject with AbortedError
// when their signal aborts, retry() waits the jittered backoff within the attempt's bounds, and it
// ends with the first answer that is not a RetryLater, the first error thrown, or an abort.
import { AbortedError } from '../src/util/aborted';
import { backoffDelay, retry, RetryLater, sleep, untilAborted, type RetryNotice } from '../src/util/retry';
import { WakeSignal } from '../src/util/signal';

describe('waits', () => {
  test('sleep resolves after its delay, and rejects with AbortedError when aborted before or during it', async () => {
    const started = performance.now();
    await sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);

    await expect(sleep(10, AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
  });

  test('untilAborted passes a result through and rejects with AbortedError on abort', async () => {
    expect(await untilAborted(Promise.resolve(7), new AbortController().signal)).toBe(7);
    const controller = new AbortController();
    const waiting = untilAborted(new Promise<never>(() => undefined), controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
  });

  test('a WakeSignal wait resolves on notify or timeout, and rejects with AbortedError on abort', async () => {
    const wake = new WakeSignal();
    const notified = wake.wait(60_000);
    wake.notify();
    await notified;
    await wake.wait(5);
    await expect(wake.wait(60_000, AbortSignal.abort())).rejects.toBeInstanceOf(AbortedError);
    const controller = new AbortController();
    const waiting = wake.wait(60_000, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
  });
});

describe('backoffDelay', () => {
  test('grows exponentially from base/2 up to the ceiling, with full jitter in between', () => {
    const policy = { baseMs: 100, maxMs: 1_000 };
    expect(backoffDelay(policy, 1, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 1)).toBe(400);
    expect(backoffDelay(policy, 30, () => 1)).toBe(1_000);
    expect(backoffDelay(policy, 30, () => 0)).toBe(50);
  });
});

describe('retry', () => {
  const policy = { baseMs: 4, maxMs: 8 };

  test('retries until an attempt answers, telling onRetry each attempt and its delay', async () => {
    const notices: RetryNotice[] = [];
    const result = await retry({ policy, onRetry: (notice) => notices.push(notice) }, (n) =>
      Promise.resolve(n < 3 ? new RetryLater(`failure ${n}`) : `answer after ${n}`),
    );
    expect(result).toBe('answer after 3');
    expect(notices.map((n) => [n.attempt, n.problem])).toEqual([
      [1, 'failure 1'],
      [2, 'failure 2'],
    ]);
    for (const { attempt, delayMs } of notices) {
      expect(delayMs).toBeGreaterThanOrEqual(policy.baseMs / 2);
      expect(delayMs).toBeLessThanOrEqual(Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1)));
    }
  });

  test('an attempt bounds its own delay: at least a Retry-After, at most what is left of a deadline', async () => {
    const delays: number[] = [];
    await retry({ policy, onRetry: ({ delayMs }) => delays.push(delayMs) }, (n) =>
      Promise.resolve(n === 1 ? new RetryLater('busy', 40) : n === 2 ? new RetryLater('lagging', 0, 1) : 'done'),
    );
    expect(delays[0]).toBe(40);
    expect(delays[1]).toBeLessThanOrEqual(1);
  });

  test('an error thrown by an attempt ends the retries', async () => {
    let attempts = 0;
    await expect(
      retry({ policy }, () => {
        attempts += 1;
        return Promise.reject(new Error('permanent'));
      }),
    ).rejects.toThrow('permanent');
    expect(attempts).toBe(1);
  });

  test('an abort ends the retries with AbortedError, during a wait or before the first attempt', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const retrying = retry({ policy: { baseMs: 60_000, maxMs: 60_000 }, signal: controller.signal }, () => {
      attempts += 1;
      return Promise.resolve(new RetryLater('down'));
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await expect(retrying).rejects.toBeInstanceOf(AbortedError);
    expect(attempts).toBe(1);

    await expect(retry({ policy, signal: AbortSignal.abort() }, () => Promise.resolve('never'))).rejects.toBeInstanceOf(
      AbortedError,
    );
  });
});
