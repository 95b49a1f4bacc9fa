// Native addons ship prebuilt binaries for every platform (prebuildify layout:
// <package>/prebuilds/<platform>-<arch>/...), sodium-native's with copies for the Bare runtime too:
// ~40 MB per app, of which the apps load one file. Both apps run on Linux x64 plans
// (infra/modules/function-app.bicep `functionapp,linux`, webjob-app.bicep `app,linux`), so the
// packages keep that platform's Node binaries only.
import { promises as fs } from 'node:fs';
import { join, relative, sep } from 'node:path';

export const DEPLOY_PLATFORM = 'linux-x64';

/** Why a packaged file is a prebuilt binary the deployed apps can never load; undefined for anything else. */
export function foreignPrebuild(path: string): string | undefined {
  const match = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/]+\/prebuilds\/([^/]+)\/(.+)$/.exec(path);
  if (!match) return undefined;
  const [, platform, file] = match as unknown as [string, string, string];
  if (platform !== DEPLOY_PLATFORM) return `a native binary for ${platform}; the apps run on ${DEPLOY_PLATFORM}`;
  if (file.endsWith('.bare')) return 'a native binary for the Bare runtime, not Node';
  return undefined;
}

/** Deletes every foreign prebuilt binary under `dir` (a staged app). */
export async function removeForeignPrebuilds(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if (foreignPrebuild(relative(dir, path).split(sep).join('/'))) await fs.rm(path);
  }
}
