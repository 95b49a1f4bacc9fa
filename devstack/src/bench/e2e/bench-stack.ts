// The whole local system for one benchmark run: the same composition as `npm start` and the
// end-to-end tests (devstack/src/stack), in memory, on free ports, with a fresh storage prefix,
// plus what the benchmark observes: block commit times from the ledger's log, the WebJob's
// counters, the parts' process ids, and the table requests the Function App and the WebJob sent
// (counted inside each by storage-request-preload.ts).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { startStack, type RunningStack } from '../../stack/stack';
import { waitUntil } from '../../stack/wait';
import { LedgerLoad } from './ledger-load';
import { CommitClock } from './premium-timeline';
import { readStorageRequests, STORAGE_REQUESTS_DIR_VARIABLE } from './storage-request-files';

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
  /** Webhook POSTs sent, retries included (each one Function App execution). */
  deliveryRequests: number;
}

/** The parts whose requests to the table endpoint are counted. */
export type CountedPart = 'function-app' | 'webjob';

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
  /** Requests each counted part has sent to the table endpoint since the stack started (every process it ran). */
  storageRequests(): Record<CountedPart, number>;
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
  const requestsDir = (part: CountedPart): string =>
    path.join(options.stateDir, `storage-requests-${namePrefix}`, part);
  // Every counted part counts its table requests; with --profile it is CPU-profiled too.
  const preloadEnv = (part: CountedPart): Record<string, string> => {
    const preloads = [path.join(__dirname, 'storage-request-preload.js')];
    if (options.profileDir) preloads.push(path.join(__dirname, 'cpu-profile-preload.js'));
    return {
      NODE_OPTIONS: preloads.map((file) => `--require ${file}`).join(' '),
      [STORAGE_REQUESTS_DIR_VARIABLE]: requestsDir(part),
      ...(options.profileDir ? { BENCH_CPU_PROFILE_DIR: path.join(options.profileDir, part) } : {}),
    };
  };
  const stack = await startStack({
    repoRoot: options.repoRoot,
    stateDir: options.stateDir,
    storageMode: 'memory',
    functionsHost: 'local-host',
    ports: 'free',
    namePrefix,
    rateTable: options.rateTable,
    ledger: { admin: true, blockIntervalMs: options.blockIntervalMs },
    webjobEnv: { ...options.webjobEnv, ...preloadEnv('webjob') },
    functionAppEnv: preloadEnv('function-app'),
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
      deliveryRequests: sumMetric(text, 'webjob_delivery_requests_total'),
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
      let counters: WebJobCounters = { delivered: 0, deadLettered: 0, skipped: 0, deliveryRequests: 0 };
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
    storageRequests: () => ({
      'function-app': readStorageRequests(requestsDir('function-app')),
      webjob: readStorageRequests(requestsDir('webjob')),
    }),
    tail: () => [...recent].map(([part, lines]) => `--- ${part}\n${lines.join('\n')}`).join('\n'),
    async stop() {
      load.close();
      await stack.stop();
    },
  };
}
