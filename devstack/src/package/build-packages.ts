// `npm run package`: stage, zip and check both deployables. A package that breaks a content rule
// (package-contents.ts) fails the build instead of reaching Azure.
import { promises as fs } from 'node:fs';
import { type PackageLayout } from './layout';
import { checkFunctionAppPackage, checkWebJobPackage } from './package-contents';
import { zipView } from './package-view';
import { stageFunctionApp, stageWebJob } from './stage';
import { zipDirectory } from './zip-archive';

export type PackageName = 'function-app' | 'webjob';
export const PACKAGE_NAMES: readonly PackageName[] = ['function-app', 'webjob'];

export interface BuiltPackage {
  name: PackageName;
  zipPath: string;
  stageDir: string;
  files: number;
  bytes: number;
}

export class PackageContentError extends Error {
  constructor(
    readonly zipPath: string,
    readonly problems: string[],
  ) {
    super(`${zipPath} is not deployable:\n  - ${problems.join('\n  - ')}`);
    this.name = 'PackageContentError';
  }
}

export async function buildPackage(layout: PackageLayout, name: PackageName): Promise<BuiltPackage> {
  const [stage, stageDir, zipPath, check] =
    name === 'function-app'
      ? ([stageFunctionApp, layout.functionAppStage, layout.functionAppZip, checkFunctionAppPackage] as const)
      : ([stageWebJob, layout.webjobSiteStage, layout.webjobZip, checkWebJobPackage] as const);
  await stage(layout);
  await fs.rm(zipPath, { force: true });
  const files = await zipDirectory(stageDir, zipPath);
  const problems = await check(await zipView(zipPath));
  if (problems.length > 0) throw new PackageContentError(zipPath, problems);
  return { name, zipPath, stageDir, files, bytes: (await fs.stat(zipPath)).size };
}

export async function buildPackages(
  layout: PackageLayout,
  names: readonly PackageName[] = PACKAGE_NAMES,
): Promise<BuiltPackage[]> {
  const built: BuiltPackage[] = [];
  for (const name of names) built.push(await buildPackage(layout, name));
  await fs.rm(layout.tarballDir, { recursive: true, force: true });
  return built;
}
