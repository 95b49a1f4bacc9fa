// Where `npm run package` puts things, and the names deployment relies on. infra/main.bicep
// (webjobName), azure.yaml (dist folders) and deploy.sh use the same names; the infra checker
// (npm test) fails if they drift apart.
import { join } from 'node:path';

/** Folder name of the continuous WebJob: App_Data/jobs/continuous/<name>/ on the web app. */
export const WEBJOB_NAME = 'ledger-bridge';
export const WEBJOB_SITE_PREFIX = `App_Data/jobs/continuous/${WEBJOB_NAME}/`;

/** The Function App's bundle: the staged package.json's `main` (one file loading every function). */
export const FUNCTION_APP_MAIN = 'dist/main.js';

/** Git-ignored output folder, relative to the repository root. */
export const PACKAGES_DIR = '.packages';

export interface PackageLayout {
  repoRoot: string;
  outDir: string;
  /** Staged Function App (what the zip holds); azure.yaml deploys this folder. */
  functionAppStage: string;
  functionAppZip: string;
  /** Staged web app content: App_Data/jobs/continuous/<name>/...; azure.yaml deploys this folder. */
  webjobSiteStage: string;
  webjobZip: string;
  /** Tarballs made by `npm pack` for workspace packages the apps depend on (not shipped). */
  tarballDir: string;
}

export function packageLayout(repoRoot: string, outDir = join(repoRoot, PACKAGES_DIR)): PackageLayout {
  return {
    repoRoot,
    outDir,
    functionAppStage: join(outDir, 'function-app'),
    functionAppZip: join(outDir, 'function-app.zip'),
    webjobSiteStage: join(outDir, 'webjob-site'),
    webjobZip: join(outDir, 'webjob.zip'),
    tarballDir: join(outDir, 'tarballs'),
  };
}
