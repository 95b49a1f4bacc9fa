// Worker thread entry: checks batches of posted transactions' signatures (signature-check.ts).
import { parentPort } from 'node:worker_threads';
import { checkInputSignatures, type InputSignature, type SignatureJob } from './signature-check';

export interface WorkerJob {
  seq: number;
  job: SignatureJob;
}
export type WorkerResult = { seq: number; inputs: InputSignature[] } | { seq: number; error: string };

parentPort?.on('message', (message: string) => {
  const jobs = JSON.parse(message) as WorkerJob[];
  const results: WorkerResult[] = jobs.map((job) => {
    try {
      return { seq: job.seq, inputs: checkInputSignatures(job.job) };
    } catch (error) {
      return { seq: job.seq, error: error instanceof Error ? error.message : String(error) };
    }
  });
  parentPort?.postMessage(JSON.stringify(results));
});
