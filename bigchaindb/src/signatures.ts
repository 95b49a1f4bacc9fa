// The zod-free part of the transaction core, a package entry of its own
// (`@lease-premium/bigchaindb/signatures`): canonical serialization, id hash and fulfillment
// verification. Threads that only check signatures load it without the schemas (zod alone is ~12 MB
// of resident memory per thread); their callers validate the schema themselves.
export { serializeTransactionTexts } from './serialize';
export type { TransactionTexts } from './serialize';
export { checkTransactionId } from './verify';
export { signingMessages, transactionTexts } from './hashing';
export { parseFulfillmentUri } from './parsed-fulfillment';
export type { ParsedFulfillment } from './parsed-fulfillment';
export type { Input, Transaction, UnsignedTransaction } from './transaction';
