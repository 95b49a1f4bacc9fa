import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type RpcLogLevel } from './core-types';
import { childMessageSchema, type ReadyMessage, type StartMessage } from './host-messages';
import { type HostLogEntry, makeEntry } from './host-log';
import { type FunctionKeys } from './keys';

export { type FunctionKeys } from './keys';
export { type HostLogEntry, formatLogLine } from './host-log';
export { type FunctionListing } from './route-table';
export { formatFunctionList } from './function-list';

export interface StartFunctionsHostOptions {
  /** Directory with the app's package.json (`main` glob), host.json and local.settings.json. */
  appRoot: string;
  /** 0 = a free port (tests); undefined = local.settings.json Host.LocalHttpPort, else 7071. */
  port?: number;
  /** Fixed keys; otherwise FUNCTIONS_LOCAL_FUNCTION_KEY/FUNCTIONS_LOCAL_MASTER_KEY, else the keys file. */
  keys?: FunctionKeys;
  /** Per-machine keys file (default `<appRoot>/.devstack/functions-keys.json`). */
  keysFile?: string;
  /** Extra environment for the app; local.settings.json never overrides these or the inherited ones. */
  env?: Record<string, string>;
  /** Lowest level logged (default `information`: includes the per-invocation Executing/Executed lines). */
  logLevel?: RpcLogLevel;
  /** Receives every host log line (app context.log, worker, host, app console output); default prints them. */
  onLog?: (entry: HostLogEntry) => void;
  /** How long startup may take before it is abandoned (default 30 s). */
  startTimeoutMs?: number;
}

export interface FunctionsHost extends Omit<ReadyMessage, 'type'> {
  pid: number;
  /** Settles when the host process ends (after stop(), or on its own, e.g. an uncaught exception in the app). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops taking requests, waits for in-flight ones (bounded), runs appTerminate hooks, ends the process. */
  stop(): Promise<void>;
}

const stopTimeoutMs = 15_000;

/** The compiled host process entry: next to this file in dist/, or dist/ when running from src/ (jest). */
function hostProcessEntry(): string {
  const entry = __filename.endsWith('.ts')
    ? resolve(__dirname, '../../dist/functions-host/host-process.js')
    : join(__dirname, 'host-process.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build the devstack first (npx tsc -b devstack)`);
  return entry;
}

function forwardOutput(child: ChildProcess, onLog: (entry: HostLogEntry) => void): void {
  for (const [stream, level] of [
    [child.stdout, 'information'],
    [child.stderr, 'warning'],
  ] as const) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => onLog(makeEntry(level, 'console', line)));
  }
}

/**
 * Starts the Function App in its own Node process (as the real worker runs apart from the host) and
 * resolves once it is listening, with its URL, keys and function list.
 */
export function startFunctionsHost(options: StartFunctionsHostOptions): Promise<FunctionsHost> {
  const appRoot = resolve(options.appRoot);
  if (!existsSync(appRoot)) return Promise.reject(new Error(`Function App directory ${appRoot} does not exist`));
  const onLog = options.onLog;
  const child = fork(hostProcessEntry(), [], {
    cwd: appRoot,
    env: { ...process.env, ...options.env },
    execArgv: [],
    stdio: onLog ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (onLog) forwardOutput(child, onLog);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once('exit', (code, signal) => resolveExit({ code, signal })),
  );

  return new Promise<FunctionsHost>((resolveStart, rejectStart) => {
    let started = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rejectStart(new Error(`Functions host did not start within ${options.startTimeoutMs ?? 30_000} ms`));
    }, options.startTimeoutMs ?? 30_000);

    child.once('error', (error) => {
      clearTimeout(timer);
      rejectStart(new Error(`Functions host process could not be started: ${error.message}`));
    });
    child.on('message', (raw: unknown) => {
      const parsed = childMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      if (message.type === 'log') {
        if (onLog) onLog(message.entry);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        rejectStart(new Error(`Functions host failed to start: ${message.message}`));
      } else if (message.type === 'ready') {
        clearTimeout(timer);
        started = true;
        const { type: _type, ...ready } = message;
        let stopping: Promise<void> | undefined;
        resolveStart({
          ...ready,
          pid: child.pid ?? -1,
          exited,
          stop: () => {
            stopping ??= (async () => {
              if (child.exitCode !== null || child.signalCode !== null) return;
              if (child.connected) child.send({ type: 'stop' });
              const killTimer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
              await exited;
              clearTimeout(killTimer);
            })();
            return stopping;
          },
        });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      if (!started)
        rejectStart(new Error(`Functions host process exited (code ${code}, signal ${signal}) before it was ready`));
    });
    const start: StartMessage = {
      type: 'start',
      appRoot,
      forwardLogs: onLog !== undefined,
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.keys ? { keys: options.keys } : {}),
      ...(options.keysFile !== undefined ? { keysFile: resolve(options.keysFile) } : {}),
      ...(options.logLevel !== undefined ? { logLevel: options.logLevel } : {}),
    };
    child.send(start);
  });
}
