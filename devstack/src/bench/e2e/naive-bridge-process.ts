// Runs the naive bridge (../naive-bridge.ts) as its own process, wired like the WebJob, and follows
// its progress lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { waitUntil } from '../../stack/wait';
import type { NaiveBridgeCounts } from '../naive-bridge';

export interface NaiveBridgeWiring {
  ledgerApiUrl: string;
  ledgerWsUrl: string;
  webhookUrl: string;
  functionKey: string;
  secrets: string[];
  trustedIssuers: string[];
}

export class NaiveBridgeProcess {
  counts: NaiveBridgeCounts = { delivered: 0, skipped: 0, failed: 0 };
  private ready = false;
  private readonly errors: string[] = [];

  private constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      try {
        const message = JSON.parse(line) as { msg: string } & NaiveBridgeCounts;
        if (message.msg === 'ready') this.ready = true;
        this.counts = { delivered: message.delivered, skipped: message.skipped, failed: message.failed };
      } catch {
        // not a progress line
      }
    });
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => {
      this.errors.push(line);
      if (this.errors.length > 10) this.errors.shift();
    });
  }

  static async start(wiring: NaiveBridgeWiring): Promise<NaiveBridgeProcess> {
    const script = path.resolve(__dirname, '..', 'naive-bridge.js');
    const child = spawn(process.execPath, [script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        LEDGER_API_URL: wiring.ledgerApiUrl,
        LEDGER_WS_URL: wiring.ledgerWsUrl,
        WEBHOOK_URL: wiring.webhookUrl,
        WEBHOOK_FUNCTION_KEY: wiring.functionKey,
        WEBHOOK_SECRETS: wiring.secrets.join(' '),
        LEASING_COMPANY_PUBLIC_KEYS: wiring.trustedIssuers.join(' '),
      },
    });
    const bridge = new NaiveBridgeProcess(child);
    await waitUntil(
      () => {
        if (child.exitCode !== null)
          throw new Error(`the naive bridge exited (${child.exitCode}): ${bridge.errors.join(' | ')}`);
        return Promise.resolve(bridge.ready);
      },
      { timeoutMs: 15_000, intervalMs: 20, what: 'the naive bridge to connect' },
    );
    return bridge;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  async waitDelivered(total: number, timeoutMs: number): Promise<void> {
    await waitUntil(
      () => {
        if (this.counts.failed > 0)
          throw new Error(`the naive bridge failed ${this.counts.failed} events: ${this.errors.join(' | ')}`);
        if (this.child.exitCode !== null)
          throw new Error(`the naive bridge exited (${this.child.exitCode}): ${this.errors.join(' | ')}`);
        return Promise.resolve(this.counts.delivered >= total);
      },
      {
        timeoutMs,
        intervalMs: 50,
        what: `the naive bridge to deliver ${total} events (delivered ${this.counts.delivered})`,
      },
    );
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }
}
