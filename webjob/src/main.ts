// Process entry (webjob/run.js requires the compiled file): read the configuration once, start,
// and stop gracefully on SIGTERM, SIGINT or the WebJobs shutdown file; exit 0 after a clean stop.
import { ConfigError, loadConfig } from './config';
import { createLogger } from './ops/logger';
import { watchForShutdown } from './ops/shutdown-watcher';
import { startWebJob } from './webjob';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'invalid configuration', error: error.message })}\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, { service: 'webjob', consumer: config.consumerName });
  process.on('uncaughtException', (error) => {
    logger.error('uncaught exception: exiting', { error });
    process.exit(1);
  });
  process.on('unhandledRejection', (error) => {
    logger.error('unhandled rejection: exiting', { error });
    process.exit(1);
  });
  const job = await startWebJob(config, logger);
  const unwatch = watchForShutdown(config.shutdown.file, (reason) => {
    void job.stop(reason);
  });
  await job.done;
  unwatch();
  process.exit(0);
}

void main();
