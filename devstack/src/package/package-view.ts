// One read-only view over a package, whether it is a staged folder or a zip, so the same content
// rules check both (the packaging CLI checks the zip it wrote; tests check what they unpacked).
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as yauzl from 'yauzl';
import { listFiles, readZipEntries } from './zip-archive';

export interface PackageView {
  /** Where the view comes from, for messages. */
  label: string;
  /** Every file path (forward slashes, relative to the package root). */
  paths: string[];
  /** Texts of the given files (one pass over a zip). */
  readTexts(paths: ReadonlySet<string>): Promise<Map<string, string>>;
}

export async function directoryView(dir: string): Promise<PackageView> {
  return {
    label: dir,
    paths: await listFiles(dir),
    async readTexts(paths) {
      const texts = new Map<string, string>();
      for (const path of paths) texts.set(path, await fs.readFile(join(dir, path), 'utf8'));
      return texts;
    },
  };
}

export async function zipView(zipPath: string): Promise<PackageView> {
  const entries = await readZipEntries(zipPath);
  return {
    label: zipPath,
    paths: entries.filter((entry) => !entry.path.endsWith('/')).map((entry) => entry.path),
    readTexts: (paths) => readZipTexts(zipPath, paths),
  };
}

function readZipTexts(zipPath: string, wanted: ReadonlySet<string>): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  return new Promise((resolveAll, rejectAll) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (openError, zipfile) => {
      if (openError || !zipfile) return rejectAll(openError ?? new Error(`cannot open ${zipPath}`));
      zipfile.on('error', rejectAll);
      zipfile.on('end', () => resolveAll(texts));
      zipfile.on('entry', (entry: yauzl.Entry) => {
        if (!wanted.has(entry.fileName)) return zipfile.readEntry();
        zipfile.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return rejectAll(streamError ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', rejectAll);
          stream.on('end', () => {
            texts.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
            zipfile.readEntry();
          });
        });
      });
      zipfile.readEntry();
    });
  });
}
