// The CPU-heavy half of validating a posted transaction: parse every input's fulfillment, compute its
// condition uri and check its signature(s) over the v2 message (the transaction core's bigchaindb.parseFulfillmentUri:
// fixed-layout ed25519 decoded directly and verified by libsodium, thresholds per leaf, anything else by the
// library). Pure and state-free, so it runs in worker threads (signature-worker.ts) in parallel with the HTTP
// thread; the caller then compares the uris with the spent outputs and decides, in the real node's order,
// which error (if any) to report.
import * as bigchaindb from '@lease-premium/bigchaindb';
import type { OutputRef } from './node-transaction';

export type InputSignature =
  | { kind: 'parsed'; conditionUri: string; valid: boolean; serialized: string }
  | { kind: 'unparseable' }
  /** The input carries condition details instead of a fulfillment (schema-legal, never valid). */
  | { kind: 'details' };

/**
 * What the check needs of a posted (schema-valid) transaction: its signing prefix (serialized once on the HTTP
 * thread together with the id text) and each input's fulfillment (null: condition details) and `fulfills`.
 * Small and flat, so posting it to a worker clones little.
 */
export interface SignatureJob {
  signingText: string;
  fulfillments: (string | null)[];
  fulfills: (OutputRef | null)[];
}

/** Checks the fulfillments of a posted transaction. */
export function checkInputSignatures(job: SignatureJob): InputSignature[] {
  const messages = bigchaindb.signingMessages(
    job.signingText,
    job.fulfills.map((fulfills) => ({ fulfills })),
  );
  return job.fulfillments.map((fulfillment, i): InputSignature => {
    if (fulfillment === null) return { kind: 'details' };
    const parsed = bigchaindb.parseFulfillmentUri(fulfillment);
    if (!parsed) return { kind: 'unparseable' };
    return {
      kind: 'parsed',
      conditionUri: parsed.conditionUri,
      valid: parsed.validates(messages[i] as Buffer),
      serialized: parsed.serializedUri,
    };
  });
}

interface PostedInputs {
  inputs: { fulfillment?: unknown; fulfills?: OutputRef | null }[];
}

/** The job for a schema-valid posted transaction, given its signing text (bigchaindb.transactionTexts). */
export function signatureJobOf(tx: PostedInputs, signingText: string): SignatureJob {
  return {
    signingText,
    fulfillments: tx.inputs.map((input) => (typeof input.fulfillment === 'string' ? input.fulfillment : null)),
    fulfills: tx.inputs.map((input) =>
      input.fulfills
        ? { transaction_id: input.fulfills.transaction_id, output_index: input.fulfills.output_index }
        : null,
    ),
  };
}
