// Entry of a verifier thread (see VerificationPool): prechecks the chunks of raw transactions it
// is sent and answers with the results in the same order. Loads only the verifier and its schema.
import { parentPort, workerData } from 'node:worker_threads';
import { precheck } from './precheck';

export interface VerifierThreadData {
  trusted: string[];
}
export interface PrecheckRequest {
  id: number;
  raws: unknown[];
}
export interface PrecheckResponse {
  id: number;
  results: ReturnType<typeof precheck>[];
}

const port = parentPort;
if (port) {
  const trusted = new Set((workerData as VerifierThreadData).trusted);
  port.on('message', ({ id, raws }: PrecheckRequest) => {
    const response: PrecheckResponse = { id, results: raws.map((raw) => precheck(raw, trusted)) };
    port.postMessage(response);
  });
}
