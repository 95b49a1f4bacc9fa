// Bundles an app's TypeScript sources into a few CommonJS files with esbuild, so a package ships the
// code the app runs instead of whole dependency trees (on Flex Consumption, package size and the
// modules loaded at start are cold-start time). Bundling from sources, not from tsc's CommonJS
// output, lets esbuild drop what nothing imports (the Function App never loads the BigchainDB core).
// Not minified and names kept: a stack trace in Application Insights names the real functions, and
// esbuild's `// path/to/source.ts` markers in the bundle lead from a line to its source file.
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { packageOfSpecifier } from './package-contents';
import { HOST_PROVIDED_MODULES, type LazyChunk, OPTIONAL_MODULES, staysInstalled } from './runtime-modules';

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
        const resolved = await pluginBuild.resolve(args.path, {
          resolveDir: args.resolveDir,
          kind: args.kind,
          importer: args.importer,
          pluginData: 'resolving',
        });
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
        const resolved = await pluginBuild.resolve(args.path, {
          resolveDir: args.resolveDir,
          kind: args.kind,
          importer: args.importer,
          pluginData: 'resolving',
        });
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
      pluginBuild.onResolve({ filter: /^generated-entry:/ }, (args) => ({
        path: args.path,
        namespace: 'generated-entry',
      }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'generated-entry' }, (args) => {
        const entry = entries.find((candidate) => `generated-entry:${candidate.out}` === args.path);
        if (!entry || !('loads' in entry)) return { errors: [{ text: `no generated entry ${args.path}` }] };
        return {
          contents: entry.loads.map((file) => `import ${JSON.stringify(file)};`).join('\n'),
          loader: 'ts',
          resolveDir: repoRoot,
        };
      });
    },
  };
}

/** Where each lazily loaded package resolved from the code that requires it (name -> file). */
type LazyPackageFiles = Map<string, string>;

const RESOLVING_LAZY_PACKAGE = 'resolving-lazy-package';

/**
 * A package of another lazy chunk resolves to a stand-in module that requires the chunk's file
 * (`./<out>.js`, beside every output) when the package is first required, and takes the package
 * from it. Inside a chunk's own build its packages resolve as usual. Records the file each package
 * resolves to from its importers, so the chunk bundles that copy (workspaces may hold other versions).
 */
function lazyChunkReferences(
  chunks: readonly LazyChunk[],
  own: LazyChunk | undefined,
  files: LazyPackageFiles,
): Plugin {
  return {
    name: 'lazy-chunk-references',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === RESOLVING_LAZY_PACKAGE) return undefined;
        const name = packageOfSpecifier(args.path);
        const chunk = chunks.find(
          (candidate) => candidate !== own && name !== undefined && candidate.packages.includes(name),
        );
        if (!chunk || name === undefined) return undefined;
        // The chunk exports each package under its name: a deep import would find nothing there.
        if (args.path !== name)
          return {
            errors: [
              {
                text: `${args.path}: import ${name} itself (it ships in ${chunk.out}.js, which exports only package roots)`,
              },
            ],
          };
        const resolved = await pluginBuild.resolve(name, {
          resolveDir: args.resolveDir,
          kind: args.kind,
          importer: args.importer,
          pluginData: RESOLVING_LAZY_PACKAGE,
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        const known = files.get(name);
        if (own !== undefined && known === undefined)
          return {
            errors: [
              {
                text: `${name} is required only from the lazy chunk ${own.out}: require it from the app, or put it in that chunk`,
              },
            ],
          };
        if (known !== undefined && known !== resolved.path)
          return {
            errors: [
              { text: `${name} resolves to two copies (${known}, ${resolved.path}): one lazy chunk cannot serve both` },
            ],
          };
        files.set(name, resolved.path);
        return { path: name, namespace: 'lazy-chunk-reference', pluginData: chunk.out };
      });
      pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy-chunk-reference' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(`./${String(args.pluginData)}.js`)})[${JSON.stringify(args.path)}];`,
        loader: 'js',
      }));
      pluginBuild.onResolve({ filter: /^\.\//, namespace: 'lazy-chunk-reference' }, (args) => ({
        path: args.path,
        external: true,
      }));
    },
  };
}

