// Fault-injection endpoint for tests of the ledger's consumers; mounted under /admin only with --admin.
// Parameters come from the query string or a JSON body: POST /admin/faults/unavailable?seconds=5.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { LedgerFaults } from './faults';
import type { HttpReply } from './http-responses';

export interface AdminStatus {
  height: number;
  transactions: number;
  pending: number;
  subscribers: number;
}

/** CPU time of the main (HTTP) thread in ms, from /proc (Linux; null elsewhere). Clock ticks of 10 ms. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, assuming CLK_TCK = 100
  } catch {
    return null;
  }
}

/** Process memory; with ?gc=1 and node --expose-gc a full collection runs first (the benchmark's growth figure). */
function memory(collect: boolean): NodeJS.MemoryUsage & { collected: boolean } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (collect && gc) gc();
  return { ...process.memoryUsage(), collected: collect && gc !== undefined };
}

const Seconds = z.coerce.number().nonnegative();
const Ms = z.coerce.number().nonnegative();
const Params = z.object({ seconds: Seconds.optional(), ms: Ms.optional() });

const reply = (status: number, value: unknown): HttpReply => ({ status, body: `${JSON.stringify(value)}\n` });

export const ADMIN_USAGE = {
  'GET /admin/status[?gc=1]': 'height, transaction count, pending transactions, WebSocket subscribers, memory',
  'GET /admin/faults': 'the active faults',
  'POST /admin/faults/drop-websockets': 'close every WebSocket abruptly',
  'POST /admin/faults/refuse-websockets?seconds=N': 'refuse new WebSocket connections (503) for N seconds',
  'POST /admin/faults/stall-stream[?seconds=N]': 'send no frames (events are lost) for N seconds or until cleared',
  'POST /admin/faults/delay-http?ms=M[&seconds=N]': 'delay every API response by M ms',
  'POST /admin/faults/unavailable?seconds=N': 'answer every API request 503 for N seconds',
  'POST /admin/faults/index-lag?ms=M[&seconds=N]':
    'newly committed transactions 404 on GET /transactions/{id} for M ms',
  'POST /admin/faults/clear': 'switch every fault off',
};

export async function handleAdmin(
  method: string,
  path: string,
  query: URLSearchParams,
  readBody: () => Promise<Buffer>,
  faults: LedgerFaults,
  status: () => AdminStatus,
): Promise<HttpReply> {
  if (method === 'GET' && (path === '/admin' || path === '/admin/')) return reply(200, ADMIN_USAGE);
  if (method === 'GET' && path === '/admin/status')
    return reply(200, {
      ...status(),
      memory: memory(query.get('gc') === '1'),
      cpu: process.cpuUsage(),
      mainThreadCpuMs: mainThreadCpuMs(),
    });
  if (method === 'GET' && path === '/admin/faults') return reply(200, faults.snapshot());
  const action = /^\/admin\/faults\/([a-z-]+)$/.exec(path)?.[1];
  if (!action) return reply(404, { error: `no admin endpoint ${method} ${path}`, endpoints: ADMIN_USAGE });
  if (method !== 'POST') return reply(405, { error: `use POST ${path}` });

  let fromBody: unknown = {};
  const raw = (await readBody()).toString('utf8').trim();
  if (raw) {
    try {
      fromBody = JSON.parse(raw);
    } catch {
      return reply(400, { error: 'the body must be a JSON object such as {"seconds": 5}' });
    }
  }
  const parsed = Params.safeParse({
    ...(typeof fromBody === 'object' && fromBody ? fromBody : {}),
    ...Object.fromEntries(query),
  });
  if (!parsed.success)
    return reply(400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  const { seconds, ms } = parsed.data;
  const need = (name: string, value: number | undefined): number => {
    if (value === undefined) throw new RangeError(`${name} is required`);
    return value;
  };
  try {
    switch (action) {
      case 'drop-websockets':
        return reply(200, { dropped: faults.dropWebSockets() });
      case 'refuse-websockets':
        faults.refuseWebSockets(need('seconds', seconds));
        break;
      case 'stall-stream':
        faults.stallStream(seconds);
        break;
      case 'delay-http':
        faults.delayHttp(need('ms', ms), seconds);
        break;
      case 'unavailable':
        faults.unavailable(need('seconds', seconds));
        break;
      case 'index-lag':
        faults.indexLag(need('ms', ms), seconds);
        break;
      case 'clear':
        faults.clear();
        break;
      default:
        return reply(404, { error: `unknown fault ${action}`, endpoints: ADMIN_USAGE });
    }
  } catch (error) {
    return reply(400, { error: (error as Error).message });
  }
  return reply(200, faults.snapshot());
}
