// Entry of the process `startFunctionsHost` forks: one Function App per process, like the real worker.
import { type ChildMessage, parentMessageSchema, type StartMessage } from './host-messages';
import { formatLogLine, type HostLogEntry, isLogLevel, makeEntry } from './host-log';
import { type RunningHost, startHostRuntime } from './host-runtime';

function send(message: ChildMessage): void {
  if (process.connected) process.send?.(message);
}

let running: RunningHost | undefined;
let exiting = false;

async function shutdown(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  try {
    await running?.stop();
  } finally {
    send({ type: 'stopped' });
    // Let the IPC message flush before exiting.
    setImmediate(() => process.exit(code));
  }
}

async function start(message: StartMessage): Promise<void> {
  const log = message.forwardLogs
    ? (entry: HostLogEntry) => send({ type: 'log', entry })
    : (entry: HostLogEntry) => process.stdout.write(`${formatLogLine(entry)}\n`);
  try {
    running = await startHostRuntime({
      appRoot: message.appRoot,
      ...(message.port !== undefined ? { port: message.port } : {}),
      ...(message.keys ? { keys: message.keys } : {}),
      ...(message.keysFile !== undefined ? { keysFile: message.keysFile } : {}),
      ...(message.logLevel !== undefined && isLogLevel(message.logLevel) ? { logLevel: message.logLevel } : {}),
      log,
    });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    setImmediate(() => process.exit(1));
    return;
  }
  send({
    type: 'ready',
    url: running.url,
    port: running.port,
    keys: running.keys,
    keysSource: running.keysSource,
    keysFile: running.keysFile,
    routePrefix: running.routePrefix,
    streaming: running.streaming,
    settingsApplied: running.settingsApplied,
    functions: running.functions,
    ...(running.settingsFile !== undefined ? { settingsFile: running.settingsFile } : {}),
  });
}

process.on('message', (raw: unknown) => {
  const parsed = parentMessageSchema.safeParse(raw);
  if (!parsed.success) return;
  if (parsed.data.type === 'start') void start(parsed.data);
  else void shutdown(0);
});
// The parent went away: stop like a terminated worker.
process.on('disconnect', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));
// Like the worker: an uncaught exception (and so an unhandled rejection) ends the process with code 1.
// The real host would start a new worker; this host does not restart (see README, differences).
process.on('uncaughtException', (error) => {
  const entry = makeEntry('critical', 'host', `Worker uncaught exception, exiting: ${error.stack ?? error.message}`);
  if (process.connected) send({ type: 'log', entry });
  process.stderr.write(`${formatLogLine(entry)}\n`);
  setImmediate(() => process.exit(1));
});
