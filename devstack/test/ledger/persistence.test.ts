// --data persistence with the compiled CLI as a child process: kill -9 and restart, a torn last record,
// damage that must refuse to load, and a kill in the middle of a stream of posts.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as bigchaindb from '@lease-premium/bigchaindb';
import { ALICE, BOB, error400, http, makeCreate, makeTransfer, output, type Tx } from './ledger-fixtures';

const CLI = resolve(__dirname, '../../dist/ledger/cli.js');

interface Running {
  child: ChildProcess;
  api: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function startCli(dataDir: string): Promise<Running> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -b devstack)`);
  const child = spawn(
    process.execPath,
    [CLI, '--http-port', '0', '--ws-port', '0', '--block-interval-ms', '0', '--data', dataDir],
    {
      env: { ...process.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 15_000;
  while (!/"api":"(http[^"]+)"/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) return { child, api: '', output: () => out, exited };
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, api: /"api":"(http[^"]+)"/.exec(out)![1]!, output: () => out, exited };
}

async function kill9(running: Running): Promise<void> {
  running.child.kill('SIGKILL');
  await running.exited;
}

const postTo = (api: string, tx: unknown, mode: string): Promise<{ status: number; text: string }> =>
  http(`${api}transactions?mode=${mode}`, {
    method: 'POST',
    body: JSON.stringify(tx),
    headers: { 'Content-Type': 'application/json' },
  });

describe('ledger node persistence (--data)', () => {
  let dir: string;
  let running: Running | undefined;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ledger-data-'))));
  afterEach(async () => {
    if (running && running.child.exitCode === null) await kill9(running);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a kill -9 and restart keeps every committed block, index and spend; a torn last record is discarded', async () => {
    running = await startCli(dir);
    const create = makeCreate(ALICE);
    const transfer = makeTransfer([{ tx: create, index: 0 }], [output([BOB.public_key])], [ALICE.private_key]);
    const other = makeCreate(ALICE, { data: { persisted: 'Zürich ✓' } });
    for (const tx of [create, transfer, other]) expect((await postTo(running.api, tx, 'commit')).status).toBe(202);
    const before = {
      blocks: await Promise.all([0, 1, 2, 3].map(async (h) => (await http(`${running!.api}blocks/${h}`)).text)),
      outputs: (await http(`${running.api}outputs?public_key=${ALICE.public_key}&spent=true`)).text,
    };
    await kill9(running);

    // what a kill in the middle of a write leaves: a partial record without its newline
    const log = join(dir, 'chain.log');
    const whole = readFileSync(log);
    appendFileSync(log, whole.subarray(0, 120));
    running = await startCli(dir);
    expect(running.api).not.toBe('');
    expect(running.output()).toContain('discarded a torn last record of the chain log');
    expect(statSync(log).size).toBe(whole.length);
    for (const [h, text] of before.blocks.entries()) expect((await http(`${running.api}blocks/${h}`)).text).toBe(text);
    expect((await http(`${running.api}blocks/4`)).status).toBe(404);
    expect((await http(`${running.api}outputs?public_key=${ALICE.public_key}&spent=true`)).text).toBe(before.outputs);
    expect(JSON.parse((await http(`${running.api}transactions/${other.id}`)).text)).toEqual(other);
    expect((await postTo(running.api, create, 'sync')).text).toBe(
      error400(`Invalid transaction (DuplicateTransaction): transaction \`${create.id}\` already exists`),
    );
    expect((await postTo(running.api, transfer, 'sync')).text).toBe(
      error400(`Invalid transaction (DoubleSpend): input \`${create.id}\` was already spent`),
    );
    const forged = { ...makeCreate(ALICE), metadata: { forged: true } }; // checked by the CLI's signature worker
    const forgedRes = await postTo(running.api, { ...forged, id: bigchaindb.computeTransactionId(forged) }, 'sync');
    expect(forgedRes.text).toBe(error400('Invalid transaction (InvalidSignature): Transaction signature is invalid.'));
    const next = makeCreate(ALICE);
    expect((await postTo(running.api, next, 'commit')).status).toBe(202);
    expect((await http(`${running.api}blocks?transaction_id=${next.id}`)).text).toBe('[4]\n');
  });

  test('a whole last record with a bad checksum is also torn; damage before the last record refuses to start', async () => {
    running = await startCli(dir);
    for (let i = 0; i < 3; i++) expect((await postTo(running.api, makeCreate(ALICE), 'commit')).status).toBe(202);
    await kill9(running);
    const log = join(dir, 'chain.log');
    const lines = readFileSync(log, 'utf8').split('\n');
    const flipped = (line: string): string => line.slice(0, 70) + (line[70] === 'a' ? 'b' : 'a') + line.slice(71);

    writeFileSync(log, [...lines.slice(0, 2), flipped(lines[2]!), ''].join('\n'));
    running = await startCli(dir);
    expect(running.output()).toContain('discarded a torn last record');
    expect((await http(`${running.api}blocks/2`)).status).toBe(200);
    expect((await http(`${running.api}blocks/3`)).status).toBe(404);
    await kill9(running);

    const now = readFileSync(log, 'utf8').split('\n');
    writeFileSync(log, [flipped(now[0]!), ...now.slice(1)].join('\n'));
    running = await startCli(dir);
    expect(await running.exited).toBe(1);
    expect(running.output()).toMatch(/record 1 at byte 0 is damaged and is not the last one; refusing to load/);
  });

  test('a kill -9 while transactions stream in leaves a chain that loads whole and consistent', async () => {
    running = await startCli(dir);
    const txs: Tx[] = Array.from({ length: 400 }, () => makeCreate(ALICE));
    let sent = 0;
    const senders = Array.from({ length: 8 }, async () => {
      while (sent < txs.length) {
        const tx = txs[sent++]!;
        try {
          await postTo(running!.api, tx, 'async');
        } catch {
          return; // the node is gone
        }
      }
    });
    while (sent < 200) await new Promise((r) => setTimeout(r, 2));
    await kill9(running);
    await Promise.all(senders);

    running = await startCli(dir);
    expect(running.api).not.toBe('');
    const height = Number(/"height":(\d+)/.exec(running.output())![1]);
    let found = 0;
    for (let h = 1; h <= height; h++) {
      const block = JSON.parse((await http(`${running.api}blocks/${h}`)).text) as {
        height: number;
        transactions: Tx[];
      };
      expect(block.height).toBe(h);
      for (const tx of block.transactions) {
        expect((await http(`${running.api}transactions/${tx.id}`)).status).toBe(200);
        found++;
      }
    }
    expect(found).toBeGreaterThan(0);
    expect((await http(`${running.api}blocks/${height + 1}`)).status).toBe(404);
  });
});
