// Local ledger node throughput and memory. Run: `node devstack/dist/bench/ledger-bench.js [--runs N] [--txs N]
// [--subscribers N] [--cli A.js,B.js]` (after `npx tsc -b devstack/src/bench`). The node runs as its own process (the
// compiled CLI, --block-interval-ms 100); this process plays the concurrent clients and N WebSocket subscribers
// (default 1, like the WebJob; each must receive one frame per committed transaction). Every transaction is
// signed before timing starts. With several --cli paths (e.g. a build of the previous commit) runs alternate
// between them and each gets its own medians: a before/after comparison under the same machine load.
// Prints each run and the medians. Targets: >= 2,000 tx/s accepted and committed (mode=async, CREATE and
// TRANSFER phases), >= 5,000 tx/s served by GET /blocks/{h} catch-up, linear and modest memory per tx.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import * as bigchaindb from '@lease-premium/bigchaindb';
import { SAMPLE_ISSUER, SAMPLE_LESSEE } from './sample-keys';

type Tx = bigchaindb.Transaction;

const DEFAULT_CLI = resolve(__dirname, '..', 'ledger', 'cli.js');
const ISSUER = SAMPLE_ISSUER;
const LESSEE = SAMPLE_LESSEE;

interface RunResult {
  createTps: number;
  transferTps: number;
  createCpuUs: number;
  transferCpuUs: number;
  createMainUs: number;
  transferMainUs: number;
  createSysUs: number;
  transferSysUs: number;
  /** Node CPU per tx over both phases, by thread name. */
  threadUs: Map<string, number>;
  clientUs: number;
  catchUpTps: number;
  bytesPerTxHalf: number;
  bytesPerTxFull: number;
}

function output(publicKey: string): bigchaindb.Output {
  const details = bigchaindb.conditionDetailsFor([publicKey]);
  return {
    public_keys: [publicKey],
    condition: { details, uri: bigchaindb.conditionFromDetails(details).serializeUri() },
    amount: '1',
  };
}

/** Realistic car-lease sized transactions (about 1 KB): a vehicle CREATE and its lease TRANSFER. */
function presign(count: number): { creates: Tx[]; transfers: Tx[] } {
  const toIssuer = output(ISSUER.public_key);
  const toLessee = output(LESSEE.public_key);
  const creates: Tx[] = [];
  const transfers: Tx[] = [];
  for (let i = 0; i < count; i++) {
    const create = bigchaindb.signTransaction(
      {
        inputs: [{ owners_before: [ISSUER.public_key], fulfills: null, fulfillment: null }],
        outputs: [toIssuer],
        operation: 'CREATE',
        metadata: { note: 'bench', n: i },
        asset: {
          data: {
            schema: 'lease-premium/vehicle@1',
            vin: `BENCH${String(i).padStart(12, '0')}`,
            make: 'Volvo',
            model: 'V60',
            modelYear: 2024,
            bodyType: 'estate',
            valueMinor: 4_500_000,
            currency: 'EUR',
            ratingClass: 'standard',
          },
        },
        version: '2.0',
      },
      [ISSUER.private_key],
    );
    creates.push(create);
    transfers.push(
      bigchaindb.signTransaction(
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
          metadata: {
            schema: 'lease-premium/lease@1',
            action: 'lease-start',
            leaseId: `L-${i}`,
            startDate: '2026-01-01',
            endDate: '2029-01-01',
            annualMileageKm: 15000,
            usage: 'commute',
          },
          asset: { id: create.id! },
          version: '2.0',
        },
        [ISSUER.private_key],
        () => toIssuer,
      ),
    );
  }
  return { creates, transfers };
}

