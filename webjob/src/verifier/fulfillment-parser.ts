// The fast fulfillment parser now lives in the shared BigchainDB core (one implementation for the ledger node
// and the WebJob); this name is kept for the WebJob's callers.
import { bigchaindb } from '@lease-premium/events';

export type ParsedFulfillment = bigchaindb.ParsedFulfillment;
export const parseFulfillmentUri = bigchaindb.parseFulfillmentUri;
