// Runs signature checks on worker threads so the HTTP thread only parses, hashes, schema-checks and stores.
// Jobs posted in one event-loop turn travel as one message per worker, as one JSON string each way (postMessage
// clones a string far faster than the equivalent object graph).
// With 0 threads (or when running from TypeScript sources, where no compiled worker exists) it checks inline.
// When the workers already hold a backlog, the HTTP thread checks the next transaction itself (work sharing:
// neither thread idles while the other is the bottleneck).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkInputSignatures, type InputSignature, type SignatureJob } from './signature-check';
import type { WorkerJob, WorkerResult } from './signature-worker';

const WORKER_SCRIPT = join(__dirname, 'signature-worker.js');
// Measured with 32 concurrent clients on 2 cores: 8 left the worker idle most of the time (the HTTP thread verified
// 3 of 4 transactions itself), 64 made the worker the bottleneck; 20 keeps both threads about equally busy.
const MAX_BACKLOG_PER_THREAD = 20;

interface Pending {
  resolve: (inputs: InputSignature[]) => void;
  reject: (error: Error) => void;
}

interface Lane {
  worker: Worker;
  inFlight: Map<number, Pending>;
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
    const lane: Lane = { worker: new Worker(WORKER_SCRIPT), inFlight: new Map() };
    lane.worker.on('message', (message: string) => {
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
      if (index >= 0 && !this.stopped) this.lanes[index] = this.spawn(); // a crashed worker is replaced
    };
    lane.worker.on('error', fail);
    lane.worker.on('exit', (code) => {
      if (!this.stopped) fail(new Error(`signature worker exited with code ${code}`));
    });
    return lane;
  }

  private get backlog(): number {
    let count = this.queue.length;
    for (const lane of this.lanes) count += lane.inFlight.size;
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

  private flush(): void {
    this.flushScheduled = false;
    const jobs = this.queue;
    this.queue = [];
    if (jobs.length === 0) return;
    // Split the batch evenly over the workers, starting with the next in turn.
    const per = Math.ceil(jobs.length / this.lanes.length);
    for (let i = 0; i < jobs.length; i += per) {
      const lane = this.lanes[this.next++ % this.lanes.length] as Lane;
      const slice = jobs.slice(i, i + per);
      for (const job of slice) lane.inFlight.set(job.seq, job);
      lane.worker.postMessage(JSON.stringify(slice.map(({ seq, job }): WorkerJob => ({ seq, job }))));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.lanes.map((lane) => lane.worker.terminate()));
    for (const lane of this.lanes) for (const pending of lane.inFlight.values()) pending.reject(new Error('signature verifier stopped'));
  }
}
