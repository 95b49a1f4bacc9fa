// Stages the two deployables as plain folders (what azure.yaml deploys) before they are zipped.
import { existsSync, promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { type PackageLayout, WEBJOB_SITE_PREFIX } from './layout';
import { removeForeignPrebuilds } from './native-prebuilds';
import { installProductionDependencies, readManifest } from './production-install';

/** Compiled output worth shipping: JavaScript, source maps, JSON data; no declarations, build state or tests. */
function isRuntimeFile(path: string): boolean {
  const name = basename(path);
  if (name.endsWith('.tsbuildinfo') || name.endsWith('.d.ts') || name.endsWith('.d.ts.map')) return false;
  if (/\.test\.js(\.map)?$/.test(name)) return false;
  return true;
}

async function copyCompiled(from: string, to: string): Promise<void> {
  if (!existsSync(from)) throw new Error(`${from} does not exist: build first (npm run build)`);
  await fs.cp(from, to, { recursive: true, filter: (source) => isRuntimeFile(source) });
}

async function copyRequiredFile(from: string, to: string): Promise<void> {
  if (!existsSync(from)) throw new Error(`${from} is missing`);
  await fs.cp(from, to);
}

async function removeBuildState(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.tsbuildinfo')) await fs.rm(join(entry.parentPath, entry.name));
  }
}

/** The Function App: host.json, package.json (main glob), functions/dist, production node_modules. */
export async function stageFunctionApp(layout: PackageLayout): Promise<void> {
  const stage = layout.functionAppStage;
  await fs.rm(stage, { recursive: true, force: true });
  await fs.mkdir(stage, { recursive: true });
  const root = await readManifest(layout.repoRoot);
  if (!root.main) throw new Error('package.json has no "main" glob for the Function App');
  await copyRequiredFile(join(layout.repoRoot, 'host.json'), join(stage, 'host.json'));
  await copyCompiled(join(layout.repoRoot, 'functions', 'dist'), join(stage, 'functions', 'dist'));
  await installProductionDependencies({ repoRoot: layout.repoRoot, sourceDir: layout.repoRoot, source: root, stageDir: stage, tarballDir: layout.tarballDir, main: root.main });
  await removeBuildState(stage);
  await removeForeignPrebuilds(stage);
}

/** The WebJob as App_Data/jobs/continuous/<name>/: run.js, settings.job, dist, production node_modules. */
export async function stageWebJob(layout: PackageLayout): Promise<void> {
  await fs.rm(layout.webjobSiteStage, { recursive: true, force: true });
  const jobDir = join(layout.webjobSiteStage, ...WEBJOB_SITE_PREFIX.split('/').filter(Boolean));
  await fs.mkdir(jobDir, { recursive: true });
  const webjobDir = join(layout.repoRoot, 'webjob');
  const manifest = await readManifest(webjobDir);
  await copyRequiredFile(join(webjobDir, 'run.js'), join(jobDir, 'run.js'));
  await copyRequiredFile(join(webjobDir, 'settings.job'), join(jobDir, 'settings.job'));
  await copyCompiled(join(webjobDir, 'dist'), join(jobDir, 'dist'));
  await installProductionDependencies({ repoRoot: layout.repoRoot, sourceDir: webjobDir, source: manifest, stageDir: jobDir, tarballDir: layout.tarballDir, main: 'run.js' });
  await removeBuildState(jobDir);
  await removeForeignPrebuilds(jobDir);
}
