// Worker thread entry: checks batches of posted transactions' signatures (signature-check.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { checkInputSignatures, type InputSignature, type SignatureJob } from './signature-check';

export interface WorkerJob {
  seq: number;
  job: SignatureJob;
}
export type WorkerResult = { seq: number; inputs: InputSignature[] } | { seq: number; error: string };

/** Shared with the HTTP thread: jobs finished so far (its measure of this worker's backlog). */
const finished = (workerData as { finished: Int32Array }).finished;

parentPort?.on('message', (message: string) => {
  const jobs = JSON.parse(message) as WorkerJob[];
  const results: WorkerResult[] = jobs.map((job) => {
    try {
      return { seq: job.seq, inputs: checkInputSignatures(job.job) };
    } catch (error) {
      return { seq: job.seq, error: error instanceof Error ? error.message : String(error) };
    } finally {
      Atomics.add(finished, 0, 1);
    }
  });
  parentPort?.postMessage(JSON.stringify(results));
});
