// Every backoff, timeout, interval, size and grace period of the WebJob, in one place, each with the
// reason for its value. Values named after an environment variable are that setting's default
// (config.ts reads and bounds the variable); the others are fixed. Imported by the process's main
// thread too (heap-limit.ts), so this file imports nothing but a type.
import type { BackoffPolicy } from './util/retry';

/** Reading the ledger (ledger/ledger-client.ts, sequencer/height-sequencer.ts, classifier/asset-registry.ts). */
export const LEDGER_TUNING = {
  /** LEDGER_REQUEST_TIMEOUT_MS: a block or transaction read answers in milliseconds; 10 s only cuts off a hung connection. */
  requestTimeoutMs: 10_000,
  /** Network errors, timeouts and 5xx from the node: retried without end, up to 10 s apart (a node restart takes seconds). */
  readRetry: { baseMs: 200, maxMs: 10_000 } satisfies BackoffPolicy,
  /** A transaction a frame or block names may 404 while the node's index lags its stream; past 30 s it is logged and still retried. */
  indexLagToleranceMs: 30_000,
  /** Re-reading a block its frames said holds more transactions (index lag): short, since the node catches up in milliseconds. */
  indexLagRetry: { baseMs: 50, maxMs: 2_000 } satisfies BackoffPolicy,
  /** WEBJOB_FETCH_CONCURRENCY: blocks read ahead in catch-up; 8 keeps a local node busy without queueing on it. */
  fetchConcurrency: 8,
  /** WEBJOB_TIP_POLL_MS: while the stream is quiet, a new block is found by HTTP within 2 s even if its frame was lost. */
  tipPollMs: 2_000,
  /** WEBJOB_STALL_TIMEOUT_MS: blocks appear over HTTP while the stream says nothing for 15 s: reconnect it. */
  stallTimeoutMs: 15_000,
  /** A frame may arrive after its block was read; not announced 5 s later, the transaction counts as missed by the stream. */
  lateFrameGraceMs: 5_000,
  /** A v1 frame (no height) naming a transaction no block contains is given up on after 10 min (the node dropped it). */
  v1FrameGiveUpMs: 10 * 60_000,
  /** Heights remembered with the time they were first known (for lag in seconds): bounds that map in a huge backlog. */
  maxSeenHeights: 100_000,
} as const;

/** The ledger's WebSocket stream (stream/stream-client.ts). */
export const STREAM_TUNING = {
  /** WEBJOB_PING_INTERVAL_MS: a silent dead connection (no FIN through a proxy) is found within 15 s with the timeout below. */
  pingIntervalMs: 10_000,
  /** WEBJOB_PING_TIMEOUT_MS: a pong later than 5 s means the connection is gone. */
  pingTimeoutMs: 5_000,
  /** WEBJOB_RECONNECT_BASE_MS / _MAX_MS: reconnect fast after a blip, at most every 30 s while the node is down (HTTP polling covers the gap). */
  reconnect: { baseMs: 250, maxMs: 30_000 } satisfies BackoffPolicy,
} as const;

/** Delivering to the Function App (delivery/*). */
export const DELIVERY_TUNING = {
  /** WEBJOB_BATCH_SIZE: few enough events for one invocation to finish well within functionTimeout under load, enough to spread the per-request cost. */
  batchSize: 100,
  /** WEBJOB_MAX_CONCURRENCY: ceiling of the adaptive limit; a CPU-bound Function App gains nothing from more. */
  maxConcurrency: 8,
  /** WEBJOB_INITIAL_CONCURRENCY: start low and let the AIMD limit find the receiver's capacity. */
  initialConcurrency: 2,
  /**
   * WEBHOOK_TIMEOUT_MS: above the Function App's functionTimeout (host.json: 2 min) plus 30 s for the
   * time a request waits in front of the function, so a request given up is no longer running when its
   * retry arrives (under load, 30 s made the Function App answer "duplicate" most of its time); below
   * Azure's 230 s front-end limit and Node fetch's 300 s header timeout, so this is the timeout that fires.
   */
  webhookTimeoutMs: 150_000,
  /** WEBJOB_RETRY_BASE_MS / _MAX_MS: no give-up while the receiver is down; at most a minute between tries. */
  retry: { baseMs: 500, maxMs: 60_000 } satisfies BackoffPolicy,
  /** WEBJOB_MAX_EVENT_ATTEMPTS: as the Functions queue trigger's maxDequeueCount default: rides out a blip, moves on in seconds. */
  maxEventAttempts: 5,
  /** The health probe is a cheap GET: 10 s (or the webhook timeout, if lower) is plenty. */
  healthProbeTimeoutMs: 10_000,
  /** A probe answer is reused this long, so a batch being split does not probe once per piece. */
  healthProbeCacheMs: 1_000,
  /** An answer slower than this many times the baseline for its batch size is a latency blow-up ... */
  latencyTolerance: 3,
  /** ... and slower by at least this much (ignores the jitter of a fast local receiver). */
  latencyNoiseFloorMs: 50,
  /** How much of the receiver's answer a poison dead letter keeps: the status line of a stack trace, not the whole trace. */
  poisonExcerptChars: 500,
} as const;

