// A supervisor killed with SIGKILL (or a closed terminal) leaves its parts running in their own
// process groups, holding the ports. The next start finds them through stack.json and stops them;
// a stack whose supervisor is still alive is left alone and reported instead.
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { signalTree, treeAlive } from './process-tree';
import { isProcessAlive, readStackFile, stackFilePath } from './stack-file';

export async function cleanUpAbandonedStack(stateDir: string, log: (line: string) => void): Promise<void> {
  if (!existsSync(stackFilePath(stateDir))) return;
  let previous;
  try {
    previous = await readStackFile(stateDir);
  } catch {
    return; // an older or damaged description: nothing trustworthy to act on
  }
  if (previous.status !== 'running') return;
  if (previous.supervisorPid !== process.pid && isProcessAlive(previous.supervisorPid)) {
    throw new Error(
      `a stack is already running from ${stateDir} (supervisor pid ${previous.supervisorPid}); stop it with Ctrl-C in its terminal or kill ${previous.supervisorPid}`,
    );
  }
  // A part whose own process is gone may have left its group behind (Core Tools' host behind its
  // wrapper); the kernel never hands out a pid that is still some group's id, so that group is ours.
  const leftovers = [previous.webjob.pid, previous.functionApp.pid, previous.ledger.pid, previous.storage.pid].filter(
    (pid): pid is number => pid !== null && treeAlive(pid) && (!isProcessAlive(pid) || looksLikeOurPart(pid)),
  );
  for (const pid of leftovers) {
    log(`Stopping process group ${pid} left running by an earlier stack whose supervisor is gone...`);
    signalTree(pid, 'SIGTERM');
  }
  for (let waited = 0; waited < 10_000 && leftovers.some(treeAlive); waited += 200) await sleep(200);
  for (const pid of leftovers.filter(treeAlive)) signalTree(pid, 'SIGKILL');
}

const PART_COMMANDS = [
  'azurite-cli.js',
  'ledger/cli.js',
  'functions-host/cli.js',
  'run.js',
  'func',
  'azure-functions-core-tools',
];

/** Guards against a recycled pid: on Linux the command line must be one of the stack's parts. */
function looksLikeOurPart(pid: number): boolean {
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    return PART_COMMANDS.some((command) => commandLine.includes(command));
  } catch {
    return process.platform !== 'linux';
  }
}
