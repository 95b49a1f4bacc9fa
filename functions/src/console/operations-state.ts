// What an operator sees of the bridge, read by the Function App (in Azure the WebJob's health port
// is private to its instance, so the console cannot ask the WebJob itself):
// - the WebJob's checkpoint rows ({prefix}Checkpoints: last fully acknowledged height per consumer),
// - its dead-letter queue ({prefix}-deadletters): approximate size and the kinds of the first letters,
// - the WebJob's /healthz (leader, stream, lag, pending events) when CONSOLE_WEBJOB_HEALTH_URL points
//   at it: the local stack sets it; in Azure it stays unset and the page says where to look instead.
import type * as StorageQueue from '@azure/storage-queue';
import type { QueueClient } from '@azure/storage-queue';
import { DEAD_LETTER_KINDS } from '@lease-premium/events';
import {
  decodeTableKey,
  storageCredential,
  storageServiceUrl,
  type StorageSettings,
} from '@lease-premium/events/azure-storage';
import { storageCall } from '../storage/storage-errors';
import type { CheckpointRow, DeadLetterSummary, OperationsState, WebJobLiveState } from './console-contract';
import type { TableStore } from '../storage/table-store';
import { RETRY_TUNING } from '../tuning';

const PEEK_MAX = 32;
/** The WebJob's answers are shown as-is; a bound keeps a wrong URL from filling the page. */
const MAX_HEALTH_CHARS = 256 * 1024;

/** The queue client, with @azure/storage-queue loaded at this first call (only the operations page reads the queue). */
export function deadLetterQueueClient(settings: StorageSettings, name: string): QueueClient {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { QueueClient } = require('@azure/storage-queue') as typeof StorageQueue;
  if (settings.kind === 'connection-string') return new QueueClient(settings.connectionString, name);
  return new QueueClient(`${storageServiceUrl(settings.accountName, 'queue')}/${name}`, storageCredential(settings));
}

export class OperationsReader {
  constructor(
    private readonly store: TableStore,
    private readonly checkpointsTable: string,
    private readonly deadLetters: QueueClient,
    private readonly webjobHealthUrl: string | undefined,
  ) {}

  async read(): Promise<OperationsState> {
    const [checkpoints, deadLetters, webjob] = await Promise.all([
      this.checkpoints(),
      this.deadLetterSummary(),
      this.webjobState(),
    ]);
    return { checkpoints, deadLetters, webjob, readAt: new Date().toISOString() };
  }

  private async checkpoints(): Promise<CheckpointRow[]> {
    const table = await this.store.table(this.checkpointsTable);
    return storageCall('list checkpoints', async () => {
      const rows: CheckpointRow[] = [];
      for await (const row of table.listEntities<{ height?: unknown; updatedAt?: unknown }>()) {
        rows.push({
          source: decodeTableKey(row.partitionKey ?? ''),
          consumer: decodeTableKey(row.rowKey ?? ''),
          height: Number(row.height),
          updatedAt: typeof row.updatedAt === 'string' ? row.updatedAt : '',
        });
        if (rows.length >= 100) break;
      }
      return rows;
    });
  }

  private async deadLetterSummary(): Promise<DeadLetterSummary> {
    const queue = this.deadLetters;
    const summary: DeadLetterSummary = {
      queue: queue.name,
      approximateCount: 0,
      peekedByKind: {},
      peeked: 0,
      replayCommand: 'npm run replay -- --dead-letters',
    };
    const exists = await storageCall('check dead-letter queue', () => queue.exists());
    if (!exists) return summary;
    const [properties, peeked] = await Promise.all([
      storageCall('read dead-letter queue', () => queue.getProperties()),
      storageCall('peek dead letters', () => queue.peekMessages({ numberOfMessages: PEEK_MAX })),
    ]);
    summary.approximateCount = properties.approximateMessagesCount ?? 0;
    for (const message of peeked.peekedMessageItems) {
      const kind = kindOf(message.messageText);
      summary.peekedByKind[kind] = (summary.peekedByKind[kind] ?? 0) + 1;
      summary.peeked += 1;
    }
    return summary;
  }

  private async webjobState(): Promise<WebJobLiveState> {
    if (!this.webjobHealthUrl) {
      return {
        reachable: false,
        reason:
          "the WebJob's health endpoint is private to its App Service instance: see its metrics in Application Insights",
      };
    }
    try {
      const [health, metrics] = await Promise.all([
        boundedText(this.webjobHealthUrl),
        boundedText(new URL('metrics', this.webjobHealthUrl).toString()).catch(() => ''),
      ]);
      const status = JSON.parse(health) as unknown;
      if (typeof status !== 'object' || status === null || Array.isArray(status))
        return { reachable: false, reason: 'the WebJob health answer is not a JSON object' };
      const lagSeconds = gaugeValue(metrics, 'webjob_lag_seconds');
      return {
        reachable: true,
        status: {
          ...(status as Record<string, unknown>),
          ...(lagSeconds !== undefined ? { oldestPendingAgeSeconds: lagSeconds } : {}),
        },
      };
    } catch (error) {
      return {
        reachable: false,
        reason: `the WebJob did not answer: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }
}

async function boundedText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(RETRY_TUNING.webJobHealthTimeoutMs) });
  const text = await response.text();
  if (text.length > MAX_HEALTH_CHARS) throw new Error(`${url} answered more than ${MAX_HEALTH_CHARS} characters`);
  return text;
}

/** The value of an unlabelled gauge in Prometheus text format. */
export function gaugeValue(metricsText: string, name: string): number | undefined {
  const line = metricsText.split('\n').find((l) => l.startsWith(`${name} `));
  const value = line ? Number(line.slice(name.length + 1).trim()) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

/** Dead letters are JSON written by the WebJob; anything else is counted as "unreadable". */
export function kindOf(messageText: string): string {
  try {
    const parsed = JSON.parse(messageText) as { kind?: unknown };
    if (typeof parsed.kind === 'string' && (DEAD_LETTER_KINDS as readonly string[]).includes(parsed.kind))
      return parsed.kind;
  } catch {
    // not JSON
  }
  return 'unreadable';
}
