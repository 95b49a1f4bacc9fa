// Turns the runs into the printed table and the JSON document: each figure as the median of the
// runs with min-max, next to its target; then the cost per million ownership changes at Azure list
// prices, from the medians of the saturation phase's figures (azure-cost.ts).
import { cpus, loadavg } from 'node:os';
import { costPerMillionOwnershipChanges, type CostPerMillion } from './azure-cost';
import type { BenchPlan } from './plan';
import type { RunResult } from './run';
import { spread, type Spread } from './stats';

export interface Figure extends Spread {
  label: string;
  unit: string;
  /** e.g. ">= 5" ; absent when the figure has no target. */
  target?: string;
  met?: boolean;
}

export interface BenchReport {
  schema: 'lease-premium/bench-e2e@1';
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; cpuModel: string; node: string; loadAverageAtEnd: number[] };
  plan: Omit<BenchPlan, 'skip'> & { skip: string[] };
  method: Record<string, string>;
  figures: Record<string, Figure>;
  /** Absent when the run did not measure what it needs (the saturation phase skipped or failed). */
  costPerMillionOwnershipChanges?: CostPerMillion;
  runs: RunResult[];
}

const MB = 1024 * 1024;

export const METHOD = {
  commitTime: "the ledger node's own log line for each block ('block committed', its clock, ms precision)",
  storedTime:
    'the storage Timestamp of the premium history record, written in the same Table transaction as the current coverage and the processed-event marker (durable and readable from then on)',
  latency:
    'stored time - commit time of the block holding the transaction, per event; nearest-rank percentiles over every event of the phase',
  throughput:
    'events / (last premium stored - first block commit of the phase); posting stops when the ledger committed everything',
  catchUp:
    'WebJob stopped (graceful, checkpoint stored), the backlog committed, WebJob spawned: spawn -> last premium of the backlog stored',
  naive:
    'devstack/src/bench/naive-bridge.ts in its own process, the WebJob stopped, the same number of transfers posted the same way',
  storageCeiling:
    'copies of a real premium history record written to the same Azurite by 100-entity transactions, one partition each, concurrently',
  memory: '/proc/<pid>/status: VmHWM (kernel peak RSS) and VmRSS sampled every 250 ms',
  cpu: '/proc/<pid>/stat utime + stime used during the phase, divided by its events (independent of machine load, unlike rates)',
  storageRequests:
    "HTTP requests the Function App's and the WebJob's processes sent to the table endpoint during the phase (Node's http.client.request.start diagnostics channel, preloaded into each), divided by its events; an entity-group transaction is one request and one billed transaction",
  deliveries:
    "the WebJob's webjob_delivery_requests_total during the phase: each POST, a retry too, is one Functions execution",
  cost: 'per one million ownership changes at the list prices of azure-cost.ts, from the medians of the saturation figures: table requests per event, events per delivery, Function App CPU per event (as its execution time), throughput (the pace of the WebJob)',
};

type Pick = (run: RunResult) => number | undefined;

