// One benchmark run on a fresh stack: set-up (drivers, cars, first leases), then the phases in order:
// saturation -> fixed rate -> near saturation -> catch-up (WebJob stopped, backlog, restarted) ->
// naive bridge (WebJob stopped) -> storage ceiling. Timing comes from the ledger's block commit
// log and the storage Timestamp of each premium record; see premium-timeline.ts. Each phase also
// records the table requests of the Function App and the WebJob and the WebJob's webhook POSTs, the
// quantities the cost per ownership change is computed from (report.ts, azure-cost.ts).
import { loadavg } from 'node:os';
import { BackOfficeClient } from '../../demo/back-office-client';
import type { LocalConfig } from '../../stack/local-config';
import { startBenchStack, type BenchStack, type CountedPart } from './bench-stack';
import { NaiveBridgeProcess } from './naive-bridge-process';
import type { BenchPlan, PhaseName } from './plan';
import { ProcessSampler, type ProcessUsage } from './process-sampler';
import { phaseTimeline, readStoredEvents, type PhaseTimeline } from './premium-timeline';
import { latencySummary, type LatencySummary } from './stats';
import { measureStorageCeiling, premiumTemplate, type CeilingResult } from './storage-ceiling';
import { STORAGE_REQUESTS_FLUSH_MS } from './storage-request-files';
import type { LedgerWorkload, PreparedTx } from './workload';

export interface ThroughputPhase {
  transfers: number;
  /** Ownership changes per second: events / (last premium stored - first block commit). */
  eventsPerSecond: number;
  /** Rate the ledger committed them: events / (last commit - first commit). */
  committedPerSecond: number;
  /** From the last block commit to the last premium stored (the backlog left when posting ended). */
  drainAfterLastCommitMs: number;
  latency: LatencySummary;
}

export interface PacedPhase {
  offeredPerSecond: number;
  transfers: number;
  /** How far the sender fell behind its schedule at worst (ms). */
  senderLateMs: number;
  eventsPerSecond: number;
  latency: LatencySummary;
}

export interface CatchUpPhase {
  transfers: number;
  /** False when the backlog did not drain within the time limit: the figures cover what was stored by then. */
  completed: boolean;
  stored: number;
  /** WebJob spawn -> last premium of the backlog stored. */
  seconds: number;
  transactionsPerSecond: number;
  /** WebJob spawn -> healthy. */
  startupSeconds: number;
}

export interface PhaseTraffic {
  /** Requests to the table endpoint during the phase, per part (a transaction of many rows is one). */
  storageRequests: Record<CountedPart, number>;
  /** Webhook POSTs the WebJob sent during the phase (absent when no WebJob ran). */
  deliveryRequests?: number;
}

export interface RunResult {
  run: number;
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  saturation?: ThroughputPhase;
  fixedRate?: PacedPhase;
  nearSaturation?: PacedPhase;
  catchUp?: CatchUpPhase;
  naive?: ThroughputPhase;
  storageCeiling?: CeilingResult;
  /** A phase that failed (the run stops there; figures of earlier phases stand). */
  failure?: { phase: string; message: string };
  /** WebJob delivery requests that timed out or were retried during the run (congestion). */
  webjobRetries?: number;
  /** Per phase and process: peak VmRSS / VmHWM (bytes) and CPU ms used during the phase. */
  processes: Record<string, Record<string, ProcessUsage>>;
  /** Per phase: storage requests and webhook deliveries. */
  traffic: Record<string, PhaseTraffic>;
}

export interface RunContext {
  plan: BenchPlan;
  repoRoot: string;
  stateDir: string;
  config: LocalConfig;
  workload: LedgerWorkload;
  rateTable: string;
  log: (line: string) => void;
}

const deliveryTimeoutMs = (events: number): number => 120_000 + events * 50;

function throughputPhase(transfers: number, timeline: PhaseTimeline): ThroughputPhase {
  if (timeline.stored !== transfers)
    throw new Error(`only ${timeline.stored} of ${transfers} premiums found in storage`);
  return {
    transfers,
    eventsPerSecond: (transfers * 1000) / (timeline.lastStoredMs - timeline.firstCommitMs),
    committedPerSecond: (transfers * 1000) / Math.max(1, timeline.lastCommitMs - timeline.firstCommitMs),
    drainAfterLastCommitMs: timeline.lastStoredMs - timeline.lastCommitMs,
    latency: latencySummary(timeline.latenciesMs),
  };
}

