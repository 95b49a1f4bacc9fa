// `npm run bench`: the end-to-end benchmark of the whole local path (ledger node -> WebJob ->
// Function App on the local Functions host -> Azurite), next to a naive bridge and the storage
// ceiling. Builds the ledger data once, runs the phases on a fresh stack per run, prints the
// medians as a table and writes the JSON under bench-results/ (git-ignored).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { currencyForRateTable } from '../../demo/run-demo';
import { loadOrCreateLocalConfig } from '../../stack/local-config';
import { profileTable, summariseProfiles, type ProfileSummary } from './cpu-profile';
import type { BenchPlan } from './plan';
import { buildReport, reportTable, type BenchReport } from './report';
import { runOnce, type RunResult } from './run';
import { buildWorkload } from './workload';

export { parseBenchArgs, BENCH_USAGE, type BenchPlan } from './plan';
export type { BenchReport } from './report';

const RATE_TABLE = 'us-illustrative';

export interface E2eBenchOutcome {
  report: BenchReport;
  /** True when every run completed every phase. */
  complete: boolean;
  jsonFile: string;
  profiles: ProfileSummary[];
}

export async function runE2eBench(
  plan: BenchPlan,
  repoRoot: string,
  log: (line: string) => void = console.log,
): Promise<E2eBenchOutcome> {
  const startedAt = new Date();
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'lease-premium-bench-'));
  try {
    const { config } = await loadOrCreateLocalConfig(stateDir);
    const nearSaturation = plan.skip.has('near-saturation')
      ? 0
      : Math.ceil(plan.nearSaturationMaxRate * plan.nearSaturationSeconds);
    const transfers =
      plan.fleet +
      (plan.skip.has('saturation') ? 0 : plan.saturationTransfers) +
      (plan.skip.has('fixed-rate') ? 0 : Math.round(plan.fixedRate * plan.fixedSeconds)) +
      nearSaturation +
      (plan.skip.has('catch-up') ? 0 : plan.catchUpTransfers) +
      (plan.skip.has('naive') ? 0 : plan.naiveTransfers);
    log(
      `end-to-end bench (${plan.mode}): ${plan.runs} run(s), ${os.cpus().length} CPUs, node ${process.version}, load average ${os
        .loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')}`,
    );
    const signing = performance.now();
    const workload = buildWorkload(config.leasingCompany, {
      fleet: plan.fleet,
      drivers: plan.drivers,
      transfers,
      currency: currencyForRateTable(RATE_TABLE),
    });
    log(
      `pre-built and signed ${workload.creates.length} CREATEs and ${workload.transfers.length} TRANSFERs in ${((performance.now() - signing) / 1000).toFixed(1)} s (not timed)`,
    );

    const runs: RunResult[] = [];
    for (let run = 1; run <= plan.runs; run++) {
      log(`run ${run}/${plan.runs} (load average ${os.loadavg()[0]?.toFixed(1)})`);
      runs.push(await runOnce({ plan, repoRoot, stateDir, config, workload, rateTable: RATE_TABLE, log }, run));
    }
    const report = buildReport(plan, runs, startedAt);
    log('');
    log(reportTable(report));
    mkdirSync(plan.outDir, { recursive: true });
    const jsonFile = path.join(plan.outDir, `e2e-${plan.mode}-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    const json = `${JSON.stringify(report, null, 2)}\n`;
    writeFileSync(jsonFile, json);
    writeFileSync(path.join(plan.outDir, `e2e-${plan.mode}-latest.json`), json);
    log(`\nJSON: ${jsonFile}`);
    for (const run of runs)
      if (run.failure)
        log(`run ${run.run} stopped in phase ${run.failure.phase}: ${run.failure.message.split('\n')[0]}`);

    const profiles = plan.profileDir
      ? [
          ...summariseProfiles(path.join(plan.profileDir, 'webjob')),
          ...summariseProfiles(path.join(plan.profileDir, 'function-app')),
        ]
      : [];
    for (const summary of profiles) log(`\n${profileTable(summary)}`);
    return { report, jsonFile, profiles, complete: runs.every((run) => !run.failure) };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
