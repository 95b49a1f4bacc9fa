// Runs signature checks on worker threads so the HTTP thread only parses, hashes, schema-checks and stores.
// Jobs travel as one JSON string per batch each way (postMessage clones a string far faster than the equivalent
// object graph). At most two batches are in flight per worker: jobs arriving meanwhile wait and leave together
// when a batch comes back, so under load there are few, large messages (each one is a cross-thread wake-up, which
// cost as much CPU as the rest of the messaging), and the worker still always has the next batch at hand.
// With 0 threads (or when running from TypeScript sources, where no compiled worker exists) it checks inline.
// When the workers already hold a backlog, the HTTP thread checks the next transaction itself (work sharing:
// neither thread idles while the other is the bottleneck). A worker's backlog is what it has not FINISHED (a
// counter it bumps in shared memory per job), not what the HTTP thread has not yet read back: a busy HTTP thread
// reads results late, and counting those made it verify most transactions itself while the worker idled.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkInputSignatures, type InputSignature, type SignatureJob } from './signature-check';
import type { WorkerJob, WorkerResult } from './signature-worker';

const WORKER_SCRIPT = join(__dirname, 'signature-worker.js');
/**
 * Unfinished jobs per worker from which the HTTP thread verifies the next transaction itself. Measured with 32
 * concurrent clients on 2 cores (ledger-bench): 20 made the HTTP thread verify about half the transactions and
 * cost ~50 µs/tx more CPU and ~15% throughput than leaving them all to the worker; past 64 the worker is far behind.
 */
const MAX_BACKLOG_PER_THREAD = 64;
const MAX_BATCHES_IN_FLIGHT = 2;

interface Pending {
  resolve: (inputs: InputSignature[]) => void;
  reject: (error: Error) => void;
}

interface Lane {
  worker: Worker;
  inFlight: Map<number, Pending>;
  /** Jobs posted to the worker, and (shared with it) jobs it has finished. */
  posted: number;
  finished: Int32Array;
  /** Batches posted and not yet answered. */
  batches: number;
}

export class SignatureVerifier {
  private readonly lanes: Lane[] = [];
  private queue: (WorkerJob & Pending)[] = [];
  private flushScheduled = false;
  private next = 0;
  private seq = 0;
  private stopped = false;

  constructor(threads: number) {
    const usable = threads > 0 && __filename.endsWith('.js') && existsSync(WORKER_SCRIPT);
    for (let i = 0; usable && i < threads; i++) this.lanes.push(this.spawn());
  }

  /** Worker threads in use (0 = inline). */
  get threads(): number {
    return this.lanes.length;
  }

  private spawn(): Lane {
    const finished = new Int32Array(new SharedArrayBuffer(4));
    const lane: Lane = {
      worker: new Worker(WORKER_SCRIPT, { workerData: { finished } }),
      inFlight: new Map(),
      posted: 0,
      finished,
      batches: 0,
    };
    lane.worker.on('message', (message: string) => {
      lane.batches--;
      if (this.queue.length > 0) this.flush();
      const results = JSON.parse(message) as WorkerResult[];
      for (const result of results) {
        const pending = lane.inFlight.get(result.seq);
        if (!pending) continue;
        lane.inFlight.delete(result.seq);
        if ('error' in result) pending.reject(new Error(result.error));
        else pending.resolve(result.inputs);
      }
    });
    const fail = (error: Error): void => {
      for (const pending of lane.inFlight.values()) pending.reject(error);
      lane.inFlight.clear();
      const index = this.lanes.indexOf(lane);
      if (index < 0 || this.stopped) return;
      this.lanes[index] = this.spawn(); // a crashed worker is replaced
      if (this.queue.length > 0) this.flush();
    };
    lane.worker.on('error', fail);
    lane.worker.on('exit', (code) => {
      if (!this.stopped) fail(new Error(`signature worker exited with code ${code}`));
    });
    return lane;
  }

  private get backlog(): number {
    let count = this.queue.length;
    for (const lane of this.lanes) count += lane.posted - Atomics.load(lane.finished, 0);
    return count;
  }

  check(job: SignatureJob): Promise<InputSignature[]> {
    if (this.lanes.length === 0 || this.stopped || this.backlog >= MAX_BACKLOG_PER_THREAD * this.lanes.length) {
      try {
        return Promise.resolve(checkInputSignatures(job));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ seq: this.seq++, job, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Posts the queued jobs, split evenly over the workers that have room for another batch (if none: later). */
  private flush(): void {
    this.flushScheduled = false;
    const open = this.lanes.filter((lane) => lane.batches < MAX_BATCHES_IN_FLIGHT);
    if (this.queue.length === 0 || open.length === 0) return;
    const jobs = this.queue;
    this.queue = [];
    const per = Math.ceil(jobs.length / open.length);
    for (let i = 0; i < jobs.length; i += per) {
      const lane = open[this.next++ % open.length] as Lane;
      const slice = jobs.slice(i, i + per);
      for (const job of slice) lane.inFlight.set(job.seq, job);
      lane.posted += slice.length;
      lane.batches++;
      lane.worker.postMessage(JSON.stringify(slice.map(({ seq, job }): WorkerJob => ({ seq, job }))));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.lanes.map((lane) => lane.worker.terminate()));
    const stopped = new Error('signature verifier stopped');
    for (const lane of this.lanes) for (const pending of lane.inFlight.values()) pending.reject(stopped);
    for (const pending of this.queue.splice(0)) pending.reject(stopped);
  }
}