/** Pending work, the checkpoint and memory (consumer/consumer.ts, checkpoint/*, heap-limit.ts). */
export const PROGRESS_TUNING = {
  /** WEBJOB_MAX_PENDING_EVENTS: reading pauses above this; ten full batches keep every request slot (8) busy while bounding memory. */
  maxPendingEvents: 1_000,
  /** WEBJOB_CHECKPOINT_INTERVAL_MS: one Table write a second; a crash redelivers at most a second of (deduplicated) events. */
  checkpointIntervalMs: 1_000,
  /** WEBJOB_STALL_ALERT_SECONDS: the Function App's functionTimeout: a stall longer than any single request can run. */
  stallAlertSeconds: 120,
  /**
   * WEBJOB_VERIFY_THREADS: one verifier thread per core beyond the pipeline's own, at most this many:
   * each is a V8 isolate of its own (memory), and with libsodium the in-order pipeline thread, not
   * verification, is the busier one (README, Performance).
   */
  maxDefaultVerifyThreads: 4,
  /** WEBJOB_ASSET_CACHE_SIZE: an active fleet of 20,000 cars in ~11 MB of heap. */
  assetCacheSize: 20_000,
  /** What the WebJob keeps besides its asset cache: loaded code and schemas (~14 MB), pending events, read-ahead. */
  baseHeapMb: 40,
  /** Heap per remembered car, with headroom: ~575 bytes measured by devstack/dist/bench/asset-cache-bench.js. */
  heapBytesPerCachedCar: 600,
} as const;

/** Dead letters (deadletter/dead-letter-store.ts, replay/replayer.ts, webjob.ts). */
export const DEAD_LETTER_TUNING = {
  /** A failed dead-letter write holds its height back: retried without end, at most 30 s apart. */
  writeRetry: { baseMs: 500, maxMs: 30_000 } satisfies BackoffPolicy,
  /** Azure Queue messages are limited to 64 KiB; larger letters keep a pointer to the ledger instead of the payload. */
  maxMessageChars: 48_000,
  /** The webjob_dead_letters gauge re-counts the queue's letters this often (one Table query). */
  countIntervalMs: 5_000,
  /** A replay hides the letters it takes for an hour: long enough to replay them, short enough to reappear if it dies. */
  replayHideSeconds: 3_600,
} as const;

/** Leadership and the process's lifetime (leadership/blob-leadership.ts, webjob.ts, ops/shutdown-watcher.ts). */
export const LIFETIME_TUNING = {
  /** WEBJOB_LEASE_SECONDS: a crashed leader's successor takes over within 30 s. */
  leaseSeconds: 30,
  /** Renewals per lease period: after a failed one, two more are tried before the lease could lapse. */
  leaseRenewalsPerPeriod: 4,
  /** Leadership counts as lost this long before the lease could expire: clocks and requests in flight need the margin. */
  leaseExpiryMarginMs: 3_000,
  /** A standby tries the lease this often (at least three times per lease period): a freed lease is taken within seconds. */
  standbyPollMs: 5_000,
  /** A failed consumer (storage down, a lost checkpoint race) restarts after a backoff of up to 30 s. */
  restartBackoff: { baseMs: 1_000, maxMs: 30_000 } satisfies BackoffPolicy,
  /** WEBJOB_SHUTDOWN_GRACE_MS: deliveries in flight may finish for 20 s; settings.job's stopping_wait_time (30 s) leaves 10 s for the checkpoint and the lease. */
  shutdownGraceMs: 20_000,
  /** The WebJobs shutdown file is polled (fs.watch is unreliable on App Service's network file system). */
  shutdownFilePollMs: 500,
} as const;
