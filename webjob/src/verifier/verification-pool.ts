// Verdicts (id hash, signatures) are computed on a few worker threads, ahead of the pipeline: the
// sequencer primes each block as soon as it is read, and by the block's turn its transactions are
// usually verified. The pipeline still checks each transaction's schema itself, before using its
// verdict. Results are keyed by the raw transaction object (a WeakMap: nothing to clean up when a
// prefetched block is dropped). A transaction that was not primed, a pool without
// threads (WEBJOB_VERIFY_THREADS=0) or a thread that failed falls back to checking inline, so a
// verifier thread can slow the WebJob down but never lose or wrongly accept a transaction.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { verdictOfRaw, type MaybeVerdict } from './verdict';
import type { VerdictRequest, VerdictResponse, VerifierThreadData } from './verification-worker';

/** Transactions per message: large enough to amortize messaging, small enough to spread a block over threads. */
const CHUNK = 32;

// Compiled: a sibling file. From TypeScript sources (tests), the compiled copy in dist/.
const WORKER_FILE = __filename.endsWith('.ts')
  ? path.resolve(__dirname, '..', '..', 'dist', 'verifier', 'verification-worker.js')
  : path.join(__dirname, 'verification-worker.js');

interface Job {
  raws: unknown[];
  resolve: (results: MaybeVerdict[]) => void;
}

class VerifierThread {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly jobs = new Map<number, Job>();
  /** Transactions sent and not yet answered: the pool sends new work to the least busy thread. */
  queued = 0;

  constructor(private readonly trusted: ReadonlySet<string>) {}

  run(raws: unknown[]): Promise<MaybeVerdict[]> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.jobs.set(id, { raws, resolve });
      this.queued += raws.length;
      const request: VerdictRequest = { id, raws };
      this.ensureWorker().postMessage(request);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.failPending();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const data: VerifierThreadData = { trusted: [...this.trusted] };
    const worker = new Worker(WORKER_FILE, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 4 },
    });
    worker.unref(); // never what keeps the process alive
    worker.on('message', ({ id, verdicts }: VerdictResponse) => {
      const job = this.jobs.get(id);
      if (!job) return;
      this.jobs.delete(id);
      this.queued -= job.raws.length;
      job.resolve(verdicts);
    });
    const lost = (): void => {
      if (this.worker !== worker) return;
      this.worker = undefined; // the next run() starts a fresh thread
      this.failPending();
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    this.worker = worker;
    return worker;
  }

  /** Work a lost thread never answered is checked inline: slower, never skipped. */
  private failPending(): void {
    for (const job of this.jobs.values()) job.resolve(job.raws.map((raw) => verdictOfRaw(raw, this.trusted)));
    this.jobs.clear();
    this.queued = 0;
  }
}

export class VerificationPool {
  private readonly threads: VerifierThread[];
  private readonly results = new WeakMap<object, Promise<MaybeVerdict>>();

  constructor(
    private readonly trusted: ReadonlySet<string>,
    threads: number,
  ) {
    this.threads = Array.from({ length: threads }, () => new VerifierThread(trusted));
  }

  /** Starts checking these transactions on the verifier threads (no-op without threads or when already primed). */
  prime(raws: readonly unknown[]): void {
    if (this.threads.length === 0) return;
    const fresh = raws.filter(
      (raw): raw is object => typeof raw === 'object' && raw !== null && !this.results.has(raw),
    );
    for (let start = 0; start < fresh.length; start += CHUNK) {
      const chunk = fresh.slice(start, start + CHUNK);
      const thread = this.threads.reduce((a, b) => (b.queued < a.queued ? b : a));
      const results = thread.run(chunk);
      chunk.forEach((raw, index) =>
        this.results.set(
          raw,
          results.then((all) => all[index]),
        ),
      );
    }
  }

  /** The verdict of one transaction: the primed result, or computed now on this thread. */
  verdict(raw: unknown): Promise<MaybeVerdict> {
    const primed = typeof raw === 'object' && raw !== null ? this.results.get(raw) : undefined;
    if (primed === undefined) return Promise.resolve(verdictOfRaw(raw, this.trusted));
    this.results.delete(raw as object);
    return primed;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.close()));
  }
}
