// Local Functions host overhead and throughput. Run: `node devstack/dist/bench/functions-host-bench.js`
// (after `npx tsc -b devstack/src/bench`). Prints medians; targets: < 1 ms median overhead over a bare Node
// HTTP server calling the same handler directly, and >= 3,000 requests/s of a trivial function.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { startFunctionsHost } from '../functions-host/index';

export interface FunctionsHostBenchOptions {
  rounds: number;
  sequentialRequests: number;
  warmupRequests: number;
  concurrency: number;
  throughputSeconds: number;
}

export interface FunctionsHostBenchResult {
  directCallMedianUs: number;
  bareMedianMs: number;
  bareP99Ms: number;
  hostMedianMs: number;
  hostP99Ms: number;
  overheadMedianMs: number;
  bareRequestsPerSecond: number;
  hostRequestsPerSecond: number;
  /** Server CPU time per request during the throughput run: what the load on other processes cannot inflate much. */
  bareCpuMsPerRequest: number;
  hostCpuMsPerRequest: number;
}

export const defaultBenchOptions: FunctionsHostBenchOptions = {
  rounds: 3,
  sequentialRequests: 3000,
  warmupRequests: 500,
  concurrency: 32,
  throughputSeconds: 5,
};

/** The trivial function, the same source for the host app and the bare server. */
const handlerSource = `(request) => ({ body: 'pong' })`;

const appFile = `const { app } = require('@azure/functions');
app.get('ping', { route: 'ping', handler: ${handlerSource} });`;

/** A bare Node server in its own process calling the handler directly: the baseline the host is compared to. */
const bareServerSource = `const http = require('node:http');
const handler = ${handlerSource};
const server = http.createServer((req, res) => {
  const result = handler(req);
  res.setHeader('content-type', 'text/plain;charset=UTF-8');
  res.end(result.body);
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));`;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

