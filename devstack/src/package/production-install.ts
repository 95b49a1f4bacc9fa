// Production node_modules for a staged app (what its bundle still requires), made by npm itself:
// workspace packages are packed with `npm pack` (exactly what a registry would serve) and installed
// from the tarball; other dependencies are pinned to the versions this repository was tested with.
import { existsSync, promises as fs } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { cleanNpmEnv, npmCommand, runCommand } from './run-command';

const manifestSchema = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string().optional(),
  main: z.string().optional(),
  engines: z.record(z.string(), z.string()).optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  workspaces: z.array(z.string()).optional(),
});
export type Manifest = z.infer<typeof manifestSchema>;

export async function readManifest(dir: string): Promise<Manifest> {
  const file = join(dir, 'package.json');
  const parsed = manifestSchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.message}`);
  return parsed.data;
}

/** name -> directory of every workspace package of the repository. */
export async function workspacePackages(repoRoot: string): Promise<Map<string, string>> {
  const root = await readManifest(repoRoot);
  const map = new Map<string, string>();
  for (const workspace of root.workspaces ?? []) {
    const dir = join(repoRoot, workspace);
    map.set((await readManifest(dir)).name, dir);
  }
  return map;
}

/** `npm pack` a workspace package into `destDir`; returns the tarball's path. */
export async function packWorkspace(packageDir: string, destDir: string): Promise<string> {
  await fs.mkdir(destDir, { recursive: true });
  const { stdout } = await runCommand(
    npmCommand,
    ['pack', '--json', '--ignore-scripts', '--workspaces=false', '--pack-destination', destDir],
    { cwd: packageDir, env: cleanNpmEnv() },
  );
  const packed = z
    .array(z.object({ filename: z.string() }))
    .min(1)
    .parse(JSON.parse(stdout));
  return join(destDir, packed[0]!.filename.replace(/^@/, '').replace(/\//g, '-'));
}

/** The version installed for `name` as seen from `fromDir` (nested node_modules first, then the repo root's). */
async function installedVersion(name: string, fromDir: string, repoRoot: string): Promise<string> {
  for (const dir of [fromDir, repoRoot]) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file))
      return z.object({ version: z.string() }).parse(JSON.parse(await fs.readFile(file, 'utf8'))).version;
  }
  throw new Error(`${name} is not installed (looked under ${fromDir} and ${repoRoot}): run npm ci first`);
}

export interface StagedDependencies {
  /** What the staged package.json lists after installation (workspace packages at their version). */
  dependencies: Record<string, string>;
}

/**
 * Writes `stageDir/package.json` from `source` (dependencies only, pinned) and installs the production
 * tree with npm: no dev or optional dependencies (an optional native addon would tie the package to
 * this machine's Node ABI), no install scripts. Packaging passes what a bundle leaves installed.
 */
export async function installProductionDependencies(options: {
  repoRoot: string;
  sourceDir: string;
  source: Manifest;
  stageDir: string;
  tarballDir: string;
  main: string;
}): Promise<StagedDependencies> {
  const workspaces = await workspacePackages(options.repoRoot);
  const forInstall: Record<string, string> = {};
  const forManifest: Record<string, string> = {};
  for (const name of Object.keys(options.source.dependencies ?? {}).sort()) {
    const workspaceDir = workspaces.get(name);
    if (workspaceDir) {
      const tarball = await packWorkspace(workspaceDir, options.tarballDir);
      forInstall[name] = `file:${relative(options.stageDir, tarball).split('\\').join('/')}`;
      forManifest[name] = (await readManifest(workspaceDir)).version;
    } else {
      const version = await installedVersion(name, options.sourceDir, options.repoRoot);
      forInstall[name] = version;
      forManifest[name] = version;
    }
  }
  const manifest = (dependencies: Record<string, string>): string =>
    `${JSON.stringify(
      {
        name: options.source.name,
        version: options.source.version,
        private: true,
        ...(options.source.description ? { description: options.source.description } : {}),
        main: options.main,
        ...(options.source.engines ? { engines: options.source.engines } : {}),
        dependencies,
      },
      null,
      2,
    )}\n`;
  await fs.writeFile(join(options.stageDir, 'package.json'), manifest(forInstall));
  await runCommand(
    npmCommand,
    [
      'install',
      '--omit=dev',
      '--omit=optional',
      '--workspaces=false',
      '--ignore-scripts',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--install-links',
    ],
    { cwd: options.stageDir, env: cleanNpmEnv() },
  );
  // The shipped manifest names versions, not a tarball path that only exists on the build machine.
  await fs.writeFile(join(options.stageDir, 'package.json'), manifest(forManifest));
  return { dependencies: forManifest };
}
