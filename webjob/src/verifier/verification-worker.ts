// Entry of a verifier thread (see VerificationPool): computes the verdicts of the chunks of raw
// transactions it is sent and answers in the same order. Loads only ./verdict (no zod, no SDKs).
import { parentPort, workerData } from 'node:worker_threads';
import { verdictOfRaw, type MaybeVerdict } from './verdict';

export interface VerifierThreadData {
  trusted: string[];
}
export interface VerdictRequest {
  id: number;
  raws: unknown[];
}
export interface VerdictResponse {
  id: number;
  verdicts: MaybeVerdict[];
}

const port = parentPort;
if (port) {
  const trusted = new Set((workerData as VerifierThreadData).trusted);
  port.on('message', ({ id, raws }: VerdictRequest) => {
    const response: VerdictResponse = { id, verdicts: raws.map((raw) => verdictOfRaw(raw, trusted)) };
    port.postMessage(response);
  });
}
