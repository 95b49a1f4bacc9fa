// The Function App's retry, timeout and concurrency values, in one place, each with the reason for
// its value. (Input bounds, such as body sizes and page sizes, stay at the edge that checks them.)

/** Retries and timeouts. */
export const RETRY_TUNING = {
  /**
   * Retry-After on a 503 (storage out of reach, too many lost write races): long enough for a Table
   * throttling episode or a brief outage to pass, short enough that the WebJob's own backoff
   * (starting at 500 ms) is not held back for long.
   */
  retryAfterSeconds: 5,
  /**
   * Optimistic-concurrency attempts per write (each re-reads the row: a lost race means someone else
   * progressed) before the request gives up with 503; ten lost races in a row means the row is hot.
   */
  maxWriteAttempts: 10,
  /**
   * The Azure SDK's retries of one Table request: few and short, because the whole request is
   * retried by its caller after a 503 (the WebJob without end, a back-office client at will), and an
   * invocation must end well within functionTimeout.
   */
  storageRequest: { maxRetries: 2, maxRetryDelayInMs: 2_000 },
  /** The console's probe of the WebJob's /healthz: a local GET; a slow one shows as unreachable. */
  webJobHealthTimeoutMs: 2_000,
} as const;

/** Work done side by side within one invocation. */
export const CONCURRENCY_TUNING = {
  /** Cars of one webhook batch processed at once (one car's events always in order): Table round trips overlap. */
  vehiclesPerDelivery: 16,
  /** Cars re-rated at once after a driver change (a claim or violation on the request path). */
  vehiclesPerRerate: 8,
} as const;
