// BigchainDB v2.0 transaction core: model, canonical serialization, id hash, fulfillment verification, signing.
// Shared by the local ledger node (devstack) and the WebJob.
export * from './transaction';
export { serialize } from './serialize';
export { computeTransactionId, serializeForSigning, signingMessage, sha3Hex } from './hashing';
export { checkTransactionId, verifyInputs, verifyTransaction } from './verify';
export type { SpentOutputLookup, VerificationError, VerificationResult } from './verify';
export { conditionDetailsFor, conditionFromDetails, decodeBase58, encodeBase58, fulfillmentValidates, parseFulfillment, publicKeyOfSeed, signingKeys } from './fulfillment';
export { signTransaction } from './sign';
