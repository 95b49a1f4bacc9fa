// Stopping a part means stopping every process it started. A wrapper often stands between the
// supervisor and the process holding the port: npm-installed Core Tools run `lib/main.js`, which
// starts the real `func` host, which starts the Node worker. Signalling only the direct child (and
// SIGKILL cannot be forwarded) would leave the host and its worker running.
// POSIX: parts are spawned `detached`, so each leads its own process group and the group is the
// tree. Windows has neither process groups nor SIGTERM for console programs: `taskkill /T /F` ends
// the tree by parent links, which works only while the root is still alive, so it is used at once.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const isWindows = process.platform === 'win32';

/** Spawn options that make a child the root of a tree `stopTree` can end (no new console window on Windows). */
export const treeRootSpawnOptions = { detached: !isWindows, windowsHide: true } as const;

function killGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true;
    throw error;
  }
}

/** Linux: "pid (comm) state ppid pgrp ..." of /proc/<pid>/stat, as the fields after comm (which may hold spaces and parentheses). */
function statFieldsLinux(path: string): string[] | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process or thread ended while we looked
  }
}

/**
 * Linux: true while any thread of process `pid` is still running. A SIGKILLed multi-threaded process
 * (every Node process) can show its leader as a zombie while its other threads are still exiting and
 * still hold its files, a listening socket included; only when all are gone is its port free.
 */
export function processRunningLinux(pid: number): boolean {
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  return threads.some((tid) => {
    const state = statFieldsLinux(`/proc/${pid}/task/${tid}/stat`)?.[0];
    return state !== undefined && state !== 'Z' && state !== 'X';
  });
}

/** Linux: members of process group `pgid` still running (an unreaped zombie whose threads are gone holds no port). */
function liveGroupMembersLinux(pgid: number): number {
  let live = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFieldsLinux(`/proc/${entry}/stat`);
    if (fields !== undefined && Number(fields[2]) === pgid && processRunningLinux(Number(entry))) live++;
  }
  return live;
}

/** True while any process of the tree rooted at `pid` (a group leader on POSIX) is still running. */
export function treeAlive(pid: number): boolean {
  if (isWindows) {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  if (!killGroup(pid, 0)) return false;
  return process.platform === 'linux' ? liveGroupMembersLinux(pid) > 0 : true;
}

/** Sends `signal` to the whole tree rooted at `pid` (on Windows: ends it, whatever the signal). */
export function signalTree(pid: number, signal: NodeJS.Signals): void {
  if (isWindows) {
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    return;
  }
  killGroup(pid, signal);
}

async function waitTreeGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (treeAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(50);
  }
  return true;
}

/**
 * Stops a child spawned with `treeRootSpawnOptions` and everything it started: SIGTERM to the child
 * (a wrapper forwards it; the real host then stops its worker in order), SIGTERM to the rest of its
 * group if the child exits without them, and SIGKILL to the whole group if anything of it is still
 * there after `graceMs`. Resolves once the child has exited and its tree is gone (or, for a tree
 * that cannot be killed, 5 s after SIGKILL).
 */
export async function stopTree(child: ChildProcess, graceMs: number): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const running = child.exitCode === null && child.signalCode === null;
  const exited = running ? once(child, 'exit').then(() => undefined) : Promise.resolve();
  if (isWindows) {
    if (running) signalTree(pid, 'SIGKILL');
    await exited;
    return;
  }
  if (running) child.kill('SIGTERM');
  const deadline = Date.now() + graceMs;
  const timer = new AbortController();
  const exitedInTime = await Promise.race([
    exited.then(() => true),
    sleep(graceMs, false, { signal: timer.signal }).catch(() => false),
  ]);
  timer.abort();
  if (exitedInTime) {
    // The child is gone but not everything it started (a wrapper that did not forward the signal).
    if (treeAlive(pid)) signalTree(pid, 'SIGTERM');
    if (await waitTreeGone(pid, deadline - Date.now())) return;
  }
  signalTree(pid, 'SIGKILL');
  await exited;
  await waitTreeGone(pid, 5_000);
}
