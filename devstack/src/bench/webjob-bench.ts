// WebJob benchmark. Run: `npx tsc -b devstack/src/bench && node devstack/dist/bench/webjob-bench.js [--runs N]
// [--live-txs N] [--rate R] [--backlog N] [--quick]`.
// Real parts, each its own process where it matters: Azurite, the local ledger node (compiled CLI, 100 ms
// blocks) and the compiled WebJob (webjob/run.js); this process posts pre-signed transactions and plays
// the receiver, which verifies signatures and acknowledges at once. Measures, per run and as medians:
//   live: ledger tx/s end to end (first post -> last acknowledgement) at an offered rate (target >= 2,000);
//         p50/p99 latency from block commit (the stream frame, seen by this process) to acknowledgement;
//   catch-up: a fresh consumer reads a >= 50,000-tx backlog from the ledger (target >= 5,000 tx/s);
//   the WebJob's peak RSS (kernel VmHWM; target <= 150 MB).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import * as bigchaindb from '@lease-premium/bigchaindb';
import { LEASE_SCHEMA_TAG, VEHICLE_SCHEMA_TAG, WebhookVerifier, type WebhookEventResult } from '@lease-premium/events';
import { startAzurite } from '../azurite/azurite-process';
import { buildVin } from '../demo/vin';
import { SAMPLE_ISSUER, SAMPLE_LESSEE } from './sample-keys';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const LEDGER_CLI = path.join(ROOT, 'devstack', 'dist', 'ledger', 'cli.js');
const WEBJOB = path.join(ROOT, 'webjob', 'run.js');
const ISSUER = SAMPLE_ISSUER;
const LESSEE = SAMPLE_LESSEE;
const SECRET = 'whsec_YmVuY2htYXJrLW9ubHktc2VjcmV0LTMyLWJ5dGVzISE=';

type Tx = bigchaindb.Transaction;

interface Options {
  runs: number;
  liveTxs: number;
  rate: number;
  backlog: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      'live-txs': { type: 'string' },
      rate: { type: 'string' },
      backlog: { type: 'string' },
      quick: { type: 'boolean' },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const num = (raw: string | undefined, fallback: number, name: string): number => {
    if (raw === undefined) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) <= 0)
      throw new Error(`--${name} must be a positive whole number, got "${raw}"`);
    return Number(raw);
  };
  return {
    runs: num(values.runs, quick ? 1 : 3, 'runs'),
    liveTxs: num(values['live-txs'], quick ? 2_000 : 10_000, 'live-txs') & ~1,
    rate: num(values.rate, 2_500, 'rate'),
    backlog: num(values.backlog, quick ? 6_000 : 50_000, 'backlog'),
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const percentile = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};

function output(publicKey: string): bigchaindb.Output {
  const details = bigchaindb.conditionDetailsFor([publicKey]);
  return {
    public_keys: [publicKey],
    condition: { details, uri: bigchaindb.conditionFromDetails(details).serializeUri() },
    amount: '1',
  };
}

let serial = 100_000 + Math.floor(Math.random() * 700_000);

/** `pairs` cars: a vehicle@1 CREATE by the trusted issuer and its lease@1 TRANSFER, signed up front. */
function presign(pairs: number): { creates: Tx[]; transfers: Tx[] } {
  const creates: Tx[] = [];
  const transfers: Tx[] = [];
  const toIssuer = output(ISSUER.public_key);
  const toLessee = output(LESSEE.public_key);
  for (let i = 0; i < pairs; i++) {
    const asset = {
      schema: VEHICLE_SCHEMA_TAG,
      vin: buildVin('YV1ZW25T', 2024, 'B', serial++ % 1_000_000),
      make: 'Volvo',
      model: 'V60',
      modelYear: 2024,
      bodyType: 'estate',
      valueMinor: 4_500_000,
      currency: 'EUR',
      ratingClass: 'standard',
    };
    const create = bigchaindb.signTransaction(
      {
        inputs: [{ owners_before: [ISSUER.public_key], fulfills: null, fulfillment: null }],
        outputs: [toIssuer],
        operation: 'CREATE',
        metadata: null,
        asset: { data: asset },
        version: '2.0',
      },
      [ISSUER.private_key],
    );
    const lease = {
      schema: LEASE_SCHEMA_TAG,
      action: 'lease-start',
      leaseId: `BENCH-${i}`,
      startDate: '2026-01-01',
      endDate: '2029-01-01',
      annualMileageKm: 15_000,
      usage: 'commute',
    };
    const transfer = bigchaindb.signTransaction(
      {
        inputs: [
          {
            owners_before: [ISSUER.public_key],
            fulfills: { transaction_id: create.id!, output_index: 0 },
            fulfillment: null,
          },
        ],
        outputs: [toLessee],
        operation: 'TRANSFER',
        metadata: lease,
        asset: { id: create.id! },
        version: '2.0',
      },
      [ISSUER.private_key],
      () => toIssuer,
    );
    creates.push(create);
    transfers.push(transfer);
  }
  return { creates, transfers };
}

