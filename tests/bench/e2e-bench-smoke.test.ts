// CI smoke run of `npm run bench -- --quick`: the harness starts the whole stack, plays every phase
// and prints and writes its result. Checks that it works and reports every figure, not the numbers.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO_ROOT, 'devstack', 'dist', 'bench', 'cli.js');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run bench -- --quick', () => {
  let outDir: string;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} not found: run \`npm run build\` first`);
    outDir = await mkdtemp(path.join(os.tmpdir(), 'bench-smoke-'));
  });

  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('runs every phase, prints the table and writes the JSON', async () => {
    const { code, stdout, stderr } = await run(['--quick', '--out', outDir]);
    expect({ code, stderr: stderr.slice(-2000) }).toEqual({ code: 0, stderr: expect.any(String) as string });

    for (const label of [
      'throughput at saturation',
      'latency p99 at 500/s offered',
      'catch-up rate',
      'ours / naive',
      'ours / ceiling',
      'WebJob peak RSS',
      'Function App host peak RSS',
      'table requests per event at saturation',
      'cost per million ownership changes',
    ]) {
      expect(stdout).toContain(label);
    }
    const files = (await readdir(outDir)).filter((f) => f.endsWith('.json'));
    expect(files).toEqual(expect.arrayContaining(['e2e-quick-latest.json']));
    const report = JSON.parse(await readFile(path.join(outDir, 'e2e-quick-latest.json'), 'utf8')) as {
      schema: string;
      runs: unknown[];
      figures: Record<
        string,
        { median: number; min: number; max: number; runs: number[]; target?: string; met?: boolean }
      >;
      method: Record<string, string>;
      costPerMillionOwnershipChanges?: { totalUsd: number; lines: { item: string; usd: number }[] };
    };
    expect(report.schema).toBe('lease-premium/bench-e2e@1');
    expect(report.runs).toHaveLength(1);
    for (const key of [
      'saturationThroughput',
      'fixedP50',
      'fixedP95',
      'fixedP99',
      'nearP99',
      'catchUpRate',
      'naiveThroughput',
      'naiveRatio',
      'ceiling',
      'ceilingFraction',
      'webjobPeakRss',
      'functionAppPeakRss',
      'storageRequestsPerEvent:function-app',
      'eventsPerDelivery',
    ]) {
      const figure = report.figures[key];
      expect(figure).toBeDefined();
      expect(Number.isFinite(figure?.median)).toBe(true);
      expect(figure?.min).toBeLessThanOrEqual(figure?.max ?? Number.NaN);
    }
    // Targets are judged, whichever way they come out on this machine.
    expect(typeof report.figures.fixedP99?.met).toBe('boolean');
    expect(Object.keys(report.method)).toEqual(expect.arrayContaining(['commitTime', 'storedTime', 'latency']));
    // The cost per million ownership changes, from the run's own figures.
    const cost = report.costPerMillionOwnershipChanges;
    expect(cost?.lines.map((line) => line.item)).toHaveLength(4);
    expect(cost?.totalUsd).toBeGreaterThan(0);
  }, 300_000);
});
