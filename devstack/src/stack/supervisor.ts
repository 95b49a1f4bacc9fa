// Runs the stack's parts as child processes: starts them in order and waits until each is healthy,
// prefixes their output, restarts a crashed part with exponential backoff, and stops everything in
// reverse order (SIGTERM, wait, SIGKILL to the part's whole process tree after a grace period) so the
// WebJob stores its checkpoint before the Function App and storage go away.
import { type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { signalTree, stopTree, treeAlive } from './process-tree';
import { waitUntil } from './wait';

export interface PartSpec {
  /** Short name used as the log prefix and in stack.json ("azurite", "ledger", ...). */
  readonly name: string;
  /** Starts the process; `onLine` receives every line it prints (stdout and stderr). */
  launch(onLine: (line: string) => void): Promise<ChildProcess>;
  /** Resolves true once the part serves requests. Must not throw. */
  isHealthy(): Promise<boolean>;
  /** How long a (re)start may take before it counts as failed. */
  readonly startTimeoutMs: number;
  /** How long the part gets to exit after SIGTERM before SIGKILL. */
  readonly stopGraceMs: number;
}

export type PartState = 'stopped' | 'starting' | 'healthy' | 'crashed' | 'restarting' | 'stopping';

export interface PartStatus {
  readonly name: string;
  readonly state: PartState;
  readonly pid: number | undefined;
  readonly restarts: number;
}

export type SupervisorEvent =
  | { kind: 'line'; part: string; line: string }
  | { kind: 'state'; part: string; state: PartState; pid?: number; detail?: string };

export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** A part that stayed up this long counts as stable again: the backoff starts over. */
  stableAfterMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { initialDelayMs: 500, maxDelayMs: 15_000, stableAfterMs: 30_000 };

/** Delay before restart attempt `attempt` (0-based): doubling, capped. Pure, so it is testable. */
export function restartDelayMs(attempt: number, policy: RestartPolicy): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempt, 20));
}

const LAST_LINES_KEPT = 40;

class SupervisedPart {
  state: PartState = 'stopped';
  child: ChildProcess | undefined;
  restarts = 0;
  consecutiveCrashes = 0;
  startedAt = 0;
  restartTimer: NodeJS.Timeout | undefined;
  readonly lastLines: string[] = [];
  /** Set while a deliberate stop is under way so the exit is not treated as a crash. */
  stopping = false;
  /** The stop in progress, shared by every caller. */
  stopped: Promise<void> | undefined;

  constructor(readonly spec: PartSpec) {}
}

export class Supervisor {
  private readonly parts: SupervisedPart[];
  private shuttingDown = false;

  constructor(
    specs: readonly PartSpec[],
    private readonly onEvent: (event: SupervisorEvent) => void,
    private readonly policy: RestartPolicy = DEFAULT_RESTART_POLICY,
  ) {
    this.parts = specs.map((spec) => new SupervisedPart(spec));
  }

  status(): PartStatus[] {
    return this.parts.map((p) => ({ name: p.spec.name, state: p.state, pid: p.child?.pid, restarts: p.restarts }));
  }

  pid(name: string): number | undefined {
    return this.part(name).child?.pid;
  }

  /** Starts every part in order, each only after the previous one is healthy. Stops all on failure. */
  async startAll(): Promise<void> {
    for (const part of this.parts) {
      try {
        if (this.shuttingDown) throw new Error('the stack was stopped while it was starting');
        await this.startPart(part.spec.name);
      } catch (error) {
        await this.stopAll();
        throw error;
      }
    }
  }

  /** Starts one part and waits until it is healthy (throws with its last output if it is not). */
  async startPart(name: string): Promise<void> {
    const part = this.part(name);
    if (part.child && part.state !== 'stopped' && part.state !== 'crashed') return;
    clearTimeout(part.restartTimer);
    part.stopping = false;
    await this.launchAndWait(part, 'starting');
  }

  /** Stops one part deliberately (no restart) and waits for it to exit. */
  async stopPart(name: string): Promise<void> {
    await this.stop(this.part(name));
  }

