// Cold start of a packaged Function App: time from spawning the local Functions host on an unpacked
// package to the first 200 of /api/health (which reads Table storage: a real Azurite, in memory).
// "cold" drops the kernel's file cache before each start (needs root: /proc/sys/vm/drop_caches), as
// a new instance reads its package from disk; "warm" starts again at once. Packages are measured in
// turns, so load on this shared machine hits each alike. Prints the median with min–max of the wall
// time and of the CPU time the host's processes used until that answer (which other processes' load
// inflates far less than wall time), and that CPU time split into the host's own start, loading the
// app's code, the app's start and the first request (cold-start-marks.ts, preloaded into the host).
//
//   npm run package -- --out /tmp/after            # and the same from an older tree into /tmp/before
//   node devstack/dist/bench/cold-start-bench.js --app before=/tmp/before/function-app --app after=/tmp/after/function-app --runs 7
// `--host before=OLD_TREE/devstack/dist/functions-host/cli.js` starts that app with another tree's
// local host (default: this tree's), so a before/after also compares the host's own start.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startAzurite } from '../azurite/azurite-process';
import { freePort } from '../stack/ports';
import { APP_ROOT_VARIABLE, MARKS_FILE_VARIABLE, type StartMarks } from './cold-start-marks';

const HOST_CLI = resolve(__dirname, '..', 'functions-host', 'cli.js');
const MARKS_PRELOAD = resolve(__dirname, 'cold-start-marks.js');
const DROP_CACHES = '/proc/sys/vm/drop_caches';

type Mode = 'cold' | 'warm';

function dropFileCache(): boolean {
  try {
    execFileSync('sync');
    writeFileSync(DROP_CACHES, '3\n');
    return true;
  } catch {
    return false;
  }
}

function healthAnswers(url: string): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const request = get(url, { agent: false, timeout: 2_000 }, (response) => {
      response.resume();
      resolveAnswer(response.statusCode === 200);
    });
    request.on('error', () => resolveAnswer(false));
    request.on('timeout', () => request.destroy());
  });
}

/** The process and its descendants (Linux /proc); empty elsewhere. */
function processTree(pid: number): number[] {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
    return [pid, ...children.flatMap(processTree)];
  } catch {
    return [];
  }
}

/** User + system CPU milliseconds used so far by the process tree under `pid` (Linux /proc; clock ticks of 10 ms). */
function treeCpuMs(pid: number): number {
  let ticks = 0;
  for (const member of processTree(pid)) {
    try {
      const fields = readFileSync(`/proc/${member}/stat`, 'utf8')
        .replace(/^.*\) /, '')
        .split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      // exited in between
    }
  }
  return ticks * 10;
}

interface BenchApp {
  label: string;
  /** The unpacked Function App package. */
  dir: string;
  /** The local host's CLI that starts it. */
  hostCli: string;
}

/** Where the host's CPU time went until the first answer (milliseconds). */
interface StartSplit {
  /** Process start to the app's first file: Node and the local host's own modules and set-up. */
  host: number;
  /** `require` of the app's entry point: reading, compiling and running its modules. */
  appLoad: number;
  /** appStart hooks, route table, listening. */
  appStart: number;
  /** From the first request's arrival to its response (the health check: Table storage round trips). */
  firstRequest: number;
}

interface StartSample {
  wallMs: number;
  cpuMs: number;
  split: StartSplit;
}

function splitOf(marks: StartMarks): StartSplit {
  return {
    host: marks.appLoadStarted.cpuMs,
    appLoad: marks.appLoaded.cpuMs - marks.appLoadStarted.cpuMs,
    appStart: marks.listening.cpuMs - marks.appLoaded.cpuMs,
    firstRequest: marks.firstResponse.cpuMs - marks.firstRequest.cpuMs,
  };
}

/** The marks the preloaded module writes once the first response is sent (just before or after the client sees it). */
async function readMarks(file: string): Promise<StartMarks> {
  for (let waited = 0; ; waited += 10) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as StartMarks;
    } catch (error) {
      if (waited > 2_000)
        throw new Error(`no start marks in ${file}: ${error instanceof Error ? error.message : String(error)}`);
      await sleep(10);
    }
  }
}

