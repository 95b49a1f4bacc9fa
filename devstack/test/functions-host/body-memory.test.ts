// Oversized bodies on the local Functions host running the real Function App: four parallel 95 MB
// webhook POSTs with a valid key, declared (Content-Length) and streamed (chunked). The host refuses
// them at the limit the Function App is configured with (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT in
// local.settings.json.example, as in the Bicep and the stack) without buffering them: its resident
// memory stays within 100 MB of idle. Prints the figures.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../..');
const cli = join(repoRoot, 'devstack/dist/functions-host/cli.js');
const FUNCTION_KEY = 'body-memory-function-key-000000';
const POST_BYTES = 95 * 1024 * 1024;
const PARALLEL = 4;
const MB = 1024 * 1024;
const APP_BODY_LIMIT = Number(
  (
    JSON.parse(readFileSync(join(repoRoot, 'local.settings.json.example'), 'utf8')) as {
      Values: Record<string, string>;
    }
  ).Values.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT,
);

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb) * 1024;
}

async function startHost(bodyLimit: number | undefined): Promise<{ child: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
    WEBHOOK_SECRETS: `whsec_${randomBytes(32).toString('base64')}`,
    FUNCTIONS_LOCAL_FUNCTION_KEY: FUNCTION_KEY,
    FUNCTIONS_LOCAL_MASTER_KEY: 'body-memory-master-key-00000000',
  };
  delete env.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT;
  if (bodyLimit !== undefined) env.FUNCTIONS_REQUEST_BODY_SIZE_LIMIT = String(bodyLimit);
  const child = spawn(process.execPath, [cli, '--port', '0', '--app-root', repoRoot, '--log-level', 'warning'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/Host started on (http:\/\/127\.0\.0\.1:\d+)/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`host did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, url: /Host started on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] as string };
}

/**
 * One 95 MB POST, sent as a careful client does: headers first, a short wait for an early answer,
 * then the body in 1 MB chunks as fast as the host takes them. Resolves with the status, or 0 when
 * the host closed the connection before answering.
 */
function postLarge(url: string, chunked: boolean): Promise<number> {
  return new Promise((resolvePost) => {
    const headers: Record<string, string> = {
      'x-functions-key': FUNCTION_KEY,
      'content-type': 'application/cloudevents-batch+json',
    };
    if (!chunked) headers['content-length'] = String(POST_BYTES);
    let answered = false;
    const req = request(new URL('/api/ownership-changes', url), { method: 'POST', headers, agent: false }, (res) => {
      answered = true;
      res.resume();
      res.on('end', () => resolvePost(res.statusCode ?? 0));
      res.on('error', () => resolvePost(res.statusCode ?? 0));
    });
    req.on('error', () => resolvePost(0));
    req.flushHeaders();
    const chunk = Buffer.alloc(MB, 0x20);
    let sent = 0;
    const writeMore = (): void => {
      while (sent < POST_BYTES && !answered && !req.destroyed) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', writeMore);
          return;
        }
      }
      if (!req.destroyed) req.end();
    };
    setTimeout(writeMore, 1_000);
  });
}

interface Measurement {
  idleMb: number;
  peakMb: number;
  statuses: number[];
  hostAlive: boolean;
}

async function measure(bodyLimit: number | undefined, chunked: boolean): Promise<Measurement> {
  const { child, url } = await startHost(bodyLimit);
  try {
    await new Promise((r) => setTimeout(r, 500));
    const pid = child.pid as number;
    const idle = rssBytes(pid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 20);
    const statuses = await Promise.all(Array.from({ length: PARALLEL }, () => postLarge(url, chunked)));
    await new Promise((r) => setTimeout(r, 200));
    clearInterval(sampler);
    peak = Math.max(peak, rssBytes(pid));
    return {
      idleMb: Math.round(idle / MB),
      peakMb: Math.round(peak / MB),
      statuses,
      hostAlive: child.exitCode === null,
    };
  } finally {
    child.kill('SIGKILL');
  }
}

describe('local Functions host: four parallel 95 MB webhook POSTs with a valid key', () => {
  it.each([
    ['declared with Content-Length', false],
    ['streamed (chunked)', true],
  ])(
    '%s: refused with 413 at the app limit, host RSS within 100 MB of idle',
    async (_name, chunked) => {
      const result = await measure(APP_BODY_LIMIT, chunked);
      process.stdout.write(
        `host RSS, 4 x 95 MB ${chunked ? 'chunked' : 'Content-Length'} POSTs, limit ${APP_BODY_LIMIT} B: idle ${result.idleMb} MB, peak ${result.peakMb} MB (+${result.peakMb - result.idleMb} MB); statuses ${result.statuses.join(',')}\n`,
      );
      // 413, or (a client still sending when the host closes) a reset: the host never reads the body.
      expect(result.statuses.every((status) => status === 413 || status === 0)).toBe(true);
      expect(result.statuses).toContain(413);
      expect(result.hostAlive).toBe(true);
      expect(result.peakMb - result.idleMb).toBeLessThan(100);
    },
    120_000,
  );
});
