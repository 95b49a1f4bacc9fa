// `npm start`: the whole system on one machine. Starts the stack, prints its status, plays the
// car-leasing demo once, and on Ctrl-C stops the parts in reverse order (WebJob first, storage last).
import path from 'node:path';
import { runDemo } from '../demo/run-demo';
import { parseCliOptions, USAGE, type CliOptions } from './cli-options';
import { cleanUpAbandonedStack } from './abandoned-stack';
import { signalTree } from './process-tree';
import { startStack, type RunningStack } from './stack';
import { color, readWebJobHealth, renderStatusScreen } from './status-screen';
import type { Supervisor, SupervisorEvent } from './supervisor';

const PREFIX_COLORS: Record<string, (text: string) => string> = {
  azurite: (t) => color.cyan(t),
  ledger: (t) => color.yellow(t),
  'function-app': (t) => color.green(t),
  webjob: (t) => color.wrap(35, t),
};

function prefix(part: string): string {
  return (PREFIX_COLORS[part] ?? ((t: string) => t))(`[${part}]`.padEnd(15));
}

function printEvent(event: SupervisorEvent, showLines: boolean): void {
  if (event.kind === 'line') {
    if (showLines) console.log(`${prefix(event.part)}${event.line}`);
    return;
  }
  const note = `${event.state}${event.pid ? ` (pid ${event.pid})` : ''}${event.detail ? `: ${event.detail}` : ''}`;
  const painted =
    event.state === 'crashed' ? color.red(note) : event.state === 'healthy' ? color.green(note) : color.dim(note);
  console.log(`${prefix(event.part)}${painted}`);
}

async function main(options: CliOptions): Promise<void> {
  const repoRoot = path.resolve(__dirname, '..', '..', '..');
  const stateDir = path.resolve(repoRoot, options.stateDir);
  await cleanUpAbandonedStack(stateDir, (line) => console.log(color.yellow(line)));

  let started = false;
  // Filled once started; the signal handlers installed before that read it.
  const running: { stack?: RunningStack; supervisor?: Supervisor } = {};
  const demoAbort = new AbortController();
  let stopping: Promise<void> | undefined;
  const stopEverything = (exitCode: number): void => {
    if (stopping) {
      console.log(color.red('\nForced exit: killing every part now.'));
      for (const part of running.supervisor?.status() ?? []) if (part.pid) signalTree(part.pid, 'SIGKILL');
      process.exit(1);
    }
    console.log(color.bold('\nStopping (Ctrl-C again to force): webjob, function-app, ledger, azurite...'));
    demoAbort.abort();
    // Before start-up finished there is no stack yet, but the supervisor already runs some parts.
    stopping = (running.stack?.stop() ?? running.supervisor?.stopAll() ?? Promise.resolve()).then(
      () => {
        console.log(
          color.green('Stopped cleanly.') +
            (options.storageMode === 'persistent'
              ? color.dim(` State kept in ${options.stateDir}/; npm start resumes from it.`)
              : ''),
        );
        process.exit(exitCode);
      },
      (error: Error) => {
        console.error(color.red(`Stopping failed: ${error.message}`));
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stopEverything(0));
  process.on('SIGTERM', () => stopEverything(0));
  // A closed terminal: stop the parts too (they run in their own process groups), and ignore
  // write errors to the terminal that is gone so the orderly stop can finish.
  process.on('SIGHUP', () => stopEverything(0));
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

  console.log(color.bold('Starting the lease-premium local stack...'));
  const stack = await startStack({
    repoRoot,
    stateDir,
    storageMode: options.storageMode,
    functionsHost: options.functionsHost,
    ports: 'default',
    namePrefix: options.env.namePrefix,
    ...(options.env.rateTable ? { rateTable: options.env.rateTable } : {}),
    external: {
      ...(options.env.ledgerApiUrl ? { ledgerApiUrl: options.env.ledgerApiUrl } : {}),
      ...(options.env.ledgerWsUrl ? { ledgerWsUrl: options.env.ledgerWsUrl } : {}),
      ...(options.env.storageConnectionString ? { storageConnectionString: options.env.storageConnectionString } : {}),
    },
    onSupervisor: (supervisor) => {
      running.supervisor = supervisor;
    },
    onEvent: (event) => {
      printEvent(event, !started || options.followLogs);
    },
  });
  running.stack = stack;
  started = true;
  console.log(
    renderStatusScreen(
      stack.description,
      stack.supervisor.status(),
      await readWebJobHealth(stack.description.webjob.healthUrl),
    ),
  );

  if (!options.demo) {
    console.log(color.dim('Demo skipped (--no-demo). The stack keeps running until Ctrl-C.'));
    return;
  }
  try {
    await runDemo({
      stack: stack.description,
      progressDir: options.storageMode === 'persistent' ? stateDir : undefined,
      signal: demoAbort.signal,
      out: process.stdout,
    });
  } catch (error) {
    if (demoAbort.signal.aborted) return;
    console.error(color.red(`Demo failed: ${(error as Error).message}`));
    console.error(color.dim('The stack keeps running; see the logs above and in .devstack/logs/.'));
    return;
  }
  console.log(color.dim('The stack keeps running until Ctrl-C.'));
}

let options: CliOptions;
try {
  options = parseCliOptions(process.argv.slice(2), process.env);
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
main(options).catch((error: Error) => {
  // A Ctrl-C during start-up makes the start fail on purpose; the stop handler reports and exits.
  if (/stopped while it was starting/.test(error.message)) return;
  console.error(color.red(`\nThe stack could not start: ${error.message}`));
  process.exit(1);
});
