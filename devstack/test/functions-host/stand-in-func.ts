// Puts the stand-in for Core Tools' `func` (stand-in-func/func.js; what it checks and its limits are
// described there) on PATH for a test: a folder holding an executable `func`.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const standInFuncScript = join(__dirname, 'stand-in-func', 'func.js');

/**
 * Writes `<dir>/func`. `exec` replaces the shell with the stand-in; `wrapper` keeps the shell as a
 * parent that waits for it, like npm's wrapper script in front of the real host (the shell, the
 * stand-in, and the local host holding the port make three processes).
 */
export function writeStandInFunc(dir: string, style: 'exec' | 'wrapper' = 'exec'): string {
  mkdirSync(dir, { recursive: true });
  const run = `"${process.execPath}" "${standInFuncScript}" "$@"`;
  writeFileSync(join(dir, 'func'), `#!/bin/sh\n${style === 'exec' ? `exec ${run}` : run}\n`);
  chmodSync(join(dir, 'func'), 0o755);
  return dir;
}

/** PATH with `dir` first. */
export function pathWith(dir: string): string {
  return [dir, process.env.PATH ?? ''].join(delimiter);
}
