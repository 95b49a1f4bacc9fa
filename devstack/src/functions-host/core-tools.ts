// Azure Functions Core Tools (`func`): where they are installed, and the settings `func start` needs
// for this app so that it starts without asking anything.
import { existsSync, readFileSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import which from 'which';
import { z } from 'zod';

export interface CoreTools {
  /** What to spawn (with cross-spawn, which runs a Windows `.cmd` shim through cmd.exe) and its first arguments. */
  command: string;
  args: string[];
  /** The file found, for messages. */
  location: string;
}

const corePackageSchema = z.object({ bin: z.union([z.string(), z.object({ func: z.string() }).loose()]) }).loose();

/** The PATH of `env`, whatever its case (Windows spells it `Path`). */
function pathVariable(env: NodeJS.ProcessEnv): string | undefined {
  const name = Object.keys(env).find((key) => key.toUpperCase() === 'PATH');
  return name === undefined ? undefined : env[name];
}

/** The JavaScript entry (`bin.func`, lib/main.js) of the repository's npm package `azure-functions-core-tools`. */
function npmPackageEntry(repoRoot: string): string | undefined {
  const packageFile = join(repoRoot, 'node_modules', 'azure-functions-core-tools', 'package.json');
  if (!existsSync(packageFile)) return undefined;
  const parsed = corePackageSchema.safeParse(JSON.parse(readFileSync(packageFile, 'utf8')));
  if (!parsed.success) return undefined;
  const file = join(dirname(packageFile), typeof parsed.data.bin === 'string' ? parsed.data.bin : parsed.data.bin.func);
  return existsSync(file) ? file : undefined;
}

/** True for a `node_modules/.bin` folder of this repository (what `npm run` and `npx` put first on PATH). */
function isRepositoryBin(directory: string, repoRoot: string): boolean {
  const relativeDir = relative(repoRoot, resolve(directory));
  return (
    !relativeDir.startsWith('..') &&
    !isAbsolute(relativeDir) &&
    basename(relativeDir) === '.bin' &&
    basename(dirname(relativeDir)) === 'node_modules'
  );
}

/**
 * `func` installed on the machine (MSI, Homebrew, apt, a global npm install), found on PATH as the
 * OS finds it (on Windows through PATHEXT: `func.exe`, `func.cmd`...); otherwise the repository's npm
 * package run through its JavaScript entry with this Node, so no `.cmd` shim and no shell is involved.
 * The repository's own node_modules/.bin shims on PATH are skipped for that reason.
 */
export function findCoreTools(repoRoot: string, env: NodeJS.ProcessEnv = process.env): CoreTools | undefined {
  const path = (pathVariable(env) ?? '')
    .split(delimiter)
    .filter((directory) => directory !== '' && !isRepositoryBin(directory, repoRoot))
    .join(delimiter);
  const found = which.sync('func', { nothrow: true, path, ...(env.PATHEXT ? { pathExt: env.PATHEXT } : {}) });
  if (found !== null) return { command: found, args: [], location: found };
  const entry = npmPackageEntry(repoRoot);
  return entry === undefined ? undefined : { command: process.execPath, args: [entry], location: entry };
}

/**
 * Settings `func start` needs to run this app unattended. Without FUNCTIONS_WORKER_RUNTIME, Core Tools
 * show an interactive runtime menu (StartHostAction.EnsureWorkerRuntimeIsSet, SelectionMenuHelper)
 * that loops forever on a closed stdin; AzureWebJobsStorage is the host's own storage.
 */
export function coreToolsSettings(storageConnectionString: string): Record<string, string> {
  return { FUNCTIONS_WORKER_RUNTIME: 'node', AzureWebJobsStorage: storageConnectionString };
}
