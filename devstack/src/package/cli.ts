#!/usr/bin/env node
// `npm run package [-- --only function-app|webjob] [--out DIR]`: builds the deployable zips into
// .packages/ (git-ignored). infra/deploy.sh, azure.yaml and the deploy workflow use them.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PACKAGE_NAMES, type PackageName, buildPackages } from './build-packages';
import { packageLayout } from './layout';

function usage(): string {
  return 'usage: npm run package [-- --only function-app|webjob] [--out DIR]';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } },
    strict: true,
  });
  if (values.help) {
    console.log(usage());
    return;
  }
  if (values.only !== undefined && !PACKAGE_NAMES.includes(values.only as PackageName))
    throw new Error(`--only must be one of ${PACKAGE_NAMES.join(', ')}\n${usage()}`);
  const repoRoot = resolve(__dirname, '../../..');
  const layout = packageLayout(repoRoot, values.out ? resolve(values.out) : undefined);
  const names = values.only ? [values.only as PackageName] : PACKAGE_NAMES;
  const started = Date.now();
  for (const built of await buildPackages(layout, names)) {
    console.log(
      `${built.name}: ${built.zipPath} (${built.files} files, ${(built.bytes / 1024 / 1024).toFixed(1)} MiB); staged in ${built.stageDir}`,
    );
  }
  console.log(`packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
