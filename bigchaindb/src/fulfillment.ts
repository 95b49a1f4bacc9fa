// Crypto-condition plumbing over the `crypto-conditions` library (BigchainDB's own JS implementation):
// parse fulfillment URIs, list the keys that really signed, build (and sign) fulfillments from condition details.
import type * as CryptoConditions from 'crypto-conditions';
import type { Condition, Fulfillment } from 'crypto-conditions';
import bs58 from 'bs58';
import type { ConditionDetails } from './transaction';

let library: typeof CryptoConditions | undefined;

/**
 * The library, loaded on first use: with its core-js polyfills it adds ~14 MB of resident memory to
 * every thread that loads it, and the hot path (one ed25519 fulfillment, parsed-fulfillment.ts)
 * never needs it.
 */
export function cryptoConditions(): typeof CryptoConditions {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy (see above)
  return (library ??= require('crypto-conditions') as typeof CryptoConditions);
}

/** Parses a base64url fulfillment; undefined when it is not a valid crypto-condition fulfillment. */
export function parseFulfillment(uri: string): Fulfillment | undefined {
  // asn1.js throws and catches Errors internally while decoding optional fields; their stack traces are
  // pure cost here (about a tenth of a ledger node's CPU per transaction), so they are switched off meanwhile.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return cryptoConditions().Fulfillment.fromUri(uri);
  } catch {
    return undefined;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Whether the fulfillment's signatures (and thresholds) hold for the message; the library throws on failure. */
export function fulfillmentValidates(fulfillment: Fulfillment, message: Buffer): boolean {
  try {
    return fulfillment.validate(message);
  } catch {
    return false;
  }
}

interface Asn1Node {
  type: string;
  value: { publicKey?: Buffer; subfulfillments?: Asn1Node[] };
}

/** Base58 public keys of every ed25519 leaf that carries a signature (threshold subconditions without one are skipped). */
export function signingKeys(fulfillment: Fulfillment): string[] {
  const keys: string[] = [];
  const walk = (node: Asn1Node): void => {
    if (node.type === 'ed25519Sha256Fulfillment' && node.value.publicKey) keys.push(bs58.encode(node.value.publicKey));
    for (const sub of node.value.subfulfillments ?? []) walk(sub);
  };
  walk(fulfillment.getAsn1Json() as unknown as Asn1Node);
  return keys;
}

export function publicKeyOfSeed(privateKeyBase58: string): string {
  const ffill = new (cryptoConditions().Ed25519Sha256)();
  ffill.sign(Buffer.alloc(32), Buffer.from(bs58.decode(privateKeyBase58)));
  return signingKeys(ffill)[0] ?? '';
}

function ed25519Condition(publicKeyBase58: string): Condition {
  const ffill = new (cryptoConditions().Ed25519Sha256)();
  ffill.setPublicKey(Buffer.from(bs58.decode(publicKeyBase58)));
  return ffill.getCondition();
}

/** The condition a set of details describes (what an output's condition.uri must be). */
export function conditionFromDetails(details: ConditionDetails): Condition {
  if (details.type === 'ed25519-sha-256') return ed25519Condition(details.public_key);
  const threshold = new (cryptoConditions().ThresholdSha256)();
  threshold.setThreshold(details.threshold);
  for (const sub of details.subconditions) threshold.addSubcondition(conditionFromDetails(sub));
  return threshold.getCondition();
}

/** Condition details for a list of owners: one key -> ed25519, several -> n-of-n threshold (the drivers' rule). */
export function conditionDetailsFor(publicKeys: string[]): ConditionDetails {
  if (publicKeys.length === 1) return { type: 'ed25519-sha-256', public_key: publicKeys[0] as string };
  return {
    type: 'threshold-sha-256',
    threshold: publicKeys.length,
    subconditions: publicKeys.map((public_key) => ({ type: 'ed25519-sha-256' as const, public_key })),
  };
}

/**
 * Signs `message` for the condition `details` with the given seeds (base58 public key -> 32-byte seed).
 * Returns undefined when the keys cannot meet the condition.
 */
export function fulfill(
  details: ConditionDetails,
  message: Buffer,
  seeds: Map<string, Buffer>,
): Fulfillment | undefined {
  if (details.type === 'ed25519-sha-256') {
    const seed = seeds.get(details.public_key);
    if (!seed) return undefined;
    const ffill = new (cryptoConditions().Ed25519Sha256)();
    ffill.sign(message, seed);
    return ffill;
  }
  const threshold = new (cryptoConditions().ThresholdSha256)();
  threshold.setThreshold(details.threshold);
  let fulfilled = 0;
  for (const sub of details.subconditions) {
    const subFulfillment = fulfilled < details.threshold ? fulfill(sub, message, seeds) : undefined;
    if (subFulfillment) {
      threshold.addSubfulfillment(subFulfillment);
      fulfilled++;
    } else {
      threshold.addSubcondition(conditionFromDetails(sub));
    }
  }
  return fulfilled >= details.threshold ? threshold : undefined;
}

/** Base58 (bitcoin alphabet) codec used for BigchainDB keys; decode throws on a character outside the alphabet. */
export function decodeBase58(text: string): Uint8Array {
  return bs58.decode(text);
}
export function encodeBase58(bytes: Uint8Array): string {
  return bs58.encode(bytes);
}
