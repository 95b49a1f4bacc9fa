// The CPU-heavy half of validating a posted transaction: parse every input's fulfillment, compute its
// condition uri and check its ed25519 signature(s) over the v2 message. Pure and state-free, so it runs in
// worker threads (signature-worker.ts) in parallel with the HTTP thread; the caller then compares the uris
// with the spent outputs and decides, in the real node's order, which error (if any) to report.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { bigchaindb } from '@lease-premium/events';
import type { Fulfillment } from 'crypto-conditions';

export type InputSignature =
  | { kind: 'parsed'; conditionUri: string; valid: boolean; serialized: string }
  | { kind: 'unparseable' }
  /** The input carries condition details instead of a fulfillment (schema-legal, never valid). */
  | { kind: 'details' };

interface PostedInput {
  fulfillment?: unknown;
  fulfills?: { transaction_id: string; output_index: number } | null;
}

interface Asn1Node {
  type: string;
  value: { publicKey?: Buffer; signature?: Buffer; subfulfillments?: Asn1Node[] };
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

// Building a KeyObject costs as much as a verification; transactions are signed by few keys, so keep them.
const keyObjects = new Map<string, KeyObject>();
function keyObject(publicKey: Buffer): KeyObject {
  const id = publicKey.toString('latin1');
  let key = keyObjects.get(id);
  if (!key) {
    key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
    if (keyObjects.size >= 10_000) keyObjects.clear();
    keyObjects.set(id, key);
  }
  return key;
}

/**
 * For trees of ed25519 and threshold fulfillments (all BigchainDB uses): every leaf's signature checked with
 * node:crypto (OpenSSL), which, unlike the `ed25519` native addon crypto-conditions prefers, also works in worker
 * threads (where crypto-conditions would fall back to tweetnacl, ~50x slower). A parsed threshold fulfillment
 * holds exactly `threshold` subfulfillments, so crypto-conditions' validate() reduces to "every leaf verifies";
 * the threshold itself is bound by the condition uri the caller compares. Other types: undefined (use the library).
 */
function verifyTree(node: Asn1Node, message: Buffer): boolean | undefined {
  if (node.type === 'ed25519Sha256Fulfillment') {
    const { publicKey, signature } = node.value;
    if (!publicKey || !signature) return false;
    return verify(null, message, keyObject(publicKey), signature);
  }
  if (node.type === 'thresholdSha256Fulfillment') {
    let all = true;
    for (const sub of node.value.subfulfillments ?? []) {
      const ok = verifyTree(sub, message);
      if (ok === undefined) return undefined;
      all &&= ok;
    }
    return all;
  }
  return undefined;
}

function validates(fulfillment: Fulfillment, message: Buffer): boolean {
  try {
    return verifyTree(fulfillment.getAsn1Json() as unknown as Asn1Node, message) ?? bigchaindb.fulfillmentValidates(fulfillment, message);
  } catch {
    return false;
  }
}

/** Checks the fulfillments of a posted transaction given as its raw JSON text (already schema-valid). */
export function checkInputSignatures(rawJson: string): InputSignature[] {
  const tx = JSON.parse(rawJson) as bigchaindb.UnsignedTransaction & { inputs: PostedInput[] };
  const prefix = bigchaindb.serializeForSigning(tx);
  return tx.inputs.map((input): InputSignature => {
    if (typeof input.fulfillment !== 'string') return { kind: 'details' };
    const fulfillment = bigchaindb.parseFulfillment(input.fulfillment);
    if (!fulfillment) return { kind: 'unparseable' };
    let conditionUri: string;
    let serialized: string;
    try {
      conditionUri = fulfillment.getConditionUri();
      serialized = fulfillment.serializeUri();
    } catch {
      return { kind: 'unparseable' };
    }
    const valid = validates(fulfillment, bigchaindb.signingMessage(prefix, input.fulfills ?? null));
    return { kind: 'parsed', conditionUri, valid, serialized };
  });
}
