// Prechecks (schema, id hash, signatures) run on other threads, ahead of the pipeline: the sequencer
// primes each block as soon as it is read, and by the block's turn its transactions are usually
// verified. Results are keyed by the raw transaction object (a WeakMap: nothing to clean up when a
// prefetched block is dropped). A transaction that was not primed, a pool without verifiers
// (WEBJOB_VERIFY_THREADS=0) or a verifier that failed falls back to checking inline, so a verifier
// can slow the WebJob down but never lose or wrongly accept a transaction.
import path from 'node:path';
import { Worker, type MessagePort } from 'node:worker_threads';
import { precheck, type Precheck } from './precheck';
import type { VerifierRequest, VerifierResponse } from './verification-service';

/** Transactions per message: large enough to amortize messaging, small enough to spread a block over verifiers. */
const CHUNK = 32;

// Compiled: a sibling file. From TypeScript sources (tests), the compiled copy in dist/.
const THREAD_FILE = __filename.endsWith('.ts') ? path.resolve(__dirname, '..', '..', 'dist', 'verifier', 'verifier-thread.js') : path.join(__dirname, 'verifier-thread.js');

/** Request ids are unique in the process: pools of successive leadership terms may share one port. */
let nextRequestId = 0;

/** One verifier on the other end of a message port; work it never answers is checked inline. */
abstract class Verifier {
  private readonly jobs = new Map<number, { raws: unknown[]; resolve: (results: Precheck[]) => void }>();
  /** Transactions sent and not yet answered: the pool sends new work to the least busy verifier. */
  queued = 0;

  constructor(protected readonly trusted: ReadonlySet<string>) {}

  run(raws: unknown[]): Promise<Precheck[]> {
    return new Promise((resolve) => {
      const id = nextRequestId++;
      this.jobs.set(id, { raws, resolve });
      this.queued += raws.length;
      this.send({ kind: 'check', id, raws });
    });
  }

  abstract close(): Promise<void>;
  protected abstract send(request: VerifierRequest): void;

  protected readonly onResponse = ({ id, results }: VerifierResponse): void => {
    const job = this.jobs.get(id);
    if (!job) return; // another pool's answer on a shared port
    this.jobs.delete(id);
    this.queued -= job.raws.length;
    job.resolve(results);
  };

  protected checkPendingInline(): void {
    for (const job of this.jobs.values()) job.resolve(job.raws.map((raw) => precheck(raw, this.trusted)));
    this.jobs.clear();
    this.queued = 0;
  }
}

/** A worker thread of its own, started on first use and again after it is lost. */
class ThreadVerifier extends Verifier {
  private worker: Worker | undefined;

  protected send(request: VerifierRequest): void {
    this.ensureWorker().postMessage(request);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.checkPendingInline();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(THREAD_FILE, { resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 4 } });
    worker.unref(); // never what keeps the process alive
    worker.on('message', this.onResponse);
    const lost = (): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.checkPendingInline();
    };
    worker.on('error', lost);
    worker.on('exit', lost);
    worker.postMessage({ kind: 'init', trusted: [...this.trusted] } satisfies VerifierRequest);
    this.worker = worker;
    return worker;
  }
}

/** The supervising thread's verifier (main.ts), reached through a port that outlives this pool. */
class PortVerifier extends Verifier {
  constructor(
    trusted: ReadonlySet<string>,
    private readonly port: MessagePort,
  ) {
    super(trusted);
    port.on('message', this.onResponse);
    port.unref();
    this.send({ kind: 'init', trusted: [...trusted] });
  }

  protected send(request: VerifierRequest): void {
    this.port.postMessage(request);
  }

  close(): Promise<void> {
    this.port.off('message', this.onResponse);
    this.checkPendingInline();
    return Promise.resolve();
  }
}

export interface VerificationPoolOptions {
  /** Verifiers in all (WEBJOB_VERIFY_THREADS); 0 checks everything inline. */
  threads: number;
  /** A verifier that already runs on another thread (the supervisor's); it counts as one of `threads`. */
  supervisorPort?: MessagePort | undefined;
}

export class VerificationPool {
  private readonly verifiers: Verifier[];
  private readonly results = new WeakMap<object, Promise<Precheck>>();

  constructor(
    private readonly trusted: ReadonlySet<string>,
    { threads, supervisorPort }: VerificationPoolOptions,
  ) {
    const shared = threads > 0 && supervisorPort ? [new PortVerifier(trusted, supervisorPort)] : [];
    this.verifiers = [...shared, ...Array.from({ length: threads - shared.length }, () => new ThreadVerifier(trusted))];
  }

  /** Starts checking these transactions on the verifiers (no-op without verifiers or when already primed). */
  prime(raws: readonly unknown[]): void {
    if (this.verifiers.length === 0) return;
    const fresh = raws.filter((raw): raw is object => typeof raw === 'object' && raw !== null && !this.results.has(raw));
    for (let start = 0; start < fresh.length; start += CHUNK) {
      const chunk = fresh.slice(start, start + CHUNK);
      const verifier = this.verifiers.reduce((a, b) => (b.queued < a.queued ? b : a));
      const results = verifier.run(chunk);
      chunk.forEach((raw, index) => this.results.set(raw, results.then((all) => all[index] as Precheck)));
    }
  }

  /** The precheck of one transaction: the primed result, or computed now on this thread. */
  precheck(raw: unknown): Promise<Precheck> {
    const primed = typeof raw === 'object' && raw !== null ? this.results.get(raw) : undefined;
    if (primed === undefined) return Promise.resolve(precheck(raw, this.trusted));
    this.results.delete(raw as object);
    return primed;
  }

  /** Stops the pool's own threads; work still out is checked inline. */
  async close(): Promise<void> {
    await Promise.all(this.verifiers.map((verifier) => verifier.close()));
  }
}
