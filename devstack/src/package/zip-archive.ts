// Zip files without a system `zip` (not on every CI image): yazl writes, yauzl reads. Archives are
// reproducible: entries sorted, one fixed timestamp, only the executable bit kept from file modes.
import { createWriteStream, promises as fs } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as yauzl from 'yauzl';
import * as yazl from 'yazl';

const FIXED_MTIME = new Date('2026-01-01T00:00:00Z');

export interface ZipEntry {
  path: string; // forward slashes; directories end with "/"
  size: number;
  mode: number; // unix permission bits
}

/** Every regular file under `dir`, relative with forward slashes, sorted. Symlinks are refused except node_modules/.bin. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(current: string): Promise<void> {
    const entries = await fs.readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const full = join(current, entry.name);
      if (entry.isSymbolicLink()) {
        if (entry.name === '.bin' || dirname(full).endsWith(`${sep}.bin`)) continue; // CLI shims: not needed at run time
        throw new Error(`refusing to package symlink ${full}: stage real files`);
      }
      if (entry.isDirectory()) {
        if (entry.name === '.bin' && current.endsWith('node_modules')) continue;
        await walk(full);
      } else if (entry.isFile()) {
        out.push(relative(dir, full).split(sep).join('/'));
      }
    }
  }
  await walk(dir);
  return out.sort();
}

/** Zips the contents of `dir` into `zipPath` (entries relative to `dir`). Returns the number of files. */
export async function zipDirectory(dir: string, zipPath: string): Promise<number> {
  const files = await listFiles(dir);
  const zip = new yazl.ZipFile();
  for (const file of files) {
    const stat = await fs.stat(join(dir, file));
    const executable = (stat.mode & 0o111) !== 0;
    zip.addFile(join(dir, file), file, { mtime: FIXED_MTIME, mode: executable ? 0o100755 : 0o100644 });
  }
  zip.end();
  await fs.mkdir(dirname(zipPath), { recursive: true });
  await pipeline(zip.outputStream, createWriteStream(zipPath));
  return files.length;
}

function openZip(zipPath: string, autoClose = true): Promise<yauzl.ZipFile> {
  return new Promise((resolveOpen, rejectOpen) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose }, (error, zipfile) => {
      if (error || !zipfile) rejectOpen(error ?? new Error(`cannot open ${zipPath}`));
      else resolveOpen(zipfile);
    });
  });
}

/** Visits every entry in order; `onEntry` may read the entry's content through `open`. */
async function forEachEntry(
  zipPath: string,
  onEntry: (entry: yauzl.Entry, open: () => Promise<NodeJS.ReadableStream>) => Promise<void>,
): Promise<void> {
  const zipfile = await openZip(zipPath);
  await new Promise<void>((resolveAll, rejectAll) => {
    zipfile.on('error', rejectAll);
    zipfile.on('end', () => resolveAll());
    zipfile.on('entry', (entry: yauzl.Entry) => {
      const open = (): Promise<NodeJS.ReadableStream> =>
        new Promise((resolveStream, rejectStream) => {
          zipfile.openReadStream(entry, (error, stream) =>
            error || !stream ? rejectStream(error ?? new Error('no stream')) : resolveStream(stream),
          );
        });
      onEntry(entry, open).then(
        () => zipfile.readEntry(),
        (error: unknown) => {
          zipfile.close();
          rejectAll(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
    zipfile.readEntry();
  });
}

export async function readZipEntries(zipPath: string): Promise<ZipEntry[]> {
  const entries: ZipEntry[] = [];
  await forEachEntry(zipPath, (entry) => {
    entries.push({
      path: entry.fileName,
      size: entry.uncompressedSize,
      mode: (entry.externalFileAttributes >>> 16) & 0o7777,
    });
    return Promise.resolve();
  });
  return entries;
}

/** Unpacks `zipPath` into `destDir` (16 files in flight), refusing entries that would land outside it. */
export async function extractZip(zipPath: string, destDir: string): Promise<void> {
  const root = resolve(destDir);
  // Entries are still being read after the last one is listed: close the file ourselves.
  const zipfile = await openZip(zipPath, false);
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = 16;
  await new Promise<void>((resolveAll, rejectAll) => {
    let failed = false;
    let ended = false;
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      zipfile.close();
      rejectAll(error instanceof Error ? error : new Error(String(error)));
    };
    const settle = (): void => {
      if (ended && inFlight.size === 0 && !failed) {
        zipfile.close();
        resolveAll();
      }
    };
    const writeEntry = async (entry: yauzl.Entry): Promise<void> => {
      const normalized = posix.normalize(entry.fileName);
      const target = resolve(root, normalized);
      if (
        normalized.startsWith('../') ||
        posix.isAbsolute(normalized) ||
        (target !== root && !target.startsWith(root + sep))
      ) {
        throw new Error(`zip entry ${entry.fileName} escapes the destination`);
      }
      if (entry.fileName.endsWith('/')) {
        await fs.mkdir(target, { recursive: true });
        return;
      }
      await fs.mkdir(dirname(target), { recursive: true });
      const stream = await new Promise<NodeJS.ReadableStream>((resolveStream, rejectStream) => {
        zipfile.openReadStream(entry, (error, opened) =>
          error || !opened ? rejectStream(error ?? new Error('no stream')) : resolveStream(opened),
        );
      });
      await pipeline(stream, createWriteStream(target));
      const mode = (entry.externalFileAttributes >>> 16) & 0o777;
      if (mode) await fs.chmod(target, mode);
    };
    zipfile.on('error', fail);
    zipfile.on('end', () => {
      ended = true;
      settle();
    });
    zipfile.on('entry', (entry: yauzl.Entry) => {
      const task: Promise<void> = writeEntry(entry).then(() => {
        const wasFull = inFlight.size >= maxInFlight;
        inFlight.delete(task);
        if (wasFull && !ended && !failed) zipfile.readEntry();
        settle();
      }, fail);
      inFlight.add(task);
      if (inFlight.size < maxInFlight) zipfile.readEntry();
    });
    zipfile.readEntry();
  });
}
