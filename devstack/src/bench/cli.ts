// `npm run bench`: the end-to-end benchmark (devstack/src/bench/e2e); `--components` runs the
// component benchmarks instead (ledger node, local Functions host, WebJob, Function App webhook), each in
// its own process. `--help` lists the options.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { startAzurite } from '../azurite/azurite-process';
import { BENCH_USAGE, parseBenchArgs, runE2eBench } from './e2e/index';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

async function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  console.log(`\n=== ${path.relative(REPO_ROOT, script)} ${args.join(' ')}`);
  const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit', env });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`${path.basename(script)} exited with ${code}`);
}

async function runComponents(quick: boolean): Promise<void> {
  const bench = path.join(REPO_ROOT, 'devstack', 'dist', 'bench');
  await runScript(path.join(bench, 'ledger-bench.js'), quick ? ['--runs', '1', '--txs', '1000'] : []);
  await runScript(path.join(bench, 'functions-host-bench.js'), []);
  await runScript(path.join(bench, 'webjob-bench.js'), quick ? ['--quick'] : []);
  const azurite = await startAzurite({});
  try {
    await runScript(path.join(bench, 'webhook-bench.js'), quick ? ['--runs', '1'] : [], {
      ...process.env,
      STORAGE_CONNECTION_STRING: azurite.connectionString,
    });
  } finally {
    await azurite.stop();
  }
}

async function main(): Promise<void> {
  const parsed = parseBenchArgs(process.argv.slice(2), REPO_ROOT);
  if ('help' in parsed) {
    console.log(BENCH_USAGE);
    return;
  }
  if ('components' in parsed) {
    await runComponents(parsed.quick);
    return;
  }
  const outcome = await runE2eBench(parsed, REPO_ROOT);
  if (!outcome.complete) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