/** From spawning the host on `appRoot` to its first healthy answer: wall time, the host's CPU time and its split. */
async function startToFirstAnswer(app: BenchApp, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<StartSample> {
  const appRoot = app.dir;
  const port = await freePort();
  const marksDir = mkdtempSync(join(tmpdir(), 'cold-start-marks-'));
  const marksFile = join(marksDir, 'marks.json');
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--require', MARKS_PRELOAD, app.hostCli, '--port', String(port), '--app-root', appRoot],
    {
      env: { ...env, [MARKS_FILE_VARIABLE]: marksFile, [APP_ROOT_VARIABLE]: appRoot },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    for (;;) {
      if (await healthAnswers(`http://127.0.0.1:${port}/api/health`)) {
        const wallMs = performance.now() - started;
        const cpuMs = treeCpuMs(child.pid!);
        return { wallMs, cpuMs, split: splitOf(await readMarks(marksFile)) };
      }
      if (child.exitCode !== null)
        throw new Error(`the host exited (${child.exitCode}) before answering: ${stderr.slice(-2_000)}`);
      if (performance.now() - started > timeoutMs)
        throw new Error(`no healthy answer within ${timeoutMs} ms: ${stderr.slice(-2_000)}`);
      await sleep(5);
    }
  } finally {
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill('SIGKILL');
    await exited;
    rmSync(marksDir, { recursive: true, force: true });
  }
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median =
    sorted.length % 2
      ? sorted[(sorted.length - 1) / 2]!
      : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return `${(median / 1000).toFixed(2)} s (${(sorted[0]! / 1000).toFixed(2)}–${(sorted[sorted.length - 1]! / 1000).toFixed(2)})`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      app: { type: 'string', multiple: true },
      host: { type: 'string', multiple: true },
      runs: { type: 'string', default: '5' },
    },
    strict: true,
  });
  const labelled = (spec: string): [string, string] => {
    const at = spec.indexOf('=');
    return at < 0 ? [spec, spec] : [spec.slice(0, at), spec.slice(at + 1)];
  };
  const hosts = new Map((values.host ?? []).map(labelled));
  const apps: BenchApp[] = (
    values.app ?? [`package=${resolve(__dirname, '..', '..', '..', '.packages', 'function-app')}`]
  ).map((spec) => {
    const [label, dir] = labelled(spec);
    return { label, dir: resolve(dir), hostCli: resolve(hosts.get(label) ?? HOST_CLI) };
  });
  const unknownHosts = [...hosts.keys()].filter((label) => !apps.some((app) => app.label === label));
  if (unknownHosts.length > 0) throw new Error(`--host names no --app: ${unknownHosts.join(', ')}`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new Error('--runs must be 1-100');
  const modes: Mode[] = dropFileCache() ? ['cold', 'warm'] : ['warm'];
  if (!modes.includes('cold')) console.log(`cannot write ${DROP_CACHES} (not root?): warm starts only`);

  const azurite = await startAzurite();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    STORAGE_CONNECTION_STRING: azurite.connectionString,
    STORAGE_NAME_PREFIX: `coldstart${randomBytes(3).toString('hex')}`,
    WEBHOOK_SECRETS: `whsec_${randomBytes(32).toString('base64')}`,
    FUNCTIONS_LOCAL_FUNCTION_KEY: randomBytes(32).toString('base64url'),
    FUNCTIONS_LOCAL_MASTER_KEY: randomBytes(32).toString('base64url'),
  };
  const samples = new Map<string, StartSample[]>();
  try {
    // One start per app first: creates the tables, so every measured start does the same work.
    for (const app of apps) await startToFirstAnswer(app, env);
    for (let run = 1; run <= runs; run++) {
      for (const mode of modes) {
        for (const app of apps) {
          if (mode === 'cold') dropFileCache();
          const sample = await startToFirstAnswer(app, env);
          const key = `${app.label} ${mode}`;
          samples.set(key, [...(samples.get(key) ?? []), sample]);
          const { host, appLoad, appStart, firstRequest } = sample.split;
          console.log(
            `run ${run} ${key}: ${(sample.wallMs / 1000).toFixed(3)} s, CPU ${(sample.cpuMs / 1000).toFixed(2)} s (host ${host.toFixed(0)}, app load ${appLoad.toFixed(0)}, app start ${appStart.toFixed(0)}, first request ${firstRequest.toFixed(0)} ms; load ${loadavg()[0]!.toFixed(1)})`,
          );
        }
      }
    }
  } finally {
    await azurite.stop();
  }
  console.log(
    `\nstart to first /api/health answer, median (min–max) of ${runs}: wall time; CPU time of the host's processes`,
  );
  for (const app of apps) {
    for (const mode of modes) {
      const taken = samples.get(`${app.label} ${mode}`) ?? [];
      console.log(
        `  ${app.label.padEnd(12)} ${mode}  ${summary(taken.map((s) => s.wallMs))};  CPU ${summary(taken.map((s) => s.cpuMs))}`,
      );
      const part = (phase: keyof StartSplit): string => summary(taken.map((s) => s.split[phase]));
      console.log(
        `  ${''.padEnd(12)} ${''.padEnd(mode.length)}  CPU split: host ${part('host')}; app load ${part('appLoad')}; app start ${part('appStart')}; first request ${part('firstRequest')}`,
      );
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
