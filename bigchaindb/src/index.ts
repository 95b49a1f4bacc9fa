// The BigchainDB v2.0 transaction core: model, canonical serialization, id hash, fulfillment verification,
// signing. Used by the WebJob and the local ledger node; the event contract (@lease-premium/events) needs none of it.
export * from './transaction';
export { serialize, serializeTransactionTexts } from './serialize';
export type { TransactionTexts } from './serialize';
export {
  computeTransactionId,
  serializeForSigning,
  sha3Hex,
  signingMessage,
  signingMessages,
  transactionTexts,
} from './hashing';
export { checkTransactionId, verifyInputs, verifyTransaction } from './verify';
export type { SpentOutputLookup, VerificationError, VerificationResult } from './verify';
export {
  conditionDetailsFor,
  conditionFromDetails,
  decodeBase58,
  encodeBase58,
  fulfillmentValidates,
  parseFulfillment,
  publicKeyOfSeed,
  signingKeys,
} from './fulfillment';
export { parseFulfillmentUri } from './parsed-fulfillment';
export type { ParsedFulfillment } from './parsed-fulfillment';
export { signTransaction } from './sign';
