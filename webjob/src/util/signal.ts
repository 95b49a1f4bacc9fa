// A resettable wake-up: producers call notify(); a consumer loop awaits wait() (with a timeout).
// Like every wait in the WebJob (see retry.ts), an aborted wait rejects with AbortedError.
import { AbortedError } from './aborted';

export class WakeSignal {
  private waiter: (() => void) | undefined;
  private pending = false;

  notify(): void {
    this.pending = true;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Resolves at the next notify (or immediately if one came since the last wait), or after timeoutMs. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortedError());
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const settle = (aborted: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this.waiter === done) this.waiter = undefined;
        this.pending = false;
        if (aborted) reject(new AbortedError());
        else resolve();
      };
      const done = (): void => settle(false);
      const onAbort = (): void => settle(true);
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiter = done;
    });
  }
}
