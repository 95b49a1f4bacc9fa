// The WebJob process minus process concerns: storage, health server, and the leadership loop
// (standby until the lease is ours, consume while it is, stop at once when it is lost).
// Tests and main.ts start it the same way.
import { WebhookSigner } from '@lease-premium/events';
import { encodeTableKey } from '@lease-premium/events/azure-storage';
import type { WebJobConfig } from './config';
import { TableCheckpointStore } from './checkpoint/table-checkpoint-store';
import { Consumer } from './consumer/consumer';
import type { DeadLetterKind } from '@lease-premium/events';
import { QueueDeadLetterStore } from './deadletter/dead-letter-store';
import { WebhookSender } from './delivery/webhook-sender';
import { BlobLeadership } from './leadership/blob-leadership';
import { LedgerClient } from './ledger/ledger-client';
import { startHealthServer, type HealthServer } from './ops/health-server';
import type { Logger } from './ops/logger';
import { WebJobMetrics } from './ops/metrics';
import type { WebJobTelemetry } from './ops/telemetry';
import { createStorageClients, ensureStorage } from './storage/storage-clients';
import { DEAD_LETTER_TUNING, LEDGER_TUNING, LIFETIME_TUNING } from './tuning';
import { AbortedError } from './util/aborted';
import { backoffDelay, sleep } from './util/retry';

export interface RunningWebJob {
  readonly healthPort: number;
  readonly metrics: WebJobMetrics;
  /** Graceful stop: intake stops, deliveries finish within the grace period, checkpoint stored, lease released. */
  stop(reason?: string): Promise<void>;
  /** Settles when the job has stopped (rejects only on an unrecoverable start-up failure). */
  readonly done: Promise<void>;
}

export async function startWebJob(
  config: WebJobConfig,
  logger: Logger,
  telemetry?: WebJobTelemetry,
): Promise<RunningWebJob> {
  const metrics = new WebJobMetrics();
  telemetry?.observe(metrics);
  const storage = createStorageClients(config.storage);
  const ledger = new LedgerClient({
    apiUrl: config.ledger.apiUrl,
    requestTimeoutMs: config.ledger.requestTimeoutMs,
    retry: LEDGER_TUNING.readRetry,
    logger: logger.child({ component: 'ledger' }),
    metrics,
  });
  const sender = new WebhookSender({
    url: config.webhook.url,
    functionKey: config.webhook.functionKey,
    signer: new WebhookSigner(config.webhook.secrets),
    timeoutMs: config.webhook.timeoutMs,
    ...(telemetry ? { trace: (id: string) => telemetry.request(id) } : {}),
  });
  const deadLetters = new QueueDeadLetterStore(
    storage.deadLetters,
    storage.checkpoints,
    DEAD_LETTER_TUNING.writeRetry,
    logger.child({ component: 'dead-letters' }),
  );
  const leadership = new BlobLeadership(
    storage.leases,
    `${encodeTableKey(config.ledger.source)}~${config.consumerName}`,
    config.leaseSeconds,
    logger.child({ component: 'leadership' }),
  );

  const stopping = new AbortController();
  let consumer: Consumer | undefined;
  let role: 'starting' | 'standby' | 'leader' | 'stopping' | 'stopped' = 'starting';

  let deadLetterCounts: Record<DeadLetterKind, number> | undefined;
  const health: HealthServer = await startHealthServer(config.health.host, config.health.port, metrics, () => {
    const consumption = consumer?.status();
    const reasons: string[] = [];
    if (role === 'leader' && consumption && consumption.stalledSeconds >= config.stallAlertSeconds) {
      reasons.push(
        `checkpoint has not advanced for ${Math.floor(consumption.stalledSeconds)} s while events are pending (WEBJOB_STALL_ALERT_SECONDS=${config.stallAlertSeconds})`,
      );
    }
    return {
      status: role === 'stopped' ? 'stopped' : reasons.length > 0 ? 'degraded' : 'healthy',
      healthy: role !== 'stopped' && reasons.length === 0,
      reasons,
      role,
      ...consumption,
      lastSeenHeight: metrics.lastSeenHeight.get(),
      lastDeliveredHeight: metrics.lastDeliveredHeight.get(),
      lagBlocks: metrics.lagBlocks.get(),
      pendingEvents: metrics.pendingEvents.get(),
      oldestPendingEventAgeSeconds: metrics.oldestPendingEventAge.get(),
      deadLetters: deadLetterCounts ?? null, // null until first counted
    };
  });
  const countDeadLetters = (): void => {
    deadLetters.countByKind().then(
      (counts) => {
        deadLetterCounts = counts;
        for (const [kind, count] of Object.entries(counts)) metrics.deadLetters.set(count, { kind });
      },
      (error: unknown) => logger.warn('could not count the dead letters', { error }),
    );
  };
  const deadLetterCounter = setInterval(countDeadLetters, DEAD_LETTER_TUNING.countIntervalMs);
  logger.info('health and metrics listening', {
    url: `http://${config.health.host}:${health.port}/healthz`,
    port: health.port,
  });

  // Standby until the lease is ours, consume while it is; a failed term restarts after a backoff.
  // Every wait here rejects with AbortedError once `stopping` aborts: that ends the loop.
  const stopRequested = (error: unknown): boolean => error instanceof AbortedError && stopping.signal.aborted;
  const loop = async (): Promise<void> => {
    for (let attempt = 1; !stopping.signal.aborted;) {
      try {
        await ensureStorage(storage);
        if (!deadLetterCounts) countDeadLetters();
        const term = await leadership.tryAcquire();
        if (!term) {
          if (role !== 'standby') logger.info('standby: another instance holds the leadership lease');
          role = 'standby';
          metrics.leader.set(0);
          await sleep(Math.min(LIFETIME_TUNING.standbyPollMs, (config.leaseSeconds * 1000) / 3), stopping.signal);
          continue;
        }
        role = 'leader';
        metrics.leader.set(1);
        consumer = new Consumer({
          config,
          logger,
          metrics,
          ledger,
          checkpoints: new TableCheckpointStore(storage.checkpoints, config.ledger.source, config.consumerName),
          deadLetters,
          sender,
          telemetry,
        });
        try {
          await consumer.run(term.signal, stopping.signal);
        } finally {
          metrics.leader.set(0);
          await term.release();
        }
        attempt = 1;
      } catch (error) {
        if (stopRequested(error)) return;
        const delayMs = backoffDelay(LIFETIME_TUNING.restartBackoff, attempt++);
        logger.error('consumer failed; restarting', { error, delayMs });
        await sleep(delayMs, stopping.signal);
      }
    }
  };

  const done = loop()
    .catch((error: unknown) => {
      if (!stopRequested(error)) throw error;
    })
    .finally(async () => {
      role = 'stopped';
      clearInterval(deadLetterCounter);
      await health.close();
      logger.info('webjob stopped');
      await telemetry?.shutdown(); // sends what is buffered
    });

  return {
    healthPort: health.port,
    metrics,
    done,
    stop: async (reason = 'stop requested') => {
      if (!stopping.signal.aborted) {
        logger.info('shutting down', { reason, graceMs: config.shutdown.graceMs });
        role = 'stopping';
        stopping.abort();
      }
      await done;
    },
  };
}