async function startNode(
  cli: string,
  nodeFlags: string[],
): Promise<{ child: ChildProcess; api: string; admin: string; stream: string }> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', ...nodeFlags, cli, '--http-port', '0', '--ws-port', '0', '--block-interval-ms', '100', '--admin'],
    {
      env: { ...process.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolveStart, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('ledger did not start within 15 s')), 15_000);
    child.once('exit', (code) => reject(new Error(`ledger exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (!line.includes('"ledger node listening"')) continue;
        const parsed = JSON.parse(line) as { api: string; admin: string; stream: string };
        clearTimeout(timer);
        resolveStart({ child, api: parsed.api, admin: parsed.admin, stream: parsed.stream });
      }
    });
  });
}

function http(agent: Agent, method: string, url: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolveReq, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolveReq({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface NodeStatus {
  height: number;
  transactions: number;
  pending: number;
  memory: { heapUsed: number };
  cpu: { user: number; system: number };
  /** CPU time of the node's main (HTTP) thread (Linux /proc), ms. */
  mainThreadCpuMs: number | null;
}
const cpuUs = (s: NodeStatus): number => s.cpu.user + s.cpu.system;

/** CPU time (µs) of each thread of a process by thread id (Linux /proc; empty elsewhere). */
function threadCpu(pid: number | undefined): Map<string, number> {
  const byTid = new Map<string, number>();
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      byTid.set(tid, (Number(fields[11]) + Number(fields[12])) * 10_000); // utime + stime in ticks of 10 ms
    }
  } catch {
    // not Linux, or the process is gone
  }
  return byTid;
}

/**
 * Per-thread CPU between two snapshots, as "main" (the HTTP thread), "busiest other" (the signature worker when
 * there is one) and "rest" (V8's helper threads: concurrent GC and compilation; libuv's pool).
 */
function threadShares(
  pid: number | undefined,
  before: Map<string, number>,
  after: Map<string, number>,
): Map<string, number> {
  const deltas = [...after].map(([tid, us]) => ({ tid, us: us - (before.get(tid) ?? 0) }));
  const main = deltas.find((d) => d.tid === String(pid))?.us ?? 0;
  const others = deltas.filter((d) => d.tid !== String(pid)).sort((a, b) => b.us - a.us);
  const busiest = others[0]?.us ?? 0;
  const rest = others.slice(1).reduce((sum, d) => sum + d.us, 0);
  return new Map([
    ['main', main],
    ['busiest other', busiest],
    ['rest', rest],
  ]);
}

/** A WebSocket subscriber that only counts the frames it receives (the WebJob's role in the stream). */
async function subscribe(url: string): Promise<{ frames: () => number; close: () => void }> {
  const ws = new WebSocket(url);
  let frames = 0;
  ws.on('message', () => frames++);
  await new Promise<void>((resolveOpen, reject) => {
    ws.once('open', () => resolveOpen());
    ws.once('error', reject);
  });
  return { frames: () => frames, close: () => ws.terminate() };
}

async function status(agent: Agent, admin: string, gc = false): Promise<NodeStatus> {
  return JSON.parse((await http(agent, 'GET', `${admin}/status${gc ? '?gc=1' : ''}`)).body) as never;
}

/**
 * A minimal keep-alive HTTP/1.1 client on a raw socket: requests are pre-built byte strings, responses are read
 * just far enough to check the status and skip the body. It keeps the benchmark's own CPU use small, since on a
 * 2-core machine the clients compete with the node for the same cores.
 */
class RawClient {
  private buffer: Buffer = Buffer.alloc(0);
  private waiting: ((status: number) => void) | undefined;
  private failure: ((error: Error) => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.failure?.(error));
  }

  static connect(url: URL): Promise<RawClient> {
    return new Promise((resolveConnect, reject) => {
      const socket = connect(Number(url.port), url.hostname, () => resolveConnect(new RawClient(socket)));
      socket.setNoDelay(true);
      socket.once('error', reject);
    });
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const headerEnd = this.buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const head = this.buffer.subarray(0, headerEnd).toString('latin1');
    const length = Number(/content-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < headerEnd + 4 + length) return;
    this.buffer = this.buffer.subarray(headerEnd + 4 + length);
    const resolveStatus = this.waiting;
    this.waiting = undefined;
    resolveStatus?.(Number(head.slice(9, 12)));
  }

  send(request: Buffer): Promise<number> {
    return new Promise((resolveSend, reject) => {
      this.waiting = resolveSend;
      this.failure = reject;
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

function postRequest(api: string, body: string): Buffer {
  const url = new URL(`${api}transactions?mode=async`);
  const bytes = Buffer.from(body, 'utf8');
  const head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

/**
 * Posts every body with `concurrency` clients (mode=async) and waits until the node holds `expectedTotal`
 * transactions. Returns wall-clock tx/s and the node's CPU time per transaction (independent of other load).
 */
async function postAll(
  agent: Agent,
  api: string,
  admin: string,
  bodies: string[],
  concurrency: number,
  expectedTotal: number,
): Promise<{ tps: number; cpuUsPerTx: number; mainUsPerTx: number; sysUsPerTx: number; clientUsPerTx: number }> {
  let next = 0;
  const requests = bodies.map((body) => postRequest(api, body));
  const clients = await Promise.all(Array.from({ length: concurrency }, () => RawClient.connect(new URL(api))));
  const before = await status(agent, admin);
  const cpuBefore = cpuUs(before);
  const clientCpuBefore = process.cpuUsage();
  const started = performance.now();
  const client = async (raw: RawClient): Promise<void> => {
    while (next < requests.length) {
      const index = next++;
      const code = await raw.send(requests[index] as Buffer);
      if (code !== 202)
        throw new Error(`POST of transaction ${index} answered ${code}: ${bodies[index]?.slice(0, 80)}`);
    }
  };
  await Promise.all(clients.map(client));
  const clientCpu = process.cpuUsage(clientCpuBefore);
  for (const raw of clients) raw.close();
  for (let i = 0; i < 6000; i++) {
    if ((await status(agent, admin)).transactions >= expectedTotal) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const elapsed = (performance.now() - started) / 1000;
  const st = await status(agent, admin);
  if (st.transactions < expectedTotal)
    throw new Error(`only ${st.transactions} of ${expectedTotal} transactions committed`);
  return {
    tps: bodies.length / elapsed,
    cpuUsPerTx: (cpuUs(st) - cpuBefore) / bodies.length,
    mainUsPerTx: (((st.mainThreadCpuMs ?? 0) - (before.mainThreadCpuMs ?? 0)) * 1000) / bodies.length,
    sysUsPerTx: (st.cpu.system - before.cpu.system) / bodies.length,
    clientUsPerTx: (clientCpu.user + clientCpu.system) / bodies.length,
  };
}

async function catchUp(agent: Agent, api: string, height: number, concurrency: number): Promise<number> {
  let next = 1;
  let txs = 0;
  const started = performance.now();
  const reader = async (): Promise<void> => {
    while (next <= height) {
      const h = next++;
      const res = await http(agent, 'GET', `${api}blocks/${h}`);
      if (res.status !== 200) throw new Error(`GET /blocks/${h} answered ${res.status}`);
      txs += (JSON.parse(res.body) as { transactions: unknown[] }).transactions.length;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, reader));
  return txs / ((performance.now() - started) / 1000);
}

/** Request bodies: warm-up CREATEs and TRANSFERs (posted first, not measured), then the measured ones. */
interface Workload {
  warmCreates: string[];
  warmTransfers: string[];
  creates: string[];
  transfers: string[];
}

async function run(
  cli: string,
  work: Workload,
  concurrency: number,
  subscriberCount: number,
  nodeFlags: string[],
): Promise<RunResult> {
  const { creates, transfers } = work;
  const node = await startNode(cli, nodeFlags);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency + 2 });
  const subscribers = await Promise.all(Array.from({ length: subscriberCount }, () => subscribe(node.stream)));
  try {
    // A fresh process spends much of its first seconds in the JIT compiler (on V8's helper threads); warming up
    // first makes the CPU per tx that of a node that has been running for a while.
    const warm = work.warmCreates.length + work.warmTransfers.length;
    if (warm > 0) {
      await postAll(agent, node.api, node.admin, work.warmCreates, concurrency, work.warmCreates.length);
      await postAll(agent, node.api, node.admin, work.warmTransfers, concurrency, warm);
    }
    const base = (await status(agent, node.admin, true)).memory.heapUsed;
    const half = creates.length / 2;
    const threadsBefore = threadCpu(node.child.pid);
    const create = await postAll(agent, node.api, node.admin, creates, concurrency, warm + creates.length);
    const afterCreates = (await status(agent, node.admin, true)).memory.heapUsed;
    const transfer = await postAll(
      agent,
      node.api,
      node.admin,
      transfers,
      concurrency,
      warm + creates.length + transfers.length,
    );
    const afterAll = await status(agent, node.admin, true);
    const shares = threadShares(node.child.pid, threadsBefore, threadCpu(node.child.pid));
    const threadUs = new Map([...shares].map(([name, us]) => [name, us / (creates.length + transfers.length)]));
    const total = warm + creates.length + transfers.length;
    for (let i = 0; i < 2000 && subscribers.some((s) => s.frames() < total); i++)
      await new Promise((r) => setTimeout(r, 5));
    const short = subscribers.find((s) => s.frames() !== total);
    if (short) throw new Error(`a subscriber received ${short.frames()} frames for ${total} committed transactions`);
    const catchUpTps = await catchUp(agent, node.api, afterAll.height, 8);
    return {
      createTps: create.tps,
      transferTps: transfer.tps,
      createCpuUs: create.cpuUsPerTx,
      transferCpuUs: transfer.cpuUsPerTx,
      createMainUs: create.mainUsPerTx,
      transferMainUs: transfer.mainUsPerTx,
      createSysUs: create.sysUsPerTx,
      transferSysUs: transfer.sysUsPerTx,
      threadUs,
      clientUs: (create.clientUsPerTx + transfer.clientUsPerTx) / 2,
      catchUpTps,
      bytesPerTxHalf: (afterCreates - base) / (2 * half),
      bytesPerTxFull: (afterAll.memory.heapUsed - base) / (creates.length + transfers.length),
    };
  } finally {
    for (const s of subscribers) s.close();
    agent.destroy();
    node.child.kill('SIGTERM');
    await new Promise((r) => node.child.once('exit', r));
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

function printMedians(results: RunResult[], count: number): void {
  const m = (f: (r: RunResult) => number): number => median(results.map(f));
  console.log(`  accepted+committed, mode=async, CREATE:   ${m((r) => r.createTps).toFixed(0)} tx/s (target >= 2000)`);
  console.log(
    `  accepted+committed, mode=async, TRANSFER: ${m((r) => r.transferTps).toFixed(0)} tx/s (target >= 2000)`,
  );
  console.log(
    `  node CPU per tx, all threads (C / T):     ${m((r) => r.createCpuUs).toFixed(0)} / ${m((r) => r.transferCpuUs).toFixed(0)} µs`,
  );
  console.log(
    `    of which kernel (system) time (C / T):  ${m((r) => r.createSysUs).toFixed(0)} / ${m((r) => r.transferSysUs).toFixed(0)} µs`,
  );
  const names = [...new Set(results.flatMap((r) => [...r.threadUs.keys()]))];
  const byThread = names.map((name) => `${name} ${m((r) => r.threadUs.get(name) ?? 0).toFixed(0)}`).join(', ');
  console.log(`    by thread, both phases (µs/tx):        ${byThread}`);
  console.log(
    `  HTTP thread CPU per tx (C / T):          ${m((r) => r.createMainUs).toFixed(0)} / ${m((r) => r.transferMainUs).toFixed(0)} µs (1e6 / this = that thread's ceiling in tx/s)`,
  );
  console.log(`  benchmark clients' CPU per tx:             ${m((r) => r.clientUs).toFixed(0)} µs`);
  console.log(`  GET /blocks/{h} catch-up:                 ${m((r) => r.catchUpTps).toFixed(0)} tx/s (target >= 5000)`);
  console.log(
    `  heap growth per tx:                       ${m((r) => r.bytesPerTxHalf).toFixed(0)} B at ${count} txs, ${m((r) => r.bytesPerTxFull).toFixed(0)} B at ${2 * count} txs (linear if close)`,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      txs: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '32' },
      // CREATE+TRANSFER pairs posted to each fresh node before measuring (JIT warm-up).
      warmup: { type: 'string', default: '2000' },
      subscribers: { type: 'string', default: '1' },
      // Comma-separated node CLIs to compare (runs alternate between them); default: this build's.
      cli: { type: 'string', default: DEFAULT_CLI },
      // Extra flags for the node process, e.g. --node-flags="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it.
      'node-flags': { type: 'string', default: '' },
    },
  });
  const nodeFlags = values['node-flags'].split(' ').filter(Boolean);
  const clis = values.cli.split(',').map((c) => resolve(c));
  for (const cli of clis) if (!existsSync(cli)) throw new Error(`--cli: ${cli} does not exist`);
  const runs = Number(values.runs);
  const count = Number(values.txs);
  const warmup = Number(values.warmup);
  const concurrency = Number(values.concurrency);
  const subscribers = Number(values.subscribers);
  const [load1] = loadavg();
  console.log(
    `ledger bench: load average ${load1?.toFixed(1)} at start (other processes skew wall-clock figures; node CPU per tx does not)`,
  );
  console.log(
    `ledger bench: ${runs} runs x (${count} CREATE + ${count} TRANSFER after ${warmup} + ${warmup} warm-up), ${concurrency} concurrent clients, ${subscribers} WebSocket subscriber(s), ` +
      `${cpus().length} CPUs, node ${process.version}`,
  );
  const signStart = performance.now();
  const { creates, transfers } = presign(warmup + count);
  const createBodies = creates.map((t) => JSON.stringify(t));
  const transferBodies = transfers.map((t) => JSON.stringify(t));
  const work: Workload = {
    warmCreates: createBodies.slice(0, warmup),
    warmTransfers: transferBodies.slice(0, warmup),
    creates: createBodies.slice(warmup),
    transfers: transferBodies.slice(warmup),
  };
  console.log(
    `pre-signed ${2 * (warmup + count)} transactions in ${((performance.now() - signStart) / 1000).toFixed(1)} s (avg ${Math.round(createBodies.concat(transferBodies).reduce((s, b) => s + b.length, 0) / (2 * count))} bytes)`,
  );
  const results = new Map<string, RunResult[]>(clis.map((cli) => [cli, []]));
  for (let i = 0; i < runs; i++) {
    for (const cli of clis) {
      const r = await run(cli, work, concurrency, subscribers, nodeFlags);
      results.get(cli)?.push(r);
      const label = clis.length > 1 ? ` [${cli}]` : '';
      console.log(
        `run ${i + 1}${label}: CREATE ${r.createTps.toFixed(0)} tx/s (node CPU ${r.createCpuUs.toFixed(0)} µs/tx, sys ${r.createSysUs.toFixed(0)}, HTTP thread CPU ${r.createMainUs.toFixed(0)} µs/tx), ` +
          `TRANSFER ${r.transferTps.toFixed(0)} tx/s (${r.transferCpuUs.toFixed(0)} / sys ${r.transferSysUs.toFixed(0)} / ${r.transferMainUs.toFixed(0)} µs/tx), client CPU ${r.clientUs.toFixed(0)} µs/tx, ` +
          `catch-up ${r.catchUpTps.toFixed(0)} tx/s, heap ${r.bytesPerTxHalf.toFixed(0)} B/tx at ${count} txs, ${r.bytesPerTxFull.toFixed(0)} B/tx at ${2 * count} txs`,
      );
    }
  }
  for (const [cli, list] of results) {
    console.log(`medians${clis.length > 1 ? ` [${cli}]` : ''}:`);
    printMedians(list, count);
  }
  console.log(`load average ${loadavg()[0]?.toFixed(1)} at the end`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
