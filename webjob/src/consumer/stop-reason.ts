// Why a leadership term of consumption ended (as the Event Hubs processor's CloseReason tells a
// partition handler), and the signals the pipeline obeys while it ends:
// - reading stops on any stop: no new blocks are read or handled;
// - a term is abandoned when leadership is lost or something failed: another instance may own the
//   checkpoint now, so deliveries end at once and nothing more is stored;
// - on a shutdown, deliveries in flight get a grace period, then end; the checkpoint is stored.

/**
 * - `shutdown`: asked to stop (SIGTERM, the WebJobs shutdown file); in-flight deliveries get the
 *   grace period and the checkpoint is stored.
 * - `leadership-lost`: another instance may own the checkpoint now: nothing more is delivered or stored.
 * - `failure`: an unexpected error (a lost checkpoint race, a bug); the term stops as on a lost leadership.
 */
export type StopReason = 'shutdown' | 'leadership-lost' | 'failure';

export class TermStop {
  private readonly reading = new AbortController();
  private readonly abandoning = new AbortController();
  private readonly delivering = new AbortController();
  private failure: { error: unknown } | undefined;
  private readonly detach: () => void;

  constructor(
    /** Aborts when the leadership lease is lost (or released). */
    private readonly leadership: AbortSignal,
    /** Aborts when the WebJob is asked to stop. */
    private readonly shutdown: AbortSignal,
  ) {
    const stopReading = (): void => this.reading.abort();
    const abandon = (): void => this.abandon();
    if (shutdown.aborted) stopReading();
    if (leadership.aborted) abandon();
    shutdown.addEventListener('abort', stopReading, { once: true });
    leadership.addEventListener('abort', abandon, { once: true });
    this.detach = () => {
      shutdown.removeEventListener('abort', stopReading);
      leadership.removeEventListener('abort', abandon);
    };
  }

  /** Aborts on any stop: reading blocks ends. */
  get readSignal(): AbortSignal {
    return this.reading.signal;
  }

  /** Aborts when deliveries must end: at once when the term is abandoned, after the grace period on a shutdown. */
  get deliverSignal(): AbortSignal {
    return this.delivering.signal;
  }

  /** Aborts when the term is abandoned (leadership lost, or a failure): nothing more may be delivered or stored. */
  get abandonSignal(): AbortSignal {
    return this.abandoning.signal;
  }

  /** Why the term ended (a lost leadership outranks a failure, which outranks a shutdown); undefined while it runs. */
  get reason(): StopReason | undefined {
    if (this.leadership.aborted) return 'leadership-lost';
    if (this.failure) return 'failure';
    return this.shutdown.aborted ? 'shutdown' : undefined;
  }

  /** The first failure, to rethrow once the term has stopped; undefined when there was none. */
  get error(): Error | undefined {
    if (!this.failure) return undefined;
    const { error } = this.failure;
    return error instanceof Error ? error : new Error('consumer failed', { cause: error });
  }

  /** Stops the term because of `error` (the first one is kept). */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.abandon();
  }

  /** The grace period is over (or there was none): deliveries end. */
  endDeliveries(): void {
    this.delivering.abort();
  }

  dispose(): void {
    this.detach();
  }

  private abandon(): void {
    this.reading.abort();
    this.abandoning.abort();
    this.delivering.abort();
  }
}
