// Spawning a part as a child process: its own process group (so a terminal Ctrl-C reaches only the
// supervisor, which then stops the parts in order, each with its whole process tree), every output
// line handed to the supervisor. cross-spawn runs Windows `.cmd` scripts (npm's `func.cmd`) through
// cmd.exe with their arguments escaped: since the fix of CVE-2024-27980 (Node 18.20.2/20.12.2,
// https://nodejs.org/en/blog/vulnerability/april-2024-security-releases-2) Node refuses to spawn
// them without a shell (EINVAL).
import { type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import crossSpawn from 'cross-spawn';
import { treeRootSpawnOptions } from './process-tree';

export interface NodeChildSpec {
  /** Script run with this Node binary, or a command (a path or a name looked up on PATH) when `command` is set. */
  script?: string;
  command?: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function spawnChild(spec: NodeChildSpec, onLine: (line: string) => void): ChildProcess {
  const command = spec.command ?? process.execPath;
  const args = spec.script ? [spec.script, ...spec.args] : [...spec.args];
  const child = crossSpawn(command, args, {
    cwd: spec.cwd,
    env: spec.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...treeRootSpawnOptions,
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      if (line.trim()) onLine(line);
    });
  }
  child.on('error', (error) => onLine(`could not start: ${error.message}`));
  return child;
}

/** Resolves once the OS has created the process (or rejects when it cannot be spawned at all). */
export async function spawned(child: ChildProcess): Promise<ChildProcess> {
  if (child.pid !== undefined) return child;
  return new Promise<ChildProcess>((resolve, reject) => {
    child.once('spawn', () => resolve(child));
    child.once('error', reject);
  });
}
