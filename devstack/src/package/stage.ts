// Stages the two deployables as plain folders (what azure.yaml deploys) before they are zipped.
import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { type BundleEntry, bundleApp } from './bundle-app';
import { FUNCTION_APP_MAIN, type PackageLayout, WEBJOB_SITE_PREFIX } from './layout';
import { removeForeignPrebuilds } from './native-prebuilds';
import { type Manifest, installProductionDependencies, readManifest, workspacePackages } from './production-install';
import { FUNCTION_APP_LAZY_CHUNKS, type LazyChunk, WEBJOB_LAZY_CHUNKS } from './runtime-modules';

async function copyRequiredFile(from: string, to: string): Promise<void> {
  if (!existsSync(from)) throw new Error(`${from} is missing`);
  await fs.cp(from, to);
}

/** The bundle and what it still requires, installed by npm (native addons, OpenTelemetry instrumentation; often nothing). */
async function bundleAndInstall(
  layout: PackageLayout,
  options: {
    appDir: string;
    source: Manifest;
    entries: BundleEntry[];
    lazyChunks: readonly LazyChunk[];
    bundleDir: string;
    main: string;
  },
): Promise<void> {
  const bundled = await bundleApp({
    repoRoot: layout.repoRoot,
    entries: options.entries,
    lazyChunks: options.lazyChunks,
    outDir: options.bundleDir,
    workspaces: await workspacePackages(layout.repoRoot),
  });
  const dependencies = Object.fromEntries(bundled.installedPackages.map((name) => [name, '*']));
  await installProductionDependencies({
    repoRoot: layout.repoRoot,
    sourceDir: options.appDir,
    source: { ...options.source, dependencies },
    stageDir: options.appDir,
    tarballDir: layout.tarballDir,
    main: options.main,
  });
}

/** Compiled function modules the repository's `main` glob names, as their TypeScript sources, in the host's load order. */
async function functionSources(repoRoot: string, main: string): Promise<string[]> {
  const compiled = await fg(main, { cwd: repoRoot, onlyFiles: true });
  if (compiled.length === 0)
    throw new Error(`no file matches package.json main "${main}": build first (npm run build)`);
  return compiled.map((file) => {
    const source = join(repoRoot, file.replace(/(^|\/)dist\//, '$1src/').replace(/\.js$/, '.ts'));
    if (!existsSync(source)) throw new Error(`${file} has no source ${source}`);
    return source;
  });
}

/** The Function App: host.json, package.json (main = the bundle), dist/main.js and its lazy chunks, node_modules only for what stays installed. */
export async function stageFunctionApp(layout: PackageLayout): Promise<void> {
  const stage = layout.functionAppStage;
  await fs.rm(stage, { recursive: true, force: true });
  await fs.mkdir(stage, { recursive: true });
  const root = await readManifest(layout.repoRoot);
  if (!root.main) throw new Error('package.json has no "main" glob for the Function App');
  await copyRequiredFile(join(layout.repoRoot, 'host.json'), join(stage, 'host.json'));
  const entries: BundleEntry[] = [{ out: 'main', loads: await functionSources(layout.repoRoot, root.main) }];
  await bundleAndInstall(layout, {
    appDir: stage,
    source: root,
    entries,
    lazyChunks: FUNCTION_APP_LAZY_CHUNKS,
    bundleDir: join(stage, 'dist'),
    main: FUNCTION_APP_MAIN,
  });
  await removeForeignPrebuilds(stage);
  // The insurer console's built files, served by the console-static function from <app root>/console/dist.
  const consoleDist = join(layout.repoRoot, 'console', 'dist');
  if (!existsSync(join(consoleDist, 'index.html'))) throw new Error('console/dist is missing: run npm run build first');
  await fs.cp(consoleDist, join(stage, 'console', 'dist'), { recursive: true });
}

/** The WebJob as App_Data/jobs/continuous/<name>/: run.js, settings.job, dist/ (the bundle and its verifier thread), node_modules for libsodium. */
export async function stageWebJob(layout: PackageLayout): Promise<void> {
  await fs.rm(layout.webjobSiteStage, { recursive: true, force: true });
  const jobDir = join(layout.webjobSiteStage, ...WEBJOB_SITE_PREFIX.split('/').filter(Boolean));
  await fs.mkdir(jobDir, { recursive: true });
  const webjobDir = join(layout.repoRoot, 'webjob');
  const manifest = await readManifest(webjobDir);
  await copyRequiredFile(join(webjobDir, 'run.js'), join(jobDir, 'run.js'));
  await copyRequiredFile(join(webjobDir, 'settings.job'), join(jobDir, 'settings.job'));
  // main.js starts its own worker thread from __filename; the verification pool loads verification-worker.js beside it.
  const entries: BundleEntry[] = [
    { out: 'main', source: join(webjobDir, 'src', 'main.ts') },
    { out: 'verification-worker', source: join(webjobDir, 'src', 'verifier', 'verification-worker.ts') },
  ];
  await bundleAndInstall(layout, {
    appDir: jobDir,
    source: manifest,
    entries,
    lazyChunks: WEBJOB_LAZY_CHUNKS,
    bundleDir: join(jobDir, 'dist'),
    main: 'run.js',
  });
  await removeForeignPrebuilds(jobDir);
}