function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  name = path.basename(args[args.length - 1] ?? ''),
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s`)), 30_000);
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${buffer.slice(-500)}`)));
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      const line = buffer.split('\n').find((l) => ready.test(l));
      if (line) {
        clearTimeout(timer);
        child.stdout?.removeListener('data', onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve({ child, line });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (buffer += chunk.toString('utf8')));
  });
}

/** CPU time (user + system) a process has used so far, ms: load-independent cost per transaction. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** Peak resident set of a process (kernel high-water mark), MB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

class Receiver {
  readonly ackedAt = new Map<string, number>();
  authFailures = 0;
  private server!: http.Server;
  url = '';
  /** Each waiter counts the ids it still waits for, so an acknowledgement costs O(waiters), not O(ids). */
  private waiters: Array<{ missing: Set<string>; resolve: () => void }> = [];
  private readonly verifier = new WebhookVerifier([SECRET]);

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (!this.verifier.verify(body, req.headers).ok) {
          this.authFailures += 1;
          res.writeHead(401).end();
          return;
        }
        const events = JSON.parse(body.toString('utf8')) as Array<{ id: string }>;
        const now = performance.now();
        for (const e of events) {
          if (this.ackedAt.has(e.id)) continue;
          this.ackedAt.set(e.id, now);
          for (const w of this.waiters) w.missing.delete(e.id);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            results: events.map((e): WebhookEventResult => ({ id: e.id, outcome: 'applied', kind: 'premium' })),
          }),
        );
        this.check();
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/ownership-changes`;
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (w.missing.size > 0) return true;
      w.resolve();
      return false;
    });
  }

  whenAcked(ids: string[], timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const missing = new Set(ids.filter((id) => !this.ackedAt.has(id)));
      const timer = setTimeout(
        () => reject(new Error(`only ${ids.length - missing.size}/${ids.length} acknowledged after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({ missing, resolve: () => (clearTimeout(timer), resolve()) });
      this.check();
    });
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