function get(agent: Agent, url: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    request(url, { agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => (res.statusCode === 200 ? resolvePromise() : reject(new Error(`HTTP ${res.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
}

/** Sequential keep-alive requests (node:http client): per-request latency in ms, sorted. */
async function latencies(url: string, count: number, warmup: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < warmup; i++) await get(agent, url);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await get(agent, url);
    samples.push(performance.now() - started);
  }
  agent.destroy();
  return samples.sort((a, b) => a - b);
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the parenthesised command: utime and stime are the 12th and 13th, in clock ticks (100/s).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Requests per second over a fixed duration with autocannon (a low-overhead client matters on a
 * 2-core box, where client and server share the CPUs). Any non-2xx or error fails the run.
 */
async function throughput(
  url: string,
  seconds: number,
  connections: number,
  serverPid: number,
): Promise<{ perSecond: number; cpuMsPerRequest: number | undefined }> {
  const cpuBefore = processCpuMs(serverPid);
  const result = await autocannon({ url, connections, duration: seconds });
  const cpuAfter = processCpuMs(serverPid);
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `throughput run against ${url} had ${result.non2xx} non-2xx responses, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  const cpuMsPerRequest =
    cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / result.requests.total;
  return { perSecond: result.requests.total / result.duration, cpuMsPerRequest };
}

/** The handler called in-process, for scale: µs per call (results are consumed so the loop is not optimised away). */
function directCallMicros(): number {
  const handler = (request: { n: number }): { body: string } => ({ body: request.n % 2 === 0 ? 'pong' : 'ping' });
  const samples: number[] = [];
  let sink = 0;
  for (let round = 0; round < 20; round++) {
    const started = performance.now();
    for (let i = 0; i < 100_000; i++) sink += handler({ n: i }).body.length;
    samples.push(((performance.now() - started) * 1000) / 100_000);
  }
  if (sink === 0) throw new Error('unreachable: the handler produced nothing');
  return median(samples);
}

async function startBareServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', bareServerSource], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolvePort, reject) => {
    child.once('message', (message: unknown) => {
      const value = (message as { port?: unknown }).port;
      if (typeof value === 'number') resolvePort(value);
      else reject(new Error('bare server did not report its port'));
    });
    child.once('exit', () => reject(new Error('bare server exited')));
  });
  return { url: `http://127.0.0.1:${port}/api/ping`, child };
}

export async function runFunctionsHostBench(
  options: FunctionsHostBenchOptions = defaultBenchOptions,
  print: (line: string) => void = console.log,
): Promise<FunctionsHostBenchResult> {
  const appRoot = mkdtempSync(join(tmpdir(), 'functions-host-bench-'));
  writeFileSync(join(appRoot, 'package.json'), JSON.stringify({ main: 'ping.js' }));
  writeFileSync(join(appRoot, 'ping.js'), appFile);
  const repoNodeModules = resolve(__dirname, '../../../node_modules');
  const host = await startFunctionsHost({
    appRoot,
    port: 0,
    keysFile: join(appRoot, 'keys.json'),
    // NODE_PATH: the temp app finds this repo's @azure/functions. Per-invocation log lines off, as in a load test.
    env: { NODE_PATH: repoNodeModules },
    logLevel: 'warning',
  });
  const bare = await startBareServer();
  const hostUrl = `${host.url}/api/ping`;
  const results: FunctionsHostBenchResult[] = [];
  try {
    print(
      `functions-host bench: node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, ${options.rounds} rounds`,
    );
    for (let round = 1; round <= options.rounds; round++) {
      const bareLatency = await latencies(bare.url, options.sequentialRequests, options.warmupRequests);
      const hostLatency = await latencies(hostUrl, options.sequentialRequests, options.warmupRequests);
      const bareRun = await throughput(bare.url, options.throughputSeconds, options.concurrency, bare.child.pid ?? -1);
      const hostRun = await throughput(hostUrl, options.throughputSeconds, options.concurrency, host.pid);
      const bareRps = bareRun.perSecond;
      const hostRps = hostRun.perSecond;
      const result: FunctionsHostBenchResult = {
        directCallMedianUs: directCallMicros(),
        bareMedianMs: percentile(bareLatency, 50),
        bareP99Ms: percentile(bareLatency, 99),
        hostMedianMs: percentile(hostLatency, 50),
        hostP99Ms: percentile(hostLatency, 99),
        overheadMedianMs: percentile(hostLatency, 50) - percentile(bareLatency, 50),
        bareRequestsPerSecond: bareRps,
        hostRequestsPerSecond: hostRps,
        bareCpuMsPerRequest: bareRun.cpuMsPerRequest ?? Number.NaN,
        hostCpuMsPerRequest: hostRun.cpuMsPerRequest ?? Number.NaN,
      };
      results.push(result);
      print(
        `round ${round}: bare median ${result.bareMedianMs.toFixed(3)} ms (p99 ${result.bareP99Ms.toFixed(3)}), host median ${result.hostMedianMs.toFixed(3)} ms (p99 ${result.hostP99Ms.toFixed(3)}), ` +
          `overhead ${result.overheadMedianMs.toFixed(3)} ms; ${Math.round(bareRps)} vs ${Math.round(hostRps)} req/s with ${options.concurrency} connections ` +
          `(server CPU ${result.bareCpuMsPerRequest.toFixed(3)} vs ${result.hostCpuMsPerRequest.toFixed(3)} ms/request); load ${loadavg()[0]?.toFixed(2)}`,
      );
    }
  } finally {
    bare.child.disconnect();
    bare.child.kill();
    await host.stop();
    rmSync(appRoot, { recursive: true, force: true });
  }
  const summary: FunctionsHostBenchResult = {
    directCallMedianUs: median(results.map((r) => r.directCallMedianUs)),
    bareMedianMs: median(results.map((r) => r.bareMedianMs)),
    bareP99Ms: median(results.map((r) => r.bareP99Ms)),
    hostMedianMs: median(results.map((r) => r.hostMedianMs)),
    hostP99Ms: median(results.map((r) => r.hostP99Ms)),
    overheadMedianMs: median(results.map((r) => r.overheadMedianMs)),
    bareRequestsPerSecond: median(results.map((r) => r.bareRequestsPerSecond)),
    hostRequestsPerSecond: median(results.map((r) => r.hostRequestsPerSecond)),
    bareCpuMsPerRequest: median(results.map((r) => r.bareCpuMsPerRequest)),
    hostCpuMsPerRequest: median(results.map((r) => r.hostCpuMsPerRequest)),
  };
  print(`handler called directly (in-process): median ${summary.directCallMedianUs.toFixed(4)} µs per call`);
  print(
    `median latency: bare server ${summary.bareMedianMs.toFixed(3)} ms, local Functions host ${summary.hostMedianMs.toFixed(3)} ms`,
  );
  print(
    `host overhead (median of round medians): ${summary.overheadMedianMs.toFixed(3)} ms  [target < 1 ms: ${summary.overheadMedianMs < 1 ? 'met' : 'NOT met'}]`,
  );
  print(
    `throughput (median of rounds): ${Math.round(summary.hostRequestsPerSecond)} req/s through the host, ${Math.round(summary.bareRequestsPerSecond)} req/s bare  [target >= 3000: ${summary.hostRequestsPerSecond >= 3000 ? 'met' : 'NOT met'}]`,
  );
  print(
    `server CPU per request (median): host ${summary.hostCpuMsPerRequest.toFixed(3)} ms, bare ${summary.bareCpuMsPerRequest.toFixed(3)} ms => one core sustains about ${Math.round((1 / summary.hostCpuMsPerRequest) * 1000)} req/s through the host`,
  );
  return summary;
}

if (require.main === module) {
  runFunctionsHostBench().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
