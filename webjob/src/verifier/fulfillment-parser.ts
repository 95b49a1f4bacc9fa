// Parsing a fulfillment URI is the costliest step of verification (the library's generic ASN.1
// decoder throws and catches its way through CHOICE alternatives). BigchainDB fulfillments are
// almost always a single ed25519-sha-256 fulfillment, whose DER encoding is fixed:
//   a4 64 | 80 20 <32-byte public key> | 81 40 <64-byte signature>
// That layout is built directly into the library's own Ed25519Sha256 (which derives the condition
// exactly as a parsed one would), and its signature is checked with Node's OpenSSL Ed25519, so
// speed does not depend on the library's optional native addon (without it, the library falls
// back to pure-JS tweetnacl, about 50 times slower). Anything else goes to the shared parser.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { Ed25519Sha256, type Fulfillment } from 'crypto-conditions';
import { bigchaindb } from '@lease-premium/events';
import { LruMap } from '../util/lru';

const ED25519_DER_LENGTH = 102;
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const keys = new LruMap<string, KeyObject>(10_000);

export interface ParsedFulfillment {
  fulfillment: Fulfillment;
  /** Whether the signatures hold for the message (the library's rules; OpenSSL for the fast path). */
  validates(message: Buffer): boolean;
}

function libraryValidates(fulfillment: Fulfillment, message: Buffer): boolean {
  try {
    return fulfillment.validate(message);
  } catch {
    return false; // the library throws on a bad signature
  }
}

export function parseFulfillmentUri(uri: string): ParsedFulfillment | undefined {
  const der = Buffer.from(uri, 'base64url');
  const fixedLayout = der.length === ED25519_DER_LENGTH && der[0] === 0xa4 && der[1] === 0x64 && der[2] === 0x80 && der[3] === 0x20 && der[36] === 0x81 && der[37] === 0x40;
  // Buffer's base64url decoding is lenient: only the canonical encoding takes the fast path.
  if (!fixedLayout || der.toString('base64url') !== uri) {
    const fulfillment = bigchaindb.parseFulfillment(uri);
    return fulfillment && { fulfillment, validates: (message) => libraryValidates(fulfillment, message) };
  }
  const publicKey = der.subarray(4, 36);
  const signature = der.subarray(38, 102);
  const fulfillment = new Ed25519Sha256();
  fulfillment.setPublicKey(publicKey);
  fulfillment.setSignature(signature);
  return {
    fulfillment,
    validates: (message) => {
      const id = publicKey.toString('base64');
      let key = keys.get(id);
      if (!key) {
        try {
          key = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]), format: 'der', type: 'spki' });
        } catch {
          return false; // not a point on the curve
        }
        keys.set(id, key);
      }
      try {
        return verify(null, message, key, signature);
      } catch {
        return false;
      }
    },
  };
}
