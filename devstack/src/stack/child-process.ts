// Spawning a part as a child process: its own process group (so a terminal Ctrl-C reaches only the
// supervisor, which then stops the parts in order), every output line handed to the supervisor.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface NodeChildSpec {
  /** Script run with this Node binary, or a full command when `command` is set. */
  script?: string;
  command?: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function spawnChild(spec: NodeChildSpec, onLine: (line: string) => void): ChildProcess {
  const command = spec.command ?? process.execPath;
  const args = spec.script ? [spec.script, ...spec.args] : [...spec.args];
  const child = spawn(command, args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
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
