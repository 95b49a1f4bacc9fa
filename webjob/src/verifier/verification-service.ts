// The verifier side of the VerificationPool protocol, on any message port: a verifier worker
// thread's parentPort, or the supervising main thread's end of a channel to the WebJob thread
// (main.ts: the supervisor is otherwise idle, and serving checks there costs no extra V8 isolate).
import { precheck, type Precheck } from './precheck';

export type VerifierRequest = { kind: 'init'; trusted: string[] } | { kind: 'check'; id: number; raws: unknown[] };
export interface VerifierResponse {
  id: number;
  results: Precheck[];
}

/** The subset of MessagePort (node:worker_threads) both kinds of port offer. */
export interface VerifierPort {
  on(event: 'message', listener: (message: VerifierRequest) => void): unknown;
  postMessage(message: VerifierResponse): void;
}

/** Answers every `check` in order of arrival; `init` sets the trusted leasing-company keys first. */
export function serveVerification(port: VerifierPort): void {
  let trusted: ReadonlySet<string> = new Set();
  port.on('message', (message) => {
    if (message.kind === 'init') trusted = new Set(message.trusted);
    else port.postMessage({ id: message.id, results: message.raws.map((raw) => precheck(raw, trusted)) });
  });
}