export async function runOnce(ctx: RunContext, run: number): Promise<RunResult> {
  const { plan, workload, log } = ctx;
  const result: RunResult = { run, loadAverageAtStart: loadavg(), loadAverageAtEnd: [], processes: {}, traffic: {} };
  const skip = (phase: PhaseName): boolean => plan.skip.has(phase);
  const bench: BenchStack = await startBenchStack({
    repoRoot: ctx.repoRoot,
    stateDir: ctx.stateDir,
    blockIntervalMs: plan.blockIntervalMs,
    rateTable: ctx.rateTable,
    webjobEnv: plan.webjobEnv,
    ...(plan.profileDir ? { profileDir: plan.profileDir } : {}),
  });
  let naive: NaiveBridgeProcess | undefined;
  let currentPhase = 'start';
  let readRetries: () => Promise<number> = () => bench.webjobRetries();
  try {
    const { load, stack } = bench;
    const description = stack.description;
    const api = new BackOfficeClient(description.functionApp.baseUrl, description.functionApp.functionKey);
    let committed = 0;
    let delivered = 0; // by the current WebJob process
    let cursor = 0;
    const take = (count: number): { txs: PreparedTx[]; first: number } => {
      if (cursor + count > workload.transfers.length)
        throw new Error(`the pre-built workload has ${workload.transfers.length} transfers; ${cursor + count} needed`);
      const first = cursor;
      cursor += count;
      return { txs: workload.transfers.slice(first, cursor), first };
    };
    const pids = (): Record<string, number | undefined> => ({
      webjob: bench.pid('webjob'),
      'function-app': bench.pid('function-app'),
      azurite: bench.pid('azurite'),
      ledger: bench.pid('ledger'),
      ...(naive ? { 'naive-bridge': naive.pid } : {}),
    });
    // Totals so far: the parts' count files (rewritten every STORAGE_REQUESTS_FLUSH_MS while they
    // change, hence the wait) and the running WebJob's counter (a stopped one counts as 0: the next
    // process counts from zero).
    const trafficTotals = async (): Promise<{ storage: Record<CountedPart, number>; deliveries?: number }> => {
      await new Promise((resolve) => setTimeout(resolve, STORAGE_REQUESTS_FLUSH_MS * 3));
      const deliveries = await bench
        .webjobCounters()
        .then((c) => c.deliveryRequests)
        .catch(() => undefined);
      return { storage: bench.storageRequests(), ...(deliveries === undefined ? {} : { deliveries }) };
    };
    const measured = async <T>(phase: string, body: () => Promise<T>): Promise<T> => {
      currentPhase = phase;
      const before = await trafficTotals();
      const sampler = new ProcessSampler(pids);
      sampler.start();
      const started = performance.now();
      try {
        return await body();
      } finally {
        result.processes[phase] = sampler.stop();
        const after = await trafficTotals();
        result.traffic[phase] = {
          storageRequests: {
            'function-app': after.storage['function-app'] - before.storage['function-app'],
            webjob: after.storage.webjob - before.storage.webjob,
          },
          ...(after.deliveries === undefined ? {} : { deliveryRequests: after.deliveries - (before.deliveries ?? 0) }),
        };
        log(`  ${phase} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    };

    // Set-up (not timed): the insurer knows the drivers; the cars are on the ledger and registered.
    await measured('setup', async () => {
      let next = 0;
      const registrar = async (): Promise<void> => {
        while (next < workload.drivers.length) {
          const driver = workload.drivers[next++];
          if (driver) await api.putDriver(driver.keys.publicKey, driver.profile);
        }
      };
      await Promise.all(Array.from({ length: 16 }, registrar));
      await load.postAll(workload.creates, plan.postConcurrency);
      committed += workload.creates.length;
      await load.waitCommitted(committed, 120_000);
      delivered += workload.creates.length;
      await bench.waitDelivered(delivered, deliveryTimeoutMs(workload.creates.length));
      // Every car's first lease (issuer -> lessee) too: from then on each transfer is a hand-over
      // (lessee -> lessee: rate, link the new driver, unlink the old one), the same work in every phase.
      const { txs, first } = take(workload.fleet);
      await load.postRounds(txs, first, workload.fleet, committed, plan.postConcurrency);
      committed += txs.length;
      await load.waitCommitted(committed, 120_000);
      delivered += txs.length;
      await bench.waitDelivered(delivered, deliveryTimeoutMs(txs.length));
    });

    let retries = 0;
    const stopWebJob = async (): Promise<void> => {
      retries += await bench.webjobRetries().catch(() => 0);
      await stack.supervisor.stopPart('webjob');
    };
    const countRetries = async (): Promise<number> =>
      retries +
      (bench.pid('webjob') !== undefined &&
      stack.supervisor.status().find((p) => p.name === 'webjob')?.state === 'healthy'
        ? await bench.webjobRetries().catch(() => 0)
        : 0);
    readRetries = countRetries;
    const fullSpeed = async (count: number): Promise<string[]> => {
      const { txs, first } = take(count);
      await load.postRounds(txs, first, workload.fleet, committed, plan.postConcurrency);
      committed += count;
      await load.waitCommitted(committed, 120_000);
      return txs.map((tx) => tx.id);
    };
    const paced = async (perSecond: number, seconds: number): Promise<{ ids: string[]; lateMs: number }> => {
      const { txs } = take(Math.max(1, Math.round(perSecond * seconds)));
      const { lateMs } = await load.postPaced(txs, perSecond);
      committed += txs.length;
      await load.waitCommitted(committed, 120_000);
      return { ids: txs.map((tx) => tx.id), lateMs };
    };
    const webjobDrains = async (count: number): Promise<void> => {
      delivered += count;
      await bench.waitDelivered(delivered, deliveryTimeoutMs(count));
    };
    const timelineOf = async (ids: string[]): Promise<PhaseTimeline> =>
      phaseTimeline(ids, await readStoredEvents(bench.connectionString, bench.namePrefix), bench.clock);
    const pacedPhase = (offered: number, lateMs: number, ids: string[], timeline: PhaseTimeline): PacedPhase => {
      const through = throughputPhase(ids.length, timeline);
      return {
        offeredPerSecond: offered,
        transfers: ids.length,
        senderLateMs: lateMs,
        eventsPerSecond: through.eventsPerSecond,
        latency: through.latency,
      };
    };

    if (!skip('saturation')) {
      const ids = await measured('saturation', async () => {
        const posted = await fullSpeed(plan.saturationTransfers);
        await webjobDrains(posted.length);
        return posted;
      });
      result.saturation = throughputPhase(ids.length, await timelineOf(ids));
      log(
        `  saturation: ${result.saturation.eventsPerSecond.toFixed(0)} events/s (ledger committed ${result.saturation.committedPerSecond.toFixed(0)}/s), p99 ${result.saturation.latency.p99.toFixed(0)} ms`,
      );
    }

    if (!skip('fixed-rate')) {
      const { ids, lateMs } = await measured('fixed-rate', async () => {
        const posted = await paced(plan.fixedRate, plan.fixedSeconds);
        await webjobDrains(posted.ids.length);
        return posted;
      });
      result.fixedRate = pacedPhase(plan.fixedRate, lateMs, ids, await timelineOf(ids));
      log(
        `  fixed rate ${plan.fixedRate}/s: p50 ${result.fixedRate.latency.p50.toFixed(0)} / p95 ${result.fixedRate.latency.p95.toFixed(0)} / p99 ${result.fixedRate.latency.p99.toFixed(0)} ms`,
      );
    }

    if (!skip('near-saturation') && result.saturation) {
      const rate = Math.min(
        plan.nearSaturationMaxRate,
        Math.max(1, Math.round(result.saturation.eventsPerSecond * plan.nearSaturationFraction)),
      );
      const { ids, lateMs } = await measured('near-saturation', async () => {
        const posted = await paced(rate, plan.nearSaturationSeconds);
        await webjobDrains(posted.ids.length);
        return posted;
      });
      result.nearSaturation = pacedPhase(rate, lateMs, ids, await timelineOf(ids));
      log(
        `  near saturation ${rate}/s: p50 ${result.nearSaturation.latency.p50.toFixed(0)} / p95 ${result.nearSaturation.latency.p95.toFixed(0)} / p99 ${result.nearSaturation.latency.p99.toFixed(0)} ms`,
      );
    }

    if (!skip('catch-up')) {
      await stopWebJob();
      const { txs, first } = take(plan.catchUpTransfers);
      await load.postRounds(txs, first, workload.fleet, committed, plan.postConcurrency);
      committed += txs.length;
      await load.waitCommitted(committed, 300_000);
      let completed = true;
      const { spawnedAt, healthyAt } = await measured('catch-up', async () => {
        const spawned = Date.now();
        await stack.supervisor.startPart('webjob');
        const healthy = Date.now();
        delivered = 0; // a new process counts from zero
        try {
          await webjobDrains(txs.length);
        } catch (error) {
          if (!(error instanceof Error) || !error.message.startsWith('timed out')) throw error;
          completed = false; // congestion: report what was stored within the limit
        }
        return { spawnedAt: spawned, healthyAt: healthy };
      });
      const timeline = await timelineOf(txs.map((tx) => tx.id));
      if (completed && timeline.stored !== txs.length)
        throw new Error(`catch-up: only ${timeline.stored} of ${txs.length} premiums found in storage`);
      const seconds = (timeline.lastStoredMs - spawnedAt) / 1000;
      result.catchUp = {
        transfers: txs.length,
        completed,
        stored: timeline.stored,
        seconds,
        transactionsPerSecond: timeline.stored / seconds,
        startupSeconds: (healthyAt - spawnedAt) / 1000,
      };
      if (!completed) log(`  catch-up did NOT drain within the limit: ${timeline.stored} of ${txs.length} stored`);
      log(
        `  catch-up: ${timeline.stored} transfers in ${seconds.toFixed(1)} s = ${result.catchUp.transactionsPerSecond.toFixed(0)} tx/s`,
      );
    }

    if (!skip('naive')) {
      await stopWebJob();
      naive = await NaiveBridgeProcess.start({
        ledgerApiUrl: description.ledger.apiUrl,
        ledgerWsUrl: description.ledger.streamUrl,
        webhookUrl: description.functionApp.webhookUrl,
        functionKey: description.functionApp.functionKey,
        secrets: description.webhook.secrets,
        trustedIssuers: [ctx.config.leasingCompany.publicKey],
      });
      const bridge = naive;
      const ids = await measured('naive', async () => {
        const posted = await fullSpeed(plan.naiveTransfers);
        await bridge.waitDelivered(posted.length, deliveryTimeoutMs(posted.length) * 4);
        return posted;
      });
      await bridge.stop();
      result.naive = throughputPhase(ids.length, await timelineOf(ids));
      log(
        `  naive bridge: ${result.naive.eventsPerSecond.toFixed(0)} events/s, p99 ${result.naive.latency.p99.toFixed(0)} ms`,
      );
    }

    if (!skip('storage-ceiling')) {
      const template = await premiumTemplate(bench.connectionString, bench.namePrefix);
      result.storageCeiling = await measured('storage-ceiling', () =>
        measureStorageCeiling(
          bench.connectionString,
          `${bench.namePrefix}Ceiling`,
          template,
          plan.saturationTransfers,
          plan.ceilingConcurrency,
        ),
      );
      log(
        `  storage ceiling: ${result.storageCeiling.entitiesPerSecond.toFixed(0)} premium records/s (${result.storageCeiling.entityBytes} B each)`,
      );
    }
  } catch (error) {
    const phase = currentPhase;
    result.failure = { phase, message: (error as Error).message };
    log(`  run ${run} stopped: ${(error as Error).message}\nlast lines of the stack:\n${bench.tail()}`);
  } finally {
    result.webjobRetries = await readRetries().catch(() => undefined);
    await naive?.stop();
    result.loadAverageAtEnd = loadavg();
    await bench.stop();
  }
  return result;
}
