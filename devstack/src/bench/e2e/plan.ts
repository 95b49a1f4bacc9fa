// What one `npm run bench` invocation measures: sizes of each phase, number of runs, where results
// go. Two presets (full, and --quick for CI smoke runs in under a minute); flags override sizes.
import { parseArgs } from 'node:util';

export interface BenchPlan {
  mode: 'full' | 'quick';
  runs: number;
  /** Cars registered before the phases; every phase plays rounds of one lease transfer per car. */
  fleet: number;
  /** Drivers registered with the insurer; lessees rotate through them. */
  drivers: number;
  /** Transfers posted as fast as the ledger takes them (throughput at saturation). */
  saturationTransfers: number;
  /** Offered rate and duration of the fixed-rate latency phase. */
  fixedRate: number;
  fixedSeconds: number;
  /** Offered rate of the near-saturation phase, as a fraction of the run's measured saturation throughput. */
  nearSaturationFraction: number;
  nearSaturationSeconds: number;
  /** Upper bound of that rate (the pre-built workload holds rate x seconds transfers for it). */
  nearSaturationMaxRate: number;
  /** Transfers committed while the WebJob is stopped, then drained. */
  catchUpTransfers: number;
  /** Transfers through the naive bridge (default: the saturation workload). */
  naiveTransfers: number;
  /** Ledger block interval (ms). */
  blockIntervalMs: number;
  /** Concurrent ledger clients while posting at full speed. */
  postConcurrency: number;
  /** Concurrent batch transactions of the storage-ceiling writer. */
  ceilingConcurrency: number;
  /** Where the JSON result goes (git-ignored). */
  outDir: string;
  /** When set: run the WebJob and the Function App with --cpu-prof into this folder. */
  profileDir: string | undefined;
  /** Extra WebJob settings for experiments (--webjob-env NAME=VALUE, repeatable). */
  webjobEnv: Record<string, string>;
  /** Skip phases (e.g. for profiling only the saturation path). */
  skip: ReadonlySet<PhaseName>;
}

export const PHASES = ['saturation', 'fixed-rate', 'near-saturation', 'catch-up', 'naive', 'storage-ceiling'] as const;
export type PhaseName = (typeof PHASES)[number];

const FULL: Omit<BenchPlan, 'outDir' | 'profileDir' | 'skip' | 'webjobEnv'> = {
  mode: 'full',
  runs: 3,
  fleet: 5_000,
  drivers: 400,
  saturationTransfers: 10_000,
  fixedRate: 500,
  fixedSeconds: 20,
  nearSaturationFraction: 0.8,
  nearSaturationSeconds: 15,
  nearSaturationMaxRate: 2_000,
  catchUpTransfers: 50_000,
  naiveTransfers: 10_000,
  blockIntervalMs: 100,
  postConcurrency: 32,
  ceilingConcurrency: 16,
};

const QUICK: Omit<BenchPlan, 'outDir' | 'profileDir' | 'skip' | 'webjobEnv'> = {
  ...FULL,
  mode: 'quick',
  runs: 1,
  fleet: 200,
  drivers: 50,
  saturationTransfers: 300,
  fixedSeconds: 1,
  nearSaturationSeconds: 1,
  catchUpTransfers: 400,
  naiveTransfers: 150,
};

export const BENCH_USAGE = `npm run bench [-- options]
  --quick                 reduced sizes, one run (CI smoke: under a minute)
  --components            run the component benchmarks (ledger, Functions host, WebJob, webhook) instead
  --runs N                runs per figure (median, min-max)          full: ${FULL.runs}
  --fleet N               cars on the ledger                          full: ${FULL.fleet}
  --saturation N          transfers posted at full speed              full: ${FULL.saturationTransfers}
  --rate R --seconds S    fixed offered rate and its duration         full: ${FULL.fixedRate}/s for ${FULL.fixedSeconds} s
  --catch-up N            backlog drained after the WebJob was stopped full: ${FULL.catchUpTransfers}
  --naive N               transfers through the naive bridge          full: ${FULL.naiveTransfers}
  --skip a,b              skip phases (${PHASES.join(', ')})
  --out DIR               where bench-results JSON goes              default: bench-results
  --profile DIR           CPU-profile the WebJob and the Function App host into DIR
  --webjob-env NAME=VALUE extra WebJob setting for an experiment (repeatable), e.g. WEBJOB_MAX_CONCURRENCY=2`;

function positive(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

export function parseBenchArgs(
  argv: readonly string[],
  repoRoot: string,
): BenchPlan | { components: true; quick: boolean } | { help: true } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      components: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      runs: { type: 'string' },
      fleet: { type: 'string' },
      saturation: { type: 'string' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      'catch-up': { type: 'string' },
      naive: { type: 'string' },
      skip: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      'webjob-env': { type: 'string', multiple: true },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  if (values.components) return { components: true, quick: values.quick };
  const base = values.quick ? QUICK : FULL;
  const skip = new Set<PhaseName>();
  for (const name of (values.skip ?? '').split(',').filter(Boolean)) {
    if (!(PHASES as readonly string[]).includes(name))
      throw new Error(`--skip: unknown phase "${name}" (phases: ${PHASES.join(', ')})`);
    skip.add(name as PhaseName);
  }
  const webjobEnv: Record<string, string> = {};
  for (const setting of values['webjob-env'] ?? []) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(setting);
    if (!match) throw new Error(`--webjob-env must be NAME=VALUE, got "${setting}"`);
    webjobEnv[match[1] as string] = match[2] as string;
  }
  const int = (name: string, raw: string | undefined, fallback: number): number =>
    Math.round(positive(name, raw, fallback));
  return {
    ...base,
    runs: int('runs', values.runs, base.runs),
    fleet: int('fleet', values.fleet, base.fleet),
    saturationTransfers: int('saturation', values.saturation, base.saturationTransfers),
    fixedRate: positive('rate', values.rate, base.fixedRate),
    fixedSeconds: positive('seconds', values.seconds, base.fixedSeconds),
    catchUpTransfers: int('catch-up', values['catch-up'], base.catchUpTransfers),
    naiveTransfers: int('naive', values.naive, base.naiveTransfers),
    outDir: values.out ?? `${repoRoot}/bench-results`,
    profileDir: values.profile,
    webjobEnv,
    skip,
  };
}
