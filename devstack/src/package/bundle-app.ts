// Bundles an app's TypeScript sources into a few CommonJS files with esbuild, so a package ships the
// code the app runs instead of whole dependency trees (on Flex Consumption, package size and the
// modules loaded at start are cold-start time). Bundling from sources, not from tsc's CommonJS
// output, lets esbuild drop what nothing imports (the Function App never loads the BigchainDB core).
// Not minified and names kept: a stack trace in Application Insights names the real functions, and
// esbuild's `// path/to/source.ts` markers in the bundle lead from a line to its source file.
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { packageOfSpecifier } from './package-contents';
import { HOST_PROVIDED_MODULES, OPTIONAL_MODULES, staysInstalled } from './runtime-modules';

/** An output file (relative to the output folder, without `.js`) made from one source file or from loading several in order. */
export type BundleEntry = { out: string; source: string } | { out: string; loads: string[] };

export interface BundleResult {
  /** Packages the bundle still requires at run time and that must be installed (not the host's). */
  installedPackages: string[];
  /** Source files inside the repository that went into the bundle (repository-relative, posix). */
  sources: string[];
}

/**
 * Workspace packages an app imports (`@lease-premium/...`) resolve to their TypeScript sources, marked
 * free of import side effects (their modules only declare things; native and heavy libraries are
 * required lazily), so esbuild drops the modules an app never uses: the Function App gets the event
 * contract without the ledger core. The app's own modules keep their side effects (registrations,
 * set-up imports).
 */
function workspaceSources(workspaces: ReadonlyMap<string, string>): Plugin {
  const librarySources = new Set<string>();
  const inLibrary = (path: string): boolean => [...librarySources].some((dir) => path.startsWith(dir));
  return {
    name: 'workspace-sources',
    setup(pluginBuild) {
      // A workspace import resolves (through its package.json exports) to tsc output: take its source instead.
      pluginBuild.onResolve({ filter: /^@lease-premium\// }, async (args) => {
        if (args.pluginData === 'resolving') return undefined;
        const resolved = await pluginBuild.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'resolving' });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        for (const dir of workspaces.values()) {
          const compiled = join(dir, 'dist') + sep;
          if (!resolved.path.startsWith(compiled)) continue;
          const source = join(dir, 'src', resolved.path.slice(compiled.length).replace(/\.js$/, '.ts'));
          if (!existsSync(source)) continue;
          librarySources.add(join(dir, 'src') + sep);
          return { path: source, sideEffects: false };
        }
        return { path: resolved.path };
      });
      pluginBuild.onResolve({ filter: /^\./ }, async (args) => {
        if (!inLibrary(args.importer) || args.pluginData === 'resolving') return undefined;
        const resolved = await pluginBuild.resolve(args.path, { resolveDir: args.resolveDir, kind: args.kind, importer: args.importer, pluginData: 'resolving' });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        return { path: resolved.path, sideEffects: false };
      });
    },
  };
}

/** `loads` entries: a generated module that imports each file in order, for its side effects. */
function generatedEntries(entries: BundleEntry[], repoRoot: string): Plugin {
  return {
    name: 'generated-entries',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^generated-entry:/ }, (args) => ({ path: args.path, namespace: 'generated-entry' }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'generated-entry' }, (args) => {
        const entry = entries.find((candidate) => `generated-entry:${candidate.out}` === args.path);
        if (!entry || !('loads' in entry)) return { errors: [{ text: `no generated entry ${args.path}` }] };
        return { contents: entry.loads.map((file) => `import ${JSON.stringify(file)};`).join('\n'), loader: 'ts', resolveDir: repoRoot };
      });
    },
  };
}

/** Bare specifiers that stay `require` calls: host modules and packages that must stay installed. */
const externals: Plugin = {
  name: 'externals',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = packageOfSpecifier(args.path);
      if (name === undefined) return undefined;
      if (HOST_PROVIDED_MODULES.includes(name) || OPTIONAL_MODULES.includes(name) || staysInstalled(name)) return { path: args.path, external: true };
      return undefined;
    });
  },
};

function externalPackages(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imported of output.imports) {
      if (!imported.external) continue;
      const name = packageOfSpecifier(imported.path);
      if (name !== undefined && !HOST_PROVIDED_MODULES.includes(name) && !OPTIONAL_MODULES.includes(name)) names.add(name);
    }
  }
  return [...names].sort();
}

export async function bundleApp(options: { repoRoot: string; entries: BundleEntry[]; outDir: string; workspaces: ReadonlyMap<string, string> }): Promise<BundleResult> {
  const result = await build({
    entryPoints: options.entries.map((entry) => ({ in: 'source' in entry ? entry.source : `generated-entry:${entry.out}`, out: entry.out })),
    outdir: options.outDir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: false,
    keepNames: true,
    legalComments: 'none',
    // Some dependencies ship ES modules that locate themselves with import.meta.url, which CommonJS
    // output lacks: point it at the bundle file, where their code now lives.
    define: { 'import.meta.url': 'importMetaUrl' },
    banner: { js: 'var importMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: options.repoRoot,
    plugins: [generatedEntries(options.entries, options.repoRoot), externals, workspaceSources(options.workspaces)],
  });
  // Files that contributed code (tree-shaken modules are listed as inputs with nothing in the output).
  const sources = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput > 0 && !input.includes('node_modules/')) sources.add(relative(options.repoRoot, join(options.repoRoot, input)).split(sep).join('/'));
    }
  }
  return { installedPackages: externalPackages(result.metafile), sources: [...sources].sort() };
}
