// `npm run functions:local -- [--port 7071] [--app-root DIR] [--log-level information]`
// Runs the compiled Function App in this process, like `func start`, without Core Tools; supplies the
// same local-development settings as `npm run functions` when nothing configures them.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatFunctionList } from './function-list';
import { formatLogLine, isLogLevel, logLevels } from './host-log';
import { startHostRuntime } from './host-runtime';
import type * as LocalDevelopmentSettings from './local-development-settings';

function fail(message: string): never {
  process.stderr.write(`functions:local: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let values: { port?: string; 'app-root'?: string; 'log-level'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        'app-root': { type: 'string' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(
      'Usage: npm run functions:local -- [--port 7071] [--app-root DIR] [--log-level information]\n',
    );
    return;
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) fail(`--port must be 0-65535, got "${values.port}"`);
    port = Number(values.port);
  }
  const logLevel = values['log-level'] ?? 'information';
  if (!isLogLevel(logLevel)) fail(`--log-level must be one of ${logLevels.join(', ')}`);
  const appRoot = resolve(values['app-root'] ?? process.cwd());
  // For this repository's app, as `npm run functions` does for func start: what a fresh clone lacks,
  // named on the console. Another --app-root gets only what its environment and settings say.
  // Loaded only then: it brings the ledger key library, most of this host's own start-up time.
  if (appRoot === resolve(__dirname, '..', '..', '..')) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { localDevelopmentSettings } = require('./local-development-settings') as typeof LocalDevelopmentSettings;
    const { supplied, notes } = await localDevelopmentSettings(appRoot, process.env);
    for (const note of notes) process.stdout.write(`functions:local: ${note}\n`);
    Object.assign(process.env, supplied);
  }

  const host = await startHostRuntime({
    appRoot,
    ...(port !== undefined ? { port } : {}),
    logLevel,
    log: (entry) => process.stdout.write(`${formatLogLine(entry)}\n`),
  }).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));

  process.stdout.write(`\nLocal Functions host (devstack; not Azure Functions Core Tools) for ${appRoot}\n`);
  process.stdout.write(formatFunctionList(host.functions, host.url.replace('127.0.0.1', 'localhost')));
  process.stdout.write(
    `\nHost started on ${host.url}. Keys: ${host.keysSource === 'environment' || host.keysSource === 'options' ? 'from FUNCTIONS_LOCAL_FUNCTION_KEY/FUNCTIONS_LOCAL_MASTER_KEY' : host.keysFile}. Ctrl+C stops it.\n\n`,
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    host.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`appTerminate failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
