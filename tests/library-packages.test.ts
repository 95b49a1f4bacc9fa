// The two library workspaces keep their boundary: the event contract (@lease-premium/events, shared/)
// carries no part of the BigchainDB transaction core (@lease-premium/bigchaindb, bigchaindb/), and each
// manifest declares exactly the packages its sources import, so every dependency sits with its user.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';

const repoRoot = join(__dirname, '..');
const LEDGER_CORE = ['@lease-premium/bigchaindb', 'crypto-conditions', 'sodium-native', 'js-sha3'];

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifestOf = (dir: string): Manifest => JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8'));

/** `@scope/name` or `name` of a bare specifier (`pkg/sub/path` -> `pkg`). */
const packageOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

/** Packages the sources under `dir/src` import or require (type-only imports included), Node built-ins left out. */
function importedPackages(dir: string): string[] {
  const names = new Set<string>();
  for (const entry of readdirSync(join(repoRoot, dir, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.d.ts')) continue;
    const { importedFiles } = ts.preProcessFile(readFileSync(join(entry.parentPath, entry.name), 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.') || fileName.startsWith('node:') || builtinModules.includes(fileName)) continue;
      names.add(packageOf(fileName));
    }
  }
  return [...names].sort();
}

describe.each(['shared', 'bigchaindb'])('%s/package.json', (dir) => {
  it('declares as dependencies exactly the packages its sources import', () => {
    const declared = Object.keys(manifestOf(dir).dependencies ?? {}).sort();
    expect(declared).toEqual(importedPackages(dir));
  });
});

describe('the event contract without the ledger core', () => {
  it('neither imports nor depends on the transaction core or its libraries', () => {
    const events = manifestOf('shared');
    const everything = [
      ...importedPackages('shared'),
      ...Object.keys(events.dependencies ?? {}),
      ...Object.keys(events.devDependencies ?? {}),
    ];
    expect(everything.filter((name) => LEDGER_CORE.includes(name))).toEqual([]);
  });

  it('loads no module of the core when required (as the Function App does)', () => {
    const script = `
      const { relative } = require('node:path');
      require(${JSON.stringify(join(repoRoot, 'shared', 'dist'))});
      const loaded = Object.keys(require.cache).map((file) => relative(${JSON.stringify(repoRoot)}, file));
      process.stdout.write(JSON.stringify(loaded.filter((file) => /(^|[\\/])(bigchaindb|crypto-conditions|sodium-native)[\\/]/.test(file))));`;
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))).toEqual([]);
  });
});