export function buildReport(plan: BenchPlan, runs: RunResult[], startedAt: Date): BenchReport {
  const figures: Record<string, Figure> = {};
  const add = (
    key: string,
    label: string,
    unit: string,
    pick: Pick,
    target?: { text: string; ok: (v: number) => boolean },
  ): void => {
    const values = runs.map((run) => pick(run) ?? Number.NaN);
    if (values.every((v) => !Number.isFinite(v))) return;
    const s = spread(values);
    figures[key] = { label, unit, ...s, ...(target ? { target: target.text, met: target.ok(s.median) } : {}) };
  };
  const peak = (
    run: RunResult,
    process: string,
    field: 'peakRssBytes' | 'rssBytes',
    phases?: string[],
  ): number | undefined => {
    const values = Object.entries(run.processes)
      .filter(([phase]) => !phases || phases.includes(phase))
      .map(([, readings]) => readings[process]?.[field])
      .filter((v): v is number => v !== undefined && Number.isFinite(v));
    return values.length ? Math.max(...values) / MB : undefined;
  };
  add('saturationThroughput', 'throughput at saturation', 'events/s', (r) => r.saturation?.eventsPerSecond);
  add('saturationCommitRate', '  ledger commit rate meanwhile', 'tx/s', (r) => r.saturation?.committedPerSecond);
  add('saturationP99', '  latency p99 at saturation (backlog)', 'ms', (r) => r.saturation?.latency.p99);
  add('fixedP50', `latency p50 at ${plan.fixedRate}/s offered`, 'ms', (r) => r.fixedRate?.latency.p50);
  add('fixedP95', `latency p95 at ${plan.fixedRate}/s offered`, 'ms', (r) => r.fixedRate?.latency.p95);
  add('fixedP99', `latency p99 at ${plan.fixedRate}/s offered`, 'ms', (r) => r.fixedRate?.latency.p99, {
    text: '<= 250',
    ok: (v) => v <= 250,
  });
  add(
    'nearRate',
    `near-saturation offered rate (${Math.round(plan.nearSaturationFraction * 100)}% of saturation)`,
    'events/s',
    (r) => r.nearSaturation?.offeredPerSecond,
  );
  add('nearP50', '  latency p50 near saturation', 'ms', (r) => r.nearSaturation?.latency.p50);
  add('nearP95', '  latency p95 near saturation', 'ms', (r) => r.nearSaturation?.latency.p95);
  add('nearP99', '  latency p99 near saturation', 'ms', (r) => r.nearSaturation?.latency.p99);
  add('catchUpSeconds', `catch-up of ${plan.catchUpTransfers} transfers`, 's', (r) => r.catchUp?.seconds);
  add('catchUpRate', '  catch-up rate', 'tx/s', (r) => r.catchUp?.transactionsPerSecond, {
    text: '>= 5000',
    ok: (v) => v >= 5000,
  });
  add('catchUpDrained', '  backlog drained within the limit', '%', (r) =>
    r.catchUp ? (100 * r.catchUp.stored) / r.catchUp.transfers : undefined,
  );
  add('webjobRetries', 'WebJob delivery retries in the run (timeouts, 5xx)', '', (r) => r.webjobRetries);
  add('naiveThroughput', 'naive bridge throughput', 'events/s', (r) => r.naive?.eventsPerSecond);
  add(
    'naiveRatio',
    '  ours / naive',
    'x',
    (r) => (r.saturation && r.naive ? r.saturation.eventsPerSecond / r.naive.eventsPerSecond : undefined),
    { text: '>= 5', ok: (v) => v >= 5 },
  );
  add('ceiling', 'storage ceiling (batched, concurrent)', 'records/s', (r) => r.storageCeiling?.entitiesPerSecond);
  add(
    'ceilingFraction',
    '  ours / ceiling',
    '%',
    (r) =>
      r.saturation && r.storageCeiling
        ? (100 * r.saturation.eventsPerSecond) / r.storageCeiling.entitiesPerSecond
        : undefined,
    { text: '>= 50', ok: (v) => v >= 50 },
  );
  add(
    'webjobSteadyRss',
    `WebJob RSS, steady at ${plan.fixedRate}/s`,
    'MB',
    (r) => peak(r, 'webjob', 'rssBytes', ['fixed-rate']),
    { text: '<= 150', ok: (v) => v <= 150 },
  );
  add('webjobPeakRss', 'WebJob peak RSS (VmHWM, any phase)', 'MB', (r) => peak(r, 'webjob', 'peakRssBytes'));
  add('functionAppPeakRss', 'Function App host peak RSS (VmHWM)', 'MB', (r) => peak(r, 'function-app', 'peakRssBytes'));
  add('naivePeakRss', 'naive bridge peak RSS (VmHWM)', 'MB', (r) => peak(r, 'naive-bridge', 'peakRssBytes'));
  const cpuPerEvent = (run: RunResult, phase: 'saturation' | 'catch-up', process: string): number | undefined => {
    const used = run.processes[phase]?.[process]?.cpuMs;
    const events = phase === 'saturation' ? run.saturation?.transfers : run.catchUp?.transfers;
    return used !== undefined && events ? used / events : undefined;
  };
  for (const process of ['webjob', 'function-app', 'azurite', 'ledger']) {
    add(`cpuPerEvent:${process}`, `CPU per event at saturation: ${process}`, 'ms', (r) =>
      cpuPerEvent(r, 'saturation', process),
    );
  }
  for (const process of ['webjob', 'function-app', 'azurite', 'ledger']) {
    add(`cpuPerEventCatchUp:${process}`, `CPU per event in catch-up: ${process}`, 'ms', (r) =>
      cpuPerEvent(r, 'catch-up', process),
    );
  }
  add('cpuPerEventNaive', 'CPU per event: naive bridge', 'ms', (r) => {
    const used = r.processes.naive?.['naive-bridge']?.cpuMs;
    return used !== undefined && r.naive ? used / r.naive.transfers : undefined;
  });
  const saturationTraffic = (run: RunResult) => (run.saturation ? run.traffic.saturation : undefined);
  for (const part of ['function-app', 'webjob'] as const) {
    add(`storageRequestsPerEvent:${part}`, `table requests per event at saturation: ${part}`, '', (r) => {
      const requests = saturationTraffic(r)?.storageRequests[part];
      return requests !== undefined && r.saturation ? requests / r.saturation.transfers : undefined;
    });
  }
  add('eventsPerDelivery', 'events per webhook delivery at saturation', '', (r) => {
    const deliveries = saturationTraffic(r)?.deliveryRequests;
    return deliveries && r.saturation ? r.saturation.transfers / deliveries : undefined;
  });
  add('loadAverage', 'machine load average (1 min) at run start', '', (r) => r.loadAverageAtStart[0]);
  const cost = costOf(figures);
  return {
    schema: 'lease-premium/bench-e2e@1',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      loadAverageAtEnd: loadavg(),
    },
    plan: { ...plan, skip: [...plan.skip] },
    method: METHOD,
    figures,
    ...(cost ? { costPerMillionOwnershipChanges: cost } : {}),
    runs,
  };
}