  /**
   * Sends a signal as if the part crashed or was killed from outside; the supervisor restarts it
   * with backoff. Resolves once the process has exited.
   */
  async killPart(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.part(name).child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  /** Waits until the named part is healthy again (e.g. after killPart). */
  async waitHealthy(name: string, timeoutMs?: number): Promise<void> {
    const part = this.part(name);
    await waitUntil(() => Promise.resolve(part.state === 'healthy'), {
      timeoutMs: timeoutMs ?? part.spec.startTimeoutMs + this.policy.maxDelayMs,
      what: `${name} to become healthy`,
    });
  }

  /** Stops every part in reverse start order. Safe to call more than once. */
  async stopAll(): Promise<void> {
    this.shuttingDown = true;
    for (const part of [...this.parts].reverse()) await this.stop(part);
  }

  private part(name: string): SupervisedPart {
    const part = this.parts.find((p) => p.spec.name === name);
    if (!part) throw new Error(`no part named "${name}" (parts: ${this.parts.map((p) => p.spec.name).join(', ')})`);
    return part;
  }

  private setState(part: SupervisedPart, state: PartState, detail?: string): void {
    part.state = state;
    this.onEvent({ kind: 'state', part: part.spec.name, state, pid: part.child?.pid, ...(detail ? { detail } : {}) });
  }

  private async launchAndWait(part: SupervisedPart, state: 'starting' | 'restarting'): Promise<void> {
    const name = part.spec.name;
    this.setState(part, state);
    const onLine = (line: string): void => {
      part.lastLines.push(line);
      if (part.lastLines.length > LAST_LINES_KEPT) part.lastLines.shift();
      this.onEvent({ kind: 'line', part: name, line });
    };
    const child = await part.spec.launch(onLine);
    part.child = child;
    // stopAll() ran while this part was being launched: it must not outlive the stack.
    if (this.shuttingDown) part.stopping = true;
    part.startedAt = Date.now();
    let exited = false;
    child.once('exit', (code, signal) => {
      exited = true;
      this.onExit(part, child, code, signal);
    });
    try {
      await waitUntil(
        async () => {
          if (exited) throw new Error(`${name} exited during start`);
          if (this.shuttingDown) await this.stop(part);
          return part.spec.isHealthy();
        },
        { timeoutMs: part.spec.startTimeoutMs, what: `${name} to become healthy` },
      );
    } catch (error) {
      const message = `${(error as Error).message}\nlast output of ${name}:\n${part.lastLines.slice(-15).join('\n') || '(none)'}`;
      if (state === 'restarting') {
        // Killing it lets the exit handler schedule the next attempt with a longer backoff.
        if (!exited && child.pid !== undefined) signalTree(child.pid, 'SIGKILL');
        this.onEvent({ kind: 'state', part: name, state: 'crashed', detail: message.split('\n')[0] });
        return;
      }
      if (!exited) await this.stop(part);
      throw new Error(this.shuttingDown ? `${name}: the stack was stopped while it was starting` : message);
    }
    this.setState(part, 'healthy');
  }

  private onExit(part: SupervisedPart, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (part.child !== child) return;
    const how = signal ? `signal ${signal}` : `code ${code}`;
    if (part.stopping || this.shuttingDown) {
      this.setState(part, 'stopped', `exited (${how})`);
      return;
    }
    if (part.state === 'starting') {
      // A first start that fails is reported to the caller of startPart, not retried.
      this.setState(part, 'crashed', `exited during start (${how})`);
      return;
    }
    // What the crashed process started (e.g. Core Tools' host behind its wrapper) would hold the port.
    if (child.pid !== undefined && treeAlive(child.pid)) signalTree(child.pid, 'SIGKILL');
    if (Date.now() - part.startedAt > this.policy.stableAfterMs) part.consecutiveCrashes = 0;
    this.scheduleRestart(part, `exited (${how})`);
  }

  private scheduleRestart(part: SupervisedPart, reason: string): void {
    const delay = restartDelayMs(part.consecutiveCrashes, this.policy);
    part.consecutiveCrashes += 1;
    this.setState(part, 'crashed', `${reason}; restarting in ${(delay / 1000).toFixed(1)} s`);
    part.restartTimer = setTimeout(() => {
      if (part.stopping || this.shuttingDown) return;
      part.restarts += 1;
      this.launchAndWait(part, 'restarting').catch((error: Error) => {
        // The process could not even be launched: try again later, with a longer backoff.
        if (!part.stopping && !this.shuttingDown)
          this.scheduleRestart(part, `could not launch: ${error.message.split('\n')[0]}`);
      });
    }, delay);
  }

  private async stop(part: SupervisedPart): Promise<void> {
    clearTimeout(part.restartTimer);
    part.stopping = true;
    const child = part.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      if (part.state !== 'stopped') this.setState(part, 'stopped');
      return;
    }
    // Several callers may stop the same part (start-up failure and Ctrl-C): one SIGTERM, one wait.
    part.stopped ??= (async () => {
      this.setState(part, 'stopping');
      await stopTree(child, part.spec.stopGraceMs);
    })().finally(() => {
      part.stopped = undefined;
    });
    await part.stopped;
  }
}
