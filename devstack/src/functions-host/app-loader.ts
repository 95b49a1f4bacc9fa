import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fg from 'fast-glob';
import { z } from 'zod';

const packageJsonSchema = z
  .object({ main: z.string().optional(), type: z.enum(['module', 'commonjs']).optional() })
  .loose();

export interface AppPackage {
  main: string | undefined;
  type: 'module' | 'commonjs' | undefined;
}

export function readAppPackage(appRoot: string): AppPackage {
  const file = join(appRoot, 'package.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`Cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = packageJsonSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is invalid: ${z.prettifyError(parsed.error)}`);
  return { main: parsed.data.main, type: parsed.data.type };
}

/** The worker's rule: `.mjs` is ESM, `.cjs` is CommonJS, anything else follows package.json `type`. */
export function isEsModule(file: string, pkg: AppPackage): boolean {
  if (file.endsWith('.mjs')) return true;
  if (file.endsWith('.cjs')) return false;
  return pkg.type === 'module';
}

/** Files matched by `main` (a glob: `*`, `**`, braces), relative to the app root, in glob order like the worker's globby. */
export async function findEntryPoints(appRoot: string, pkg: AppPackage): Promise<string[]> {
  if (pkg.main === undefined)
    throw new Error(`${join(appRoot, 'package.json')} has no "main"; it must point at the compiled functions (a glob)`);
  const files = await fg(pkg.main, { cwd: appRoot, onlyFiles: true });
  if (files.length === 0)
    throw new Error(`Found zero files matching the supplied pattern "${pkg.main}" in ${appRoot} (is the app built?)`);
  return files;
}

/** Loads each entry point in order: `require` for CommonJS, `import()` for ESM. A failing file stops startup. */
export async function loadEntryPoints(appRoot: string, files: string[], pkg: AppPackage): Promise<void> {
  const requireFromApp = createRequire(join(appRoot, 'package.json'));
  for (const file of files) {
    const absolute = join(appRoot, file);
    try {
      if (isEsModule(absolute, pkg)) await import(pathToFileURL(absolute).href);
      else requireFromApp(absolute);
    } catch (error) {
      throw new Error(
        `Worker was unable to load entry point "${file}": ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
}
