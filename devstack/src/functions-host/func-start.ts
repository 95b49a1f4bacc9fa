// `npm run functions`: the real `func start` where Azure Functions Core Tools are installed,
// otherwise how to get them and how to use the local host instead.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The `func` executable: the repo's node_modules/.bin first, then PATH. Undefined when neither has it. */
export function findCoreTools(repoRoot: string, pathVariable: string | undefined): string | undefined {
  const names = process.platform === 'win32' ? ['func.cmd', 'func.exe', 'func'] : ['func'];
  const directories = [join(repoRoot, 'node_modules', '.bin'), ...(pathVariable ?? '').split(delimiter).filter((entry) => entry !== '')];
  for (const directory of directories) {
    for (const name of names) {
      const candidate = join(directory, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

export const installHelp = `Azure Functions Core Tools ("func") are not installed.

Install them (needs internet access to cdn.functions.azure.com):
  npm install --no-save azure-functions-core-tools@4      (this repo lists it as optional)
  or: https://learn.microsoft.com/azure/azure-functions/functions-run-local#install-the-azure-functions-core-tools

Without them, run the same compiled app with the local host:
  npm run functions:local -- --port 7071
It serves the same routes, keys and hooks; see devstack/src/functions-host/README.md for the differences.
`;

function main(): void {
  const repoRoot = process.cwd();
  const func = findCoreTools(repoRoot, process.env.PATH);
  if (!func) {
    process.stderr.write(installHelp);
    process.exit(1);
  }
  const child = spawn(func, ['start', ...process.argv.slice(2)], { stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  child.on('error', (error) => {
    process.stderr.write(`Could not run ${func}: ${error.message}\n`);
    process.exit(1);
  });
}

if (require.main === module) main();
