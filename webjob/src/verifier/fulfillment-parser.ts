// Parsing a fulfillment URI is the costliest step of verification (the library's generic ASN.1
// decoder throws and catches its way through CHOICE alternatives). BigchainDB fulfillments are
// almost always a single ed25519-sha-256 fulfillment, whose DER encoding is fixed:
//   a4 64 | 80 20 <32-byte public key> | 81 40 <64-byte signature>
// That layout is built directly into the library's own Ed25519Sha256 (which then validates and
// derives the condition exactly as a parsed one would); anything else goes to the shared parser.
import { Ed25519Sha256, type Fulfillment } from 'crypto-conditions';
import { bigchaindb } from '@lease-premium/events';

const ED25519_DER_LENGTH = 102;

export function parseFulfillmentUri(uri: string): Fulfillment | undefined {
  const der = Buffer.from(uri, 'base64url');
  const fixedLayout = der.length === ED25519_DER_LENGTH && der[0] === 0xa4 && der[1] === 0x64 && der[2] === 0x80 && der[3] === 0x20 && der[36] === 0x81 && der[37] === 0x40;
  // Buffer's base64url decoding is lenient: only the canonical encoding takes the fast path.
  if (!fixedLayout || der.toString('base64url') !== uri) return bigchaindb.parseFulfillment(uri);
  const fulfillment = new Ed25519Sha256();
  fulfillment.setPublicKey(der.subarray(4, 36));
  fulfillment.setSignature(der.subarray(38, 102));
  return fulfillment;
}
