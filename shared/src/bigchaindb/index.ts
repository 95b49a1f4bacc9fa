// BigchainDB transaction model, canonical serialization, id hash and fulfillment verification (filled by the ledger work).
export {};