function post(apiUrl: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${apiUrl}transactions?mode=async`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Posts at `rate` tx/s (bounded concurrency); resolves when every post was answered. */
async function postAtRate(apiUrl: string, txs: Tx[], rate: number): Promise<void> {
  const bodies = txs.map((tx) => JSON.stringify(tx));
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (const [i, body] of bodies.entries()) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    while (inFlight.size >= 64) await Promise.race(inFlight);
    const p: Promise<void> = post(apiUrl, body).then((status) => {
      inFlight.delete(p);
      if (status !== 202) throw new Error(`ledger answered ${status} for a pre-signed transaction`);
    });
    inFlight.add(p);
  }
  await Promise.all(inFlight);
}

async function startWebJob(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  // WEBJOB_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the WebJob.
  const flags = (process.env.WEBJOB_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const { child, line } = await startProcess([...flags, WEBJOB], env, /health and metrics listening/);
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function waitForLeader(port: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const body = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { role: string; stream: string };
      if (body.role === 'leader' && body.stream === 'connected') return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the WebJob did not become leader with a connected stream');
}

async function main(): Promise<void> {
  const opts = options();
  const pairsLive = opts.liveTxs / 2;
  const extraPairs = Math.max(0, Math.ceil((opts.backlog - opts.runs * opts.liveTxs) / 2));
  console.log(
    `webjob-bench: ${opts.runs} run(s); live ${opts.liveTxs} tx at ${opts.rate} tx/s offered; catch-up backlog ${Math.max(opts.backlog, opts.runs * opts.liveTxs)} tx`,
  );
  const t0 = performance.now();
  const live = Array.from({ length: opts.runs }, () => presign(pairsLive));
  const extra = presign(extraPairs);
  console.log(
    `signed ${(opts.runs * pairsLive + extraPairs) * 2} transactions in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed)`,
  );

  const azurite = await startAzurite({});
  const ledger = await startProcess(
    [LEDGER_CLI, '--http-port', '0', '--ws-port', '0', '--block-interval-ms', '100'],
    { ...process.env, LOG_LEVEL: 'info' },
    /ledger node listening/,
    'ledger node',
  );
  const { api, stream } = JSON.parse(ledger.line) as { api: string; stream: string };
  const receiver = new Receiver();
  await receiver.start();

  // Commit time = when this process sees the transaction's stream frame.
  const committedAt = new Map<string, number>();
  const ws = new WebSocket(stream);
  ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString('utf8')) as { transaction_id: string };
    if (!committedAt.has(frame.transaction_id)) committedAt.set(frame.transaction_id, performance.now());
  });
  await once(ws, 'open');

  const baseEnv = {
    PATH: process.env.PATH ?? '',
    LEDGER_API_URL: api,
    LEDGER_SOURCE: 'bigchaindb://bench',
    WEBHOOK_URL: receiver.url,
    WEBHOOK_SECRETS: SECRET,
    LEASING_COMPANY_PUBLIC_KEYS: ISSUER.public_key,
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    STORAGE_NAME_PREFIX: 'bench',
    // tuning knobs pass through: WEBJOB_BATCH_SIZE=200 node .../webjob-bench.js
    ...Object.fromEntries(
      Object.entries(process.env).filter(([k]) => k.startsWith('WEBJOB_') && k !== 'WEBJOB_NODE_FLAGS'),
    ),
    LOG_LEVEL: 'info', // the readiness line is at info; nothing is logged per transaction
  };
  const results = {
    liveTps: [] as number[],
    ledgerTps: [] as number[],
    p50: [] as number[],
    p99: [] as number[],
    catchupTps: [] as number[],
    rss: [] as number[],
    cpuUs: [] as number[],
    ledgerCpuUs: [] as number[],
    receiverCpuUs: [] as number[],
  };
  const children: ChildProcess[] = [ledger.child, azurite.process];
  try {
    // ---- live: the WebJob follows the tip while transactions are posted at the offered rate
    const liveJob = await startWebJob({
      ...baseEnv,
      WEBJOB_CONSUMER_NAME: 'bench-live',
      WEBJOB_START_POSITION: 'latest',
    });
    children.push(liveJob.child);
    await waitForLeader(liveJob.port);
    const firstLiveHeight = await tipHeight(api);
    for (const [r, set] of live.entries()) {
      const ids = [...set.creates, ...set.transfers].map((tx) => tx.id!);
      const start = performance.now();
      await postAtRate(api, set.creates, opts.rate);
      await postAtRate(api, set.transfers, opts.rate);
      await receiver.whenAcked(ids, 120_000);
      const end = performance.now();
      const commits = ids.map((id) => committedAt.get(id)).filter((t): t is number => t !== undefined);
      const lastCommit = Math.max(...commits);
      const latencies = ids.flatMap((id) => {
        const c = committedAt.get(id);
        const a = receiver.ackedAt.get(id);
        return c !== undefined && a !== undefined ? [a - c] : [];
      });
      const tps = ids.length / ((end - start) / 1000);
      const ledgerTps = ids.length / ((lastCommit - start) / 1000);
      results.liveTps.push(tps);
      results.ledgerTps.push(ledgerTps);
      results.p50.push(percentile(latencies, 50));
      results.p99.push(percentile(latencies, 99));
      console.log(
        `live run ${r + 1}: ${ids.length} tx, delivered ${tps.toFixed(0)} tx/s end to end (ledger committed ${ledgerTps.toFixed(0)} tx/s), commit->ack p50 ${percentile(latencies, 50).toFixed(0)} ms p99 ${percentile(latencies, 99).toFixed(0)} ms`,
      );
    }
    results.rss.push(peakRssMb(liveJob.child.pid!));
    await stopProcess(liveJob.child);

    // ---- catch-up: a backlog the WebJob has never seen, read from a fresh checkpoint
    if (extra.creates.length > 0) {
      await postAtRate(api, extra.creates, 100_000);
      await postAtRate(api, extra.transfers, 100_000);
    }
    const backlogIds = [
      ...live.flatMap((s) => [...s.creates, ...s.transfers]),
      ...extra.creates,
      ...extra.transfers,
    ].map((tx) => tx.id!);
    for (;;) {
      if (backlogIds.every((id) => committedAt.has(id))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let r = 0; r < opts.runs; r++) {
      const before = new Map(receiver.ackedAt);
      receiver.ackedAt.clear();
      const start = performance.now();
      const job = await startWebJob({
        ...baseEnv,
        WEBJOB_CONSUMER_NAME: `bench-catchup-${r}`,
        WEBJOB_START_POSITION: String(firstLiveHeight + 1),
      });
      children.push(job.child);
      const cpuAtStart = cpuMs(job.child.pid!);
      const ledgerCpuAtStart = cpuMs(ledger.child.pid!);
      const ownCpuAtStart = process.cpuUsage();
      let peakHeap = 0;
      const sampler = setInterval(() => {
        fetch(`http://127.0.0.1:${job.port}/metrics`)
          .then((r) => r.text())
          .then((text) => {
            peakHeap = Math.max(peakHeap, Number(/^nodejs_heap_used_bytes (\d+)/m.exec(text)?.[1] ?? 0) / 1048576);
          })
          .catch(() => undefined);
      }, 250);
      await receiver.whenAcked(backlogIds, 300_000);
      clearInterval(sampler);
      const end = performance.now();
      const firstAck = Math.min(...backlogIds.map((id) => receiver.ackedAt.get(id)!));
      const cpuUsPerTx = ((cpuMs(job.child.pid!) - cpuAtStart) * 1000) / backlogIds.length;
      const ledgerUsPerTx = ((cpuMs(ledger.child.pid!) - ledgerCpuAtStart) * 1000) / backlogIds.length;
      const own = process.cpuUsage(ownCpuAtStart);
      const receiverUsPerTx = (own.user + own.system) / backlogIds.length;
      results.cpuUs.push(cpuUsPerTx);
      results.ledgerCpuUs.push(ledgerUsPerTx);
      results.receiverCpuUs.push(receiverUsPerTx);
      const tps = backlogIds.length / ((end - start) / 1000);
      results.catchupTps.push(tps);
      results.rss.push(peakRssMb(job.child.pid!));
      console.log(
        `catch-up run ${r + 1}: ${backlogIds.length} tx in ${((end - start) / 1000).toFixed(1)} s from process start = ${tps.toFixed(0)} tx/s (${(backlogIds.length / ((end - firstAck) / 1000)).toFixed(0)} tx/s from the first acknowledgement), peak RSS ${peakRssMb(job.child.pid!).toFixed(0)} MB (V8 heap in use peaked near ${peakHeap.toFixed(0)} MB), CPU per tx: WebJob ${cpuUsPerTx.toFixed(0)} µs (all threads), ledger ${ledgerUsPerTx.toFixed(0)} µs, receiver ${receiverUsPerTx.toFixed(0)} µs`,
      );
      await stopProcess(job.child);
      for (const [k, v] of before) if (!receiver.ackedAt.has(k)) receiver.ackedAt.set(k, v);
    }
    if (receiver.authFailures > 0) throw new Error(`${receiver.authFailures} deliveries failed signature verification`);
    console.log('\nmedians:');
    console.log(
      `  live end-to-end throughput   ${median(results.liveTps).toFixed(0)} tx/s   (target >= 2000; ledger committed ${median(results.ledgerTps).toFixed(0)} tx/s)`,
    );
    console.log(
      `  commit -> ack latency        p50 ${median(results.p50).toFixed(0)} ms, p99 ${median(results.p99).toFixed(0)} ms`,
    );
    console.log(`  catch-up throughput          ${median(results.catchupTps).toFixed(0)} tx/s   (target >= 5000)`);
    console.log(
      `  WebJob CPU per tx (catch-up) ${median(results.cpuUs).toFixed(0)} µs   (= ${(1e6 / median(results.cpuUs)).toFixed(0)} tx/s per fully available core; WEBJOB_VERIFY_THREADS spreads it over cores)`,
    );
    const allUs = median(results.cpuUs) + median(results.ledgerCpuUs) + median(results.receiverCpuUs);
    console.log(
      `  CPU per tx, all parts        ${allUs.toFixed(0)} µs = WebJob ${median(results.cpuUs).toFixed(0)} + ledger ${median(results.ledgerCpuUs).toFixed(0)} + receiver ${median(results.receiverCpuUs).toFixed(0)}   (ceiling on ${availableParallelism()} idle cores: ${((availableParallelism() * 1e6) / allUs).toFixed(0)} tx/s)`,
    );
    console.log(
      `  machine load average         ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${availableParallelism()} cores (other work shares these cores)`,
    );
    console.log(
      `  WebJob peak RSS              ${median(results.rss).toFixed(0)} MB (max ${Math.max(...results.rss).toFixed(0)} MB; target <= 150)`,
    );
  } finally {
    ws.terminate();
    await receiver.stop();
    agent.destroy();
    for (const child of children.reverse()) if (child !== azurite.process) await stopProcess(child);
    await azurite.stop();
  }
}

/** Highest height, by probing GET /blocks/{h} (the API has no "latest" call). */
async function tipHeight(api: string): Promise<number> {
  let low = 0;
  let high = 1;
  const exists = async (h: number): Promise<boolean> => (await fetch(`${api}blocks/${h}`)).status === 200;
  while (await exists(high)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await exists(mid)) low = mid;
    else high = mid;
  }
  return low;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
