// Process entry (webjob/run.js requires the compiled file): read the configuration once, start,
// and stop gracefully on SIGTERM, SIGINT or the WebJobs shutdown file; exit 0 after a clean stop.
// The WebJob runs in a worker thread with V8 heap limits (WEBJOB_HEAP_LIMIT_MB): without a limit
// V8 grows the heap with the allocation rate instead of collecting, and the process's resident
// memory rises far above what it actually keeps. Node flags cannot be passed through run.js, so
// the limit is set here; the main thread only forwards signals and the exit code.
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { heapLimitMb } from './heap-limit';
import type * as ConfigModule from './config';
import type * as LoggerModule from './ops/logger';
import type * as ShutdownModule from './ops/shutdown-watcher';
import type * as TelemetryModule from './ops/telemetry';
import type * as WebJobModule from './webjob';

/* eslint-disable @typescript-eslint/no-require-imports -- loaded only where the WebJob runs (see above) */

async function main(): Promise<void> {
  const { ConfigError, loadConfig } = require('./config') as typeof ConfigModule;
  const { createLogger } = require('./ops/logger') as typeof LoggerModule;
  const { watchForShutdown } = require('./ops/shutdown-watcher') as typeof ShutdownModule;
  const { startWebJob } = require('./webjob') as typeof WebJobModule;
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'invalid configuration', error: error.message })}\n`,
      );
      process.exit(1);
    }
    throw error;
  }
  const telemetry = config.telemetry
    ? (require('./ops/telemetry') as typeof TelemetryModule).WebJobTelemetry.start(config.telemetry)
    : undefined;
  const toStdout = (line: string): void => void process.stdout.write(line);
  const logger = createLogger(
    config.logLevel,
    { service: 'webjob', consumer: config.consumerName },
    telemetry ? telemetry.logWriter(toStdout) : toStdout,
  );
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception: exiting', { error });
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    logger.error('unhandled rejection: exiting', { error });
    process.exit(1);
  });
  const job = await startWebJob(config, logger, telemetry);
  const unwatch = watchForShutdown(
    config.shutdown.file,
    (reason) => {
      void job.stop(reason);
    },
    parentPort ?? undefined,
  );
  await job.done;
  unwatch();
  process.exit(0);
}

function supervise(limitMb: number): void {
  const worker = new Worker(__filename, {
    resourceLimits: {
      maxOldGenerationSizeMb: limitMb,
      maxYoungGenerationSizeMb: Math.max(4, Math.round(limitMb / 12)),
    },
  });
  const forward = (signal: string) => (): void => worker.postMessage({ shutdown: signal });
  process.on('SIGTERM', forward('SIGTERM'));
  process.on('SIGINT', forward('SIGINT'));
  worker.on('error', (error) => {
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'webjob failed', error: { name: error.name, message: error.message } })}\n`,
    );
    process.exit(1);
  });
  worker.on('exit', (code) => process.exit(code));
}

if (isMainThread) {
  let limit: number;
  try {
    limit = heapLimitMb(process.env);
  } catch (error) {
    process.stderr.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'invalid configuration', error: (error as Error).message })}\n`,
    );
    process.exit(1);
  }
  if (limit > 0) supervise(limit);
  else void main();
} else {
  void main();
}
