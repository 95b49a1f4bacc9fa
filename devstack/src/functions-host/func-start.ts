// `npm run functions [-- --port 7071 ...]`: the real `func start` (Azure Functions Core Tools) on the
// freshly built app (the npm script builds first: Core Tools build only .NET and Go projects), with
// every setting it needs supplied when neither the environment nor local.settings.json has it, so it
// never stops at a prompt. Ctrl-C or SIGTERM stops the whole Core Tools process tree.
import crossSpawn from 'cross-spawn';
import { stopTree, treeRootSpawnOptions } from '../stack/process-tree';
import { findEntryPoints, readAppPackage } from './app-loader';
import { findCoreTools } from './core-tools';
import { localDevelopmentSettings } from './local-development-settings';

export const installHelp = `Azure Functions Core Tools ("func") are not installed.

Install them (needs internet access to cdn.functions.azure.com):
  npm install --no-save azure-functions-core-tools@4      (this repo lists it as optional)
  or: https://learn.microsoft.com/azure/azure-functions/functions-run-local#install-the-azure-functions-core-tools

Without them, run the same compiled app with the local host:
  npm run functions:local -- --port 7071
It serves the same routes, keys and hooks; see devstack/src/functions-host/README.md for the differences.
`;

const stopGraceMs = 10_000;

function fail(message: string): never {
  process.stderr.write(`functions: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  // Like `func start`, the app is the current directory (npm runs scripts from the repository root).
  const appRoot = process.cwd();
  const tools = findCoreTools(appRoot);
  if (!tools) {
    process.stderr.write(installHelp);
    process.exit(1);
  }
  // The Node worker indexes only the files `main` matches; without them it refuses to start.
  await findEntryPoints(appRoot, readAppPackage(appRoot)).catch((error: Error) =>
    fail(`${error.message}. Run npm run build.`),
  );

  const { supplied, notes } = await localDevelopmentSettings(appRoot, process.env);
  for (const note of notes) process.stdout.write(`functions: ${note}\n`);

  process.stdout.write(`functions: ${tools.location} start ${process.argv.slice(2).join(' ')}\n`);
  const child = crossSpawn(tools.command, [...tools.args, 'start', ...process.argv.slice(2)], {
    cwd: appRoot,
    env: { ...process.env, ...supplied },
    // No stdin: Core Tools must never wait on a prompt.
    stdio: ['ignore', 'inherit', 'inherit'],
    ...treeRootSpawnOptions,
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= stopTree(child, stopGraceMs));
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('SIGHUP', () => void stop());
  child.on('error', (error) => fail(`could not run ${tools.location}: ${error.message}`));
  // Also when the child exits on its own: a wrapper must not leave the host and its worker behind.
  child.on('exit', (code, signal) => void stop().then(() => process.exit(code ?? (signal ? 1 : 0))));
}

if (require.main === module) void main();
