import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const DEV_ACCOUNT_NAME = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Keep data on disk in this folder; omitted = in memory (lost when the process ends). */
  location?: string;
  /** Fixed ports; 0 or omitted = a free port chosen by the OS (reported back). */
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
  /** Where Azurite's stdout/stderr go; default: discarded. */
  onOutput?: (line: string) => void;
}

export interface AzuriteInstance {
  readonly blobEndpoint: string;
  readonly queueEndpoint: string;
  readonly tableEndpoint: string;
  readonly ports: { blob: number; queue: number; table: number };
  /** A connection string the Azure SDKs accept, pointing at this instance's ports. */
  readonly connectionString: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Stops Azurite (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
}

export function connectionStringFor(ports: { blob: number; queue: number; table: number }, host = '127.0.0.1'): string {
  return (
    [
      'DefaultEndpointsProtocol=http',
      `AccountName=${DEV_ACCOUNT_NAME}`,
      `AccountKey=${DEV_ACCOUNT_KEY}`,
      `BlobEndpoint=http://${host}:${ports.blob}/${DEV_ACCOUNT_NAME}`,
      `QueueEndpoint=http://${host}:${ports.queue}/${DEV_ACCOUNT_NAME}`,
      `TableEndpoint=http://${host}:${ports.table}/${DEV_ACCOUNT_NAME}`,
    ].join(';') + ';'
  );
}

const LISTENING = /Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/[^:]+:(\d+)/;

/**
 * Starts the real Azurite (npm `azurite`) as a child process, telemetry off, on free ports unless
 * told otherwise, and resolves once all three services listen.
 */
export async function startAzurite(options: AzuriteOptions = {}, startTimeoutMs = 30_000): Promise<AzuriteInstance> {
  const bin = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
  const args = [
    bin,
    '--blobPort',
    String(options.blobPort ?? 0),
    '--queuePort',
    String(options.queuePort ?? 0),
    '--tablePort',
    String(options.tablePort ?? 0),
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
  ];
  if (options.location) args.push('--location', options.location);
  else args.push('--inMemoryPersistence', '--extentMemoryLimit', '256');

  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ports: Partial<Record<'blob' | 'queue' | 'table', number>> = {};
  let output = '';

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Azurite did not start within ${startTimeoutMs} ms:\n${output}`)),
      startTimeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      for (const line of text.split('\n')) {
        if (line.trim()) options.onOutput?.(line);
        const m = LISTENING.exec(line);
        if (m?.[1] && m[2]) ports[m[1].toLowerCase() as 'blob' | 'queue' | 'table'] = Number(m[2]);
      }
      if (ports.blob && ports.queue && ports.table) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited before it was ready (code ${code}, signal ${signal}):\n${output}`));
    });
  });
  await ready;

  const resolved = { blob: ports.blob!, queue: ports.queue!, table: ports.table! };
  const base = 'http://127.0.0.1';
  return {
    blobEndpoint: `${base}:${resolved.blob}/${DEV_ACCOUNT_NAME}`,
    queueEndpoint: `${base}:${resolved.queue}/${DEV_ACCOUNT_NAME}`,
    tableEndpoint: `${base}:${resolved.table}/${DEV_ACCOUNT_NAME}`,
    ports: resolved,
    connectionString: connectionStringFor(resolved),
    pid: child.pid!,
    process: child,
    async stop(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
