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
  /**
   * Point reads of cars' current coverage in flight at once, for the cars of a delivery not in the
   * cache (a cold instance): round trips overlap without flooding the connection pool.
   */
  vehicleReads: 16,
  /**
   * Cars whose current coverage (and its ETag) the event path keeps between deliveries, so a car's
   * next event is planned without reading it: ~2 KB each, so ~40 MB at most; a fleet larger than
   * this reads the cars that left the cache (one point read each), which costs time, not correctness.
   */
  cachedCars: 20_000,
  /** Cars re-rated at once after a driver change (a claim or violation on the request path). */
  vehiclesPerRerate: 8,
} as const;
