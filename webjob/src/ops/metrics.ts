// The WebJob's counters and gauges, rendered as Prometheus text exposition format 0.0.4.
// One place lists every metric so /metrics, the README and the tests agree on the names.

type Labels = Record<string, string>;

export interface MetricDef {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
}

function labelKey(labels: Labels | undefined): string {
  if (!labels) return '';
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

class Metric {
  readonly values = new Map<string, number>();
  /** The labels behind each key of `values` (for exporters that take labels, not text). */
  readonly labelSets = new Map<string, Labels | undefined>();
  constructor(readonly def: MetricDef) {}
  inc(by = 1, labels?: Labels): void {
    const key = labelKey(labels);
    if (!this.labelSets.has(key)) this.labelSets.set(key, labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  set(value: number, labels?: Labels): void {
    const key = labelKey(labels);
    if (!this.labelSets.has(key)) this.labelSets.set(key, labels);
    this.values.set(key, value);
  }
  get(labels?: Labels): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  /** Sum over every label combination. */
  total(): number {
    let sum = 0;
    for (const v of this.values.values()) sum += v;
    return sum;
  }
}

export class WebJobMetrics {
  // Declared first: the metric fields below register into it as they initialise.
  private readonly all: Metric[] = [];
  readonly leader = this.gauge(
    'webjob_leader',
    '1 while this instance holds the leadership lease and consumes; 0 on standby',
  );
  readonly streamConnected = this.gauge('webjob_stream_connected', '1 while the ledger WebSocket is open');
  readonly lastSeenHeight = this.gauge(
    'webjob_last_seen_height',
    'Highest block height known to exist (stream frames and HTTP probes)',
  );
  readonly lastDeliveredHeight = this.gauge(
    'webjob_last_delivered_height',
    'Checkpoint: last height whose events are all acknowledged or dead-lettered',
  );
  readonly lagBlocks = this.gauge('webjob_lag_blocks', 'last_seen_height - last_delivered_height');
  readonly lagSeconds = this.gauge(
    'webjob_lag_seconds',
    'Age of the oldest height seen but not yet fully delivered (0 when caught up)',
  );
  readonly pendingEvents = this.gauge(
    'webjob_pending_events',
    'Events mapped but not yet acknowledged (queued or in flight)',
  );
  readonly oldestPendingEventAge = this.gauge(
    'webjob_oldest_pending_event_age_seconds',
    'Age of the oldest event not yet acknowledged or dead-lettered, from when its block was first seen (0 when none is pending)',
  );
  readonly checkpointStalled = this.gauge(
    'webjob_checkpoint_stalled_seconds',
    'How long the checkpoint has not advanced while events are pending (0 when it advances or nothing is pending); /healthz is degraded above WEBJOB_STALL_ALERT_SECONDS',
  );
  readonly transactionsSeen = this.counter('webjob_transactions_seen_total', 'Ledger transactions read from blocks');
  readonly eventsDelivered = this.counter(
    'webjob_events_delivered_total',
    'Events acknowledged by the receiver, by outcome (applied, duplicate, stale)',
  );
  readonly eventsSkipped = this.counter(
    'webjob_events_skipped_total',
    'Ledger transactions that are not tracked car-lease events, by reason',
  );
  readonly eventsDeadLettered = this.counter(
    'webjob_events_dead_lettered_total',
    'Transactions or events this process wrote to the dead-letter queue, by reason kind',
  );
  readonly deadLetters = this.gauge(
    'webjob_dead_letters',
    'Dead letters in the queue now (written by any run, not yet replayed), by kind',
  );
  readonly deliveryRequests = this.counter(
    'webjob_delivery_requests_total',
    'Webhook POSTs, by result (HTTP status or "timeout"/"network")',
  );
  readonly deliveryConcurrencyLimit = this.gauge(
    'webjob_delivery_concurrency_limit',
    'Adaptive (AIMD) limit on webhook requests in flight; WEBJOB_MAX_CONCURRENCY is its ceiling',
  );
  readonly deliverySplits = this.counter(
    'webjob_delivery_splits_total',
    'Batches split in two because they failed while the receiver answered otherwise (poison isolation)',
  );
  readonly deliveryRetries = this.counter(
    'webjob_delivery_retries_total',
    'Webhook POSTs that will be retried (5xx, 408, 429, timeouts, connection errors)',
  );
  readonly streamReconnects = this.counter('webjob_stream_reconnects_total', 'WebSocket reconnect attempts');
  readonly streamFrames = this.counter(
    'webjob_stream_frames_total',
    'WebSocket frames received, by format (v1, v2, invalid)',
  );
  readonly catchupRecovered = this.counter(
    'webjob_catchup_recovered_transactions_total',
    'Transactions found by catch-up over HTTP that the live stream never announced',
  );
  readonly catchupBlocks = this.counter('webjob_blocks_fetched_total', 'Blocks read over HTTP');
  readonly ledgerRetries = this.counter(
    'webjob_ledger_retries_total',
    'Ledger HTTP reads retried (errors, 5xx, 404 while the index lags)',
  );
  readonly checkpointWrites = this.counter('webjob_checkpoint_writes_total', 'Checkpoint writes to Table storage');
  readonly residentMemory = this.gauge('process_resident_memory_bytes', 'Resident set size of the WebJob process');
  readonly heapUsed = this.gauge('nodejs_heap_used_bytes', 'V8 heap in use');

  private counter(name: string, help: string): Metric {
    return this.register({ name, help, type: 'counter' });
  }
  private gauge(name: string, help: string): Metric {
    return this.register({ name, help, type: 'gauge' });
  }
  private register(def: MetricDef): Metric {
    const metric = new Metric(def);
    this.all.push(metric);
    return metric;
  }

  names(): string[] {
    return this.all.map((m) => m.def.name);
  }

  /** Every metric's name, help text and type (OpenTelemetry instruments mirror them). */
  definitions(): MetricDef[] {
    return this.all.map((m) => m.def);
  }

  /** Every current value with its labels, the process gauges refreshed first; unset metrics read 0. */
  forEachValue(visit: (name: string, value: number, labels: Labels | undefined) => void): void {
    this.refreshProcessGauges();
    for (const m of this.all) {
      if (m.values.size === 0) visit(m.def.name, 0, undefined);
      for (const [key, value] of m.values) visit(m.def.name, value, m.labelSets.get(key));
    }
  }

  private refreshProcessGauges(): void {
    const memory = process.memoryUsage();
    this.residentMemory.set(memory.rss);
    this.heapUsed.set(memory.heapUsed);
  }

  render(): string {
    this.refreshProcessGauges();
    const lines: string[] = [];
    for (const m of this.all) {
      lines.push(`# HELP ${m.def.name} ${m.def.help}`, `# TYPE ${m.def.name} ${m.def.type}`);
      if (m.values.size === 0) lines.push(`${m.def.name} 0`);
      for (const [key, value] of m.values) lines.push(`${m.def.name}${key} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