/**
 * A chunk's entry: each of its packages (the copy its importers resolved) as a getter, so a
 * package's modules run when it is first taken.
 */
function lazyChunkEntry(chunk: LazyChunk, files: LazyPackageFiles, repoRoot: string): Plugin {
  return {
    name: 'lazy-chunk-entry',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^lazy-chunk-entry$/ }, () => ({
        path: chunk.out,
        namespace: 'lazy-chunk-entry',
      }));
      pluginBuild.onLoad({ filter: /.*/, namespace: 'lazy-chunk-entry' }, () => ({
        contents: chunk.packages
          .map(
            (name) =>
              `Object.defineProperty(exports, ${JSON.stringify(name)}, { enumerable: true, get: () => require(${JSON.stringify(files.get(name) ?? name)}) });`,
          )
          .join('\n'),
        loader: 'js',
        resolveDir: repoRoot,
      }));
    },
  };
}

/**
 * zod registers its English messages itself and exports the other ~50 locales as a namespace that
 * nothing here reads; as part of `z` they survive tree shaking (about 370 KB). The bundle keeps
 * English only.
 */
const englishZodMessagesOnly: Plugin = {
  name: 'english-zod-messages-only',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v4[\\/]locales[\\/]index\.c?js$/ }, (args) => ({
      contents: args.path.endsWith('.cjs')
        ? 'exports.en = require("./en.cjs").default;'
        : 'export { default as en } from "./en.js";',
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/** Bare specifiers that stay `require` calls: host modules and packages that must stay installed. */
const externals: Plugin = {
  name: 'externals',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = packageOfSpecifier(args.path);
      if (name === undefined) return undefined;
      if (HOST_PROVIDED_MODULES.includes(name) || OPTIONAL_MODULES.includes(name) || staysInstalled(name))
        return { path: args.path, external: true };
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
      if (name !== undefined && !HOST_PROVIDED_MODULES.includes(name) && !OPTIONAL_MODULES.includes(name))
        names.add(name);
    }
  }
  return [...names].sort();
}

export async function bundleApp(options: {
  repoRoot: string;
  entries: BundleEntry[];
  outDir: string;
  workspaces: ReadonlyMap<string, string>;
  lazyChunks?: readonly LazyChunk[];
}): Promise<BundleResult> {
  const chunks = options.lazyChunks ?? [];
  const shared = {
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
  } as const;
  const lazyPackageFiles: LazyPackageFiles = new Map();
  const plugins = (own: LazyChunk | undefined): Plugin[] => [
    lazyChunkReferences(chunks, own, lazyPackageFiles),
    englishZodMessagesOnly,
    externals,
    workspaceSources(options.workspaces),
  ];
  // The entries first (they tell which copy of each lazy package is required), then one build per
  // chunk: a chunk's packages are its own only inside its build.
  const entriesBuild = await build({
    ...shared,
    entryPoints: options.entries.map((entry) => ({
      in: 'source' in entry ? entry.source : `generated-entry:${entry.out}`,
      out: entry.out,
    })),
    plugins: [generatedEntries(options.entries, options.repoRoot), ...plugins(undefined)],
  });
  const chunkBuilds = await Promise.all(
    chunks.map((chunk) =>
      build({
        ...shared,
        entryPoints: [{ in: 'lazy-chunk-entry', out: chunk.out }],
        plugins: [lazyChunkEntry(chunk, lazyPackageFiles, options.repoRoot), ...plugins(chunk)],
      }),
    ),
  );
  const results = [entriesBuild, ...chunkBuilds];
  // Files that contributed code (tree-shaken modules are listed as inputs with nothing in the output).
  const sources = new Set<string>();
  const installed = new Set<string>();
  for (const { metafile } of results) {
    for (const output of Object.values(metafile.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        if (bytesInOutput > 0 && !input.includes('node_modules/') && !input.includes(':'))
          sources.add(relative(options.repoRoot, join(options.repoRoot, input)).split(sep).join('/'));
      }
    }
    for (const name of externalPackages(metafile)) installed.add(name);
  }
  return { installedPackages: [...installed].sort(), sources: [...sources].sort() };
}
