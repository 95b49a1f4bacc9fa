// Why the WebJob dead-lettered a transaction or an event: the `kind` of every letter in its queue,
// which the WebJob's metrics and the console's operations page count by kind.
export const DEAD_LETTER_KINDS = [
  'verification-failed', // id hash or a signature does not verify, or the CREATE was not signed by its trusted issuer
  'malformed', // a trusted car's data breaks the shared data contract
  'rejected', // the receiver answered outcome "rejected" for the event
  'refused', // the receiver answered a non-retryable 4xx for the request carrying the event
  'poison', // sent alone, the event failed WEBJOB_MAX_EVENT_ATTEMPTS times while the receiver answered otherwise
] as const;

export type DeadLetterKind = (typeof DEAD_LETTER_KINDS)[number];
