// Fulfillment parsing and verification for the hot paths (the ledger node and the WebJob both call this).
// Parsing a fulfillment URI with the crypto-conditions library is the costliest step of verification (its
// generic ASN.1 decoder throws and catches its way through CHOICE alternatives). BigchainDB fulfillments are
// almost always one ed25519-sha-256 fulfillment, whose DER encoding is fixed:
//   a4 64 | 80 20 <32-byte public key> | 81 40 <64-byte signature>
// That layout is decoded directly; its condition URI is computed here as the library does (once per key,
// cached; tests compare it with the library's) and its signature is checked with libsodium (sodium-native), so
// speed does not depend on the library's optional native addon (without it, and always in worker threads, the
// library falls back to pure-JS tweetnacl, about 50 times slower). libsodium is what the real node verifies with
// (Python cryptoconditions' Ed25519VerifyingKey is PyNaCl's VerifyKey), so the same edge cases are refused
// (non-canonical or small-order keys and signatures), and it takes ~50 µs per signature here against OpenSSL's
// ~106 µs through node:crypto. Threshold trees are parsed by the library and their ed25519 leaves checked the same
// way; any other type is validated by the library.
import { createHash } from 'node:crypto';
import type { Fulfillment } from 'crypto-conditions';
import bs58 from 'bs58';
import type * as Sodium from 'sodium-native';
import { cryptoConditions, fulfillmentValidates, parseFulfillment, signingKeys } from './fulfillment';

export interface ParsedFulfillment {
  /** The library object (built on first use on the fast path). */
  readonly fulfillment: Fulfillment;
  /** The condition URI it fulfils (what a spent output's condition.uri must equal). */
  readonly conditionUri: string;
  /** The fulfillment re-encoded (the library's serializeUri()). */
  readonly serializedUri: string;
  /** Base58 keys of every ed25519 leaf that carries a signature. */
  readonly signers: string[];
  /** Whether the signatures (and thresholds) hold for the message. */
  validates(message: Buffer): boolean;
}

const ED25519_DER_LENGTH = 102;
const MAX_CACHED_KEYS = 10_000;
/** DER of the ed25519 fingerprint contents, SEQUENCE { [0] publicKey }, up to the key (crypto-conditions draft 04, 8.3). */
const ED25519_FINGERPRINT_PREFIX = Buffer.from('30228020', 'hex');
/** An ed25519-sha-256 condition's cost, fixed by the specification. */
const ED25519_COST = 131072;

/** "ni:///sha-256;<base64url sha-256 of the fingerprint contents>?fpt=ed25519-sha-256&cost=131072" */
function ed25519ConditionUri(publicKey: Buffer): string {
  const fingerprint = createHash('sha256').update(ED25519_FINGERPRINT_PREFIX).update(publicKey).digest('base64url');
  return `ni:///sha-256;${fingerprint}?fpt=ed25519-sha-256&cost=${ED25519_COST}`;
}

interface KnownKey {
  base58: string;
  conditionUri: string;
}

// Base58 and the condition URI cost a hash and a big-number conversion each; transactions are signed by few keys.
const knownKeys = new Map<string, KnownKey>();

function knownKey(publicKey: Buffer): KnownKey {
  const id = publicKey.toString('latin1');
  let known = knownKeys.get(id);
  if (!known) {
    known = { base58: bs58.encode(publicKey), conditionUri: ed25519ConditionUri(publicKey) };
    if (knownKeys.size >= MAX_CACHED_KEYS) knownKeys.clear();
    knownKeys.set(id, known);
  }
  return known;
}

let sodium: typeof Sodium | undefined;

function ed25519Verifies(publicKey: Buffer, signature: Buffer, message: Buffer): boolean {
  // libsodium throws on wrong lengths (a threshold leaf can carry any); such a signature does not verify.
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  // Loaded on first use: an importer that only reads transactions (the WebJob's main thread, which
  // leaves verification to its worker threads) never loads the native addon.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberately lazy (see above)
  sodium ??= require('sodium-native') as typeof Sodium;
  return sodium.crypto_sign_verify_detached(signature, message, publicKey);
}

class FixedEd25519Fulfillment implements ParsedFulfillment {
  private library: Fulfillment | undefined;
  readonly conditionUri: string;
  readonly signers: string[];

  constructor(
    readonly serializedUri: string,
    private readonly publicKey: Buffer,
    private readonly signature: Buffer,
  ) {
    const known = knownKey(publicKey);
    this.conditionUri = known.conditionUri;
    this.signers = [known.base58];
  }

  get fulfillment(): Fulfillment {
    if (!this.library) {
      const ffill = new (cryptoConditions().Ed25519Sha256)();
      ffill.setPublicKey(this.publicKey);
      ffill.setSignature(this.signature);
      this.library = ffill;
    }
    return this.library;
  }

  validates(message: Buffer): boolean {
    return ed25519Verifies(this.publicKey, this.signature, message);
  }
}

interface Asn1Node {
  type: string;
  value: { publicKey?: Buffer; signature?: Buffer; subfulfillments?: Asn1Node[] };
}

/**
 * Trees of ed25519 and threshold fulfillments, leaves checked with libsodium. A parsed threshold fulfillment holds
 * exactly `threshold` subfulfillments (the library sets the threshold from their count), so the library's
 * validate() reduces to "every leaf verifies"; the threshold itself is bound by the condition URI the caller
 * compares. Other types: undefined (the library decides).
 */
function treeVerifies(node: Asn1Node, message: Buffer): boolean | undefined {
  if (node.type === 'ed25519Sha256Fulfillment') {
    const { publicKey, signature } = node.value;
    return publicKey !== undefined && signature !== undefined && ed25519Verifies(publicKey, signature, message);
  }
  if (node.type === 'thresholdSha256Fulfillment') {
    let all = true;
    for (const sub of node.value.subfulfillments ?? []) {
      const ok = treeVerifies(sub, message);
      if (ok === undefined) return undefined;
      all &&= ok;
    }
    return all;
  }
  return undefined;
}

function libraryParsed(uri: string): ParsedFulfillment | undefined {
  const fulfillment = parseFulfillment(uri);
  if (!fulfillment) return undefined;
  let conditionUri: string;
  let serializedUri: string;
  let signers: string[];
  try {
    conditionUri = fulfillment.getConditionUri();
    serializedUri = fulfillment.serializeUri();
    signers = signingKeys(fulfillment);
  } catch {
    return undefined; // parsed, but the library cannot derive its condition: as unusable as unparseable
  }
  return {
    fulfillment,
    conditionUri,
    serializedUri,
    signers,
    validates(message) {
      try {
        return (
          treeVerifies(fulfillment.getAsn1Json() as unknown as Asn1Node, message) ??
          fulfillmentValidates(fulfillment, message)
        );
      } catch {
        return false;
      }
    },
  };
}

/** Parses a base64url fulfillment URI; undefined when it is not a usable crypto-condition fulfillment. */
export function parseFulfillmentUri(uri: string): ParsedFulfillment | undefined {
  const der = Buffer.from(uri, 'base64url');
  const fixedLayout =
    der.length === ED25519_DER_LENGTH &&
    der[0] === 0xa4 &&
    der[1] === 0x64 &&
    der[2] === 0x80 &&
    der[3] === 0x20 &&
    der[36] === 0x81 &&
    der[37] === 0x40;
  // Buffer's base64url decoding is lenient: only the canonical encoding takes the fast path.
  if (fixedLayout && der.toString('base64url') === uri)
    return new FixedEd25519Fulfillment(uri, der.subarray(4, 36), der.subarray(38, 102));
  return libraryParsed(uri);
}
