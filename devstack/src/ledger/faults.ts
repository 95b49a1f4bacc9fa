// Fault injection for consumers' tests: everything is off until switched on, programmatically or (with
// --admin) over HTTP. Timed faults end by themselves; clear() ends them all.
export interface FaultState {
  refuseWebSocketsUntil: number;
  stallStreamUntil: number;
  httpDelayMs: number;
  httpDelayUntil: number;
  unavailableUntil: number;
  indexLagMs: number;
  indexLagUntil: number;
}

/** What a fault needs from the running node (the WebSocket server owns the sockets). */
export interface FaultHooks {
  dropWebSockets(): number;
}

const FOREVER = Number.POSITIVE_INFINITY;
const until = (seconds: number | undefined, now: number): number =>
  seconds === undefined ? FOREVER : now + seconds * 1000;

function nonNegative(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0))
    throw new RangeError(`${name} must be a non-negative number, got ${value}`);
}

export class LedgerFaults {
  private state: FaultState = LedgerFaults.off();
  private readonly hidden = new Map<string, number>();
  private hooks: FaultHooks | undefined;

  constructor(private readonly clock: () => number = Date.now) {}

  private static off(): FaultState {
    return {
      refuseWebSocketsUntil: 0,
      stallStreamUntil: 0,
      httpDelayMs: 0,
      httpDelayUntil: 0,
      unavailableUntil: 0,
      indexLagMs: 0,
      indexLagUntil: 0,
    };
  }

  /** Wired by the node once the WebSocket server runs. */
  attach(hooks: FaultHooks): void {
    this.hooks = hooks;
  }

  /** Closes every open WebSocket abruptly (no close frame: clients see code 1006). Returns how many. */
  dropWebSockets(): number {
    return this.hooks?.dropWebSockets() ?? 0;
  }

  /** New WebSocket connections are refused (HTTP 503 on the upgrade) for `seconds`. */
  refuseWebSockets(seconds: number): void {
    nonNegative('seconds', seconds);
    this.state.refuseWebSocketsUntil = this.clock() + seconds * 1000;
  }

  /** Blocks keep committing but no frames are sent for `seconds` (omitted: until clear()); those events are lost. */
  stallStream(seconds?: number): void {
    nonNegative('seconds', seconds);
    this.state.stallStreamUntil = until(seconds, this.clock());
  }

  /** Every API response waits `ms` first, for `seconds` (omitted: until clear()). */
  delayHttp(ms: number, seconds?: number): void {
    nonNegative('ms', ms);
    nonNegative('seconds', seconds);
    this.state.httpDelayMs = ms;
    this.state.httpDelayUntil = until(seconds, this.clock());
  }

  /** Every API request is answered 503 for `seconds`. */
  unavailable(seconds: number): void {
    nonNegative('seconds', seconds);
    this.state.unavailableUntil = this.clock() + seconds * 1000;
  }

  /** Transactions committed while this is on answer 404 on GET /transactions/{id} for `ms` after their commit. */
  indexLag(ms: number, seconds?: number): void {
    nonNegative('ms', ms);
    nonNegative('seconds', seconds);
    this.state.indexLagMs = ms;
    this.state.indexLagUntil = until(seconds, this.clock());
  }

  clear(): void {
    this.state = LedgerFaults.off();
    this.hidden.clear();
  }

  /** The active faults, with remaining times in milliseconds (null = until cleared). */
  snapshot(): Record<string, unknown> {
    const now = this.clock();
    const remaining = (t: number): number | null => (t === FOREVER ? null : Math.max(0, t - now));
    const s = this.state;
    return {
      refuseWebSockets: s.refuseWebSocketsUntil > now ? { remainingMs: remaining(s.refuseWebSocketsUntil) } : null,
      stallStream: s.stallStreamUntil > now ? { remainingMs: remaining(s.stallStreamUntil) } : null,
      delayHttp:
        s.httpDelayUntil > now && s.httpDelayMs > 0
          ? { ms: s.httpDelayMs, remainingMs: remaining(s.httpDelayUntil) }
          : null,
      unavailable: s.unavailableUntil > now ? { remainingMs: remaining(s.unavailableUntil) } : null,
      indexLag:
        s.indexLagUntil > now && s.indexLagMs > 0
          ? { ms: s.indexLagMs, remainingMs: remaining(s.indexLagUntil) }
          : null,
    };
  }

  // ---- queried by the node ----

  refusingWebSockets(): boolean {
    return this.state.refuseWebSocketsUntil > this.clock();
  }

  streamStalled(): boolean {
    return this.state.stallStreamUntil > this.clock();
  }

  httpDelay(): number {
    return this.state.httpDelayUntil > this.clock() ? this.state.httpDelayMs : 0;
  }

  httpUnavailable(): boolean {
    return this.state.unavailableUntil > this.clock();
  }

  /** Called for each committed block's transactions. */
  noteCommitted(transactionIds: readonly string[]): void {
    const now = this.clock();
    if (!(this.state.indexLagUntil > now && this.state.indexLagMs > 0) || transactionIds.length === 0) return;
    const visibleAt = now + this.state.indexLagMs;
    if (this.hidden.size > 10_000) for (const [id, at] of this.hidden) if (at <= now) this.hidden.delete(id); // never-read entries
    for (const id of transactionIds) this.hidden.set(id, visibleAt);
  }

  /** Whether GET /transactions/{id} should still 404 because of an injected index lag. */
  isHidden(transactionId: string): boolean {
    const visibleAt = this.hidden.get(transactionId);
    if (visibleAt === undefined) return false;
    if (visibleAt > this.clock()) return true;
    this.hidden.delete(transactionId);
    return false;
  }
}
