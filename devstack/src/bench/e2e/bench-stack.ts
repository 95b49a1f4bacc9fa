// The whole local system for one benchmark run: the same composition as `npm start` and the
// end-to-end tests (devstack/src/stack), in memory, on free ports, with a fresh storage prefix,
// plus what the benchmark observes: block commit times from the ledger's log, the WebJob's
// counters, the parts' process ids.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startStack, type RunningStack } from '../../stack/stack';
import { waitUntil } from '../../stack/wait';
import { LedgerLoad } from './ledger-load';
import { CommitClock } from './premium-timeline';

export interface BenchStackOptions {
  repoRoot: string;
  stateDir: string;
  blockIntervalMs: number;
  rateTable: string;
  /** Extra WebJob settings (experiments, e.g. WEBJOB_MAX_CONCURRENCY). */
  webjobEnv: Record<string, string>;
  /** CPU-profile the WebJob and the Function App host into <dir>/webjob and <dir>/function-app. */
  profileDir?: string;
}

export interface WebJobCounters {
  delivered: number;
  deadLettered: number;
  skipped: number;
}

export interface BenchStack {
  readonly stack: RunningStack;
  readonly namePrefix: string;
  readonly connectionString: string;
  readonly clock: CommitClock;
  readonly load: LedgerLoad;
  /** The WebJob's counters since its process started. */
  webjobCounters(): Promise<WebJobCounters>;
  /** Delivery retries (timeouts, 5xx) counted by the running WebJob process. */
  webjobRetries(): Promise<number>;
  /** Waits until the WebJob process has acknowledged (or dead-lettered) `total` events. */
  waitDelivered(total: number, timeoutMs: number): Promise<WebJobCounters>;
  pid(part: 'webjob' | 'function-app' | 'ledger' | 'azurite'): number | undefined;
  /** The last lines of every part, for an error message. */
  tail(): string;
  stop(): Promise<void>;
}

function sumMetric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

export async function startBenchStack(options: BenchStackOptions): Promise<BenchStack> {
  const clock = new CommitClock();
  const namePrefix = `bench${randomBytes(5).toString('hex')}`;
  const recent = new Map<string, string[]>();
  const profileEnv = (part: string): Record<string, string> =>
    options.profileDir
      ? {
          NODE_OPTIONS: `--require ${path.join(__dirname, 'cpu-profile-preload.js')}`,
          BENCH_CPU_PROFILE_DIR: path.join(options.profileDir, part),
        }
      : {};
  const stack = await startStack({
    repoRoot: options.repoRoot,
    stateDir: options.stateDir,
    storageMode: 'memory',
    functionsHost: 'local-host',
    ports: 'free',
    namePrefix,
    rateTable: options.rateTable,
    ledger: { admin: true, blockIntervalMs: options.blockIntervalMs },
    webjobEnv: { ...options.webjobEnv, ...profileEnv('webjob') },
    functionAppEnv: profileEnv('function-app'),
    onEvent: (event) => {
      if (event.kind !== 'line') return;
      if (event.part === 'ledger') clock.noteLogLine(event.line);
      const lines = recent.get(event.part) ?? [];
      lines.push(event.line);
      if (lines.length > 15) lines.shift();
      recent.set(event.part, lines);
    },
  });
  const description = stack.description;
  const adminUrl = description.ledger.adminUrl;
  if (!adminUrl) throw new Error('the benchmark needs the ledger admin endpoint');
  const load = new LedgerLoad(description.ledger.apiUrl, adminUrl);

  const metrics = async (): Promise<string> => {
    const response = await fetch(description.webjob.metricsUrl, { signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    if (!response.ok) throw new Error(`WebJob /metrics answered ${response.status}`);
    return text;
  };
  const webjobCounters = async (): Promise<WebJobCounters> => {
    const text = await metrics();
    return {
      delivered: sumMetric(text, 'webjob_events_delivered_total'),
      deadLettered: sumMetric(text, 'webjob_events_dead_lettered_total'),
      skipped: sumMetric(text, 'webjob_events_skipped_total'),
    };
  };

  return {
    stack,
    namePrefix,
    connectionString: description.storage.connectionString,
    clock,
    load,
    webjobCounters,
    webjobRetries: async () => sumMetric(await metrics(), 'webjob_delivery_retries_total'),
    async waitDelivered(total, timeoutMs) {
      let counters: WebJobCounters = { delivered: 0, deadLettered: 0, skipped: 0 };
      await waitUntil(
        async () => {
          counters = await webjobCounters();
          if (counters.deadLettered > 0)
            throw new Error(`the WebJob dead-lettered ${counters.deadLettered} benchmark events`);
          return counters.delivered >= total;
        },
        { timeoutMs, intervalMs: 200, what: `the WebJob to deliver ${total} events` },
      );
      return counters;
    },
    pid: (part) => stack.supervisor.pid(part),
    tail: () => [...recent].map(([part, lines]) => `--- ${part}\n${lines.join('\n')}`).join('\n'),
    async stop() {
      load.close();
      await stack.stop();
    },
  };
}
