// Where the stack's processes leave their storage request counts for the end-to-end bench: one small
// file per thread that sends requests (<dir>/<pid>-<thread id>.count, the running total it sent to
// the table endpoint), written by storage-request-preload.ts inside the process and summed by the
// bench from outside.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The environment variable that names a part's folder (the preload counts only when it is set). */
export const STORAGE_REQUESTS_DIR_VARIABLE = 'BENCH_STORAGE_REQUESTS_DIR';

/** How often a process rewrites its count while it changes: wait longer than this before reading. */
export const STORAGE_REQUESTS_FLUSH_MS = 100;

/** Replaces a thread's count (`sender` = "<pid>-<thread id>") in one rename, so a reader never sees half a file. */
export function writeStorageRequests(dir: string, sender: string, requests: number): void {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${sender}.count`);
  writeFileSync(`${file}.tmp`, `${requests}\n`);
  renameSync(`${file}.tmp`, file);
}

/** The requests every thread of the folder's processes has sent so far (0 when none has written yet). */
export function readStorageRequests(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.count'));
  } catch {
    return 0;
  }
  let total = 0;
  for (const name of names) {
    const value = Number(readFileSync(path.join(dir, name), 'utf8').trim());
    if (Number.isFinite(value)) total += value;
  }
  return total;
}