/** The cost per million ownership changes from the figures' medians; undefined when one is missing. */
function costOf(figures: Record<string, Figure>): CostPerMillion | undefined {
  const median = (key: string): number => figures[key]?.median ?? Number.NaN;
  const inputs = {
    storageRequestsPerEvent: median('storageRequestsPerEvent:function-app') + median('storageRequestsPerEvent:webjob'),
    eventsPerDelivery: median('eventsPerDelivery'),
    functionAppMsPerEvent: median('cpuPerEvent:function-app'),
    eventsPerSecond: median('saturationThroughput'),
  };
  if (!Object.values(inputs).every(Number.isFinite)) return undefined;
  return costPerMillionOwnershipChanges(inputs);
}

function format(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  if (value !== 0 && Math.abs(value) < 0.1) return value.toPrecision(2); // e.g. 0.0033 requests/event
  return value.toFixed(2);
}

export function reportTable(report: BenchReport): string {
  const rows = Object.values(report.figures).map((f) => [
    f.label,
    `${format(f.median)} ${f.unit}`.trim(),
    f.runs.length > 1 ? `${format(f.min)} - ${format(f.max)}` : '',
    f.target ? `${f.target}${f.unit === '%' || f.unit === 'x' ? f.unit : ''} ${f.met ? 'met' : 'NOT met'}` : '',
  ]);
  const header = ['figure', `median of ${report.runs.length}`, 'min - max', 'target'];
  const table = textTable(header, rows);
  const cost = report.costPerMillionOwnershipChanges;
  return cost ? `${table}\n\n${costTable(cost)}` : table;
}

/** The "cost per million ownership changes" block: quantity, list price and USD per item. */
export function costTable(cost: CostPerMillion): string {
  const usd = (value: number): string => `$${value < 1 ? value.toFixed(4) : value.toFixed(2)}`;
  const amount = (value: number): string => (value >= 1000 ? Math.round(value).toLocaleString('en-US') : format(value));
  const rows = cost.lines.map((l) => [
    l.item,
    `${amount(l.quantity)} ${l.unit}`,
    `${listPrice(l.price.usd)} per ${l.price.pricedPer}${l.price.toBeChecked ? ' *' : ''}`,
    usd(l.usd),
  ]);
  rows.push(['total', '', '', usd(cost.totalUsd)]);
  const { storageRequestsPerEvent, eventsPerDelivery, functionAppMsPerEvent, eventsPerSecond } = cost.inputs;
  return [
    `cost per million ownership changes (Azure list prices, USD, East US, read ${cost.pricesReadOn}; free grants left out)`,
    `from: ${format(storageRequestsPerEvent)} table requests/event, ${format(eventsPerDelivery)} events/delivery, ` +
      `${format(functionAppMsPerEvent)} ms Function App CPU/event, ${format(eventsPerSecond)} events/s`,
    textTable(['item', 'quantity', 'list price', 'cost'], rows),
    '* price to be checked (see devstack/src/bench/e2e/azure-cost.ts)',
  ].join('\n');
}

/** A list price with every digit it has, and at least cents: $0.40, $0.018, $0.000026. */
function listPrice(usd: number): string {
  const decimals = String(usd).split('.')[1]?.length ?? 0;
  return `$${usd.toFixed(Math.min(20, Math.max(2, decimals)))}`;
}

function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
