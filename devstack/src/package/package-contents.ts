// What a deployable package must and must not hold. Pure rules over a PackageView: the packaging
// CLI refuses to finish when any fails, and the package tests run them on the zips they unpack.
import { isBuiltin } from 'node:module';
import { posix } from 'node:path';
import { z } from 'zod';
import { WEBJOB_SITE_PREFIX } from './layout';
import { foreignPrebuild } from './native-prebuilds';
import { type PackageView } from './package-view';
import { HOST_PROVIDED_MODULES, OPTIONAL_MODULES } from './runtime-modules';

/** Tools and local-only parts that must never ship (dev dependencies and the devstack's own). */
export const FORBIDDEN_PACKAGES = [
  'typescript',
  'jest',
  'eslint',
  '@swc/core',
  '@swc/jest',
  'typescript-eslint',
  'fast-check',
  'azurite',
  'azure-functions-core-tools',
  'bigchaindb-driver',
  'yazl',
  'yauzl',
  'yaml',
  '@lease-premium/devstack',
  '@lease-premium/webjob',
];

const packageJsonSchema = z.object({
  name: z.string().optional(),
  main: z.string().optional(),
  dependencies: z.record(z.string(), z.string()).optional(),
  optionalDependencies: z.record(z.string(), z.string()).optional(),
});

/** Matches the `main` globs the Functions host accepts: `*`, `**` and `{a,b}`. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '*' && glob[i + 1] === '*') {
      pattern += '.*';
      i++;
    } else if (char === '*') pattern += '[^/]*';
    else if (char === '{') pattern += '(?:';
    else if (char === '}') pattern += ')';
    else if (char === ',') pattern += '|';
    else pattern += char.replace(/[.+?^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}

/** The package a bare specifier names ("@scope/name/sub" -> "@scope/name"), or undefined for relative/builtin. */
export function packageOfSpecifier(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || isBuiltin(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every string literal passed to require() in CommonJS output. */
export function requiredSpecifiers(source: string): string[] {
  return [...source.matchAll(/\brequire\(\s*(["'])([^"']+)\1\s*\)/g)].map((match) => match[2]!);
}

/** node_modules directories a file at `fromDir` resolves packages from, nearest first. */
function nodeModulesChain(fromDir: string): string[] {
  const chain: string[] = [];
  let dir = fromDir;
  for (;;) {
    if (posix.basename(dir) !== 'node_modules')
      chain.push(dir === '.' || dir === '' ? 'node_modules' : `${dir}/node_modules`);
    if (dir === '.' || dir === '' || dir === '/') break;
    dir = posix.dirname(dir);
  }
  return chain;
}

function resolvesPackage(files: ReadonlySet<string>, fromDir: string, name: string): boolean {
  return nodeModulesChain(fromDir).some((modules) => files.has(`${modules}/${name}/package.json`));
}

interface AppRules {
  /** Package root inside the view ("" for the Function App, the job folder for the WebJob). */
  root: string;
  /** Our compiled code (relative to root) whose requires must all resolve inside the package. */
  ownCode: (path: string) => boolean;
  /** Paths (relative to root) that must not be there. */
  forbiddenPath: (path: string) => string | undefined;
}

async function checkApp(
  view: PackageView,
  rules: AppRules,
  problems: string[],
): Promise<{ manifest: z.infer<typeof packageJsonSchema> | undefined; texts: Map<string, string> }> {
  const files = new Set(view.paths.map((path) => path.slice(rules.root.length)));
  const packageJsons = [...files].filter(
    (path) =>
      path === 'package.json' ||
      (path.startsWith('node_modules/') && /(^|\/)node_modules\/(@[^/]+\/)?[^/@]+\/package\.json$/.test(path)),
  );
  const ownCode = [...files].filter((path) => rules.ownCode(path) && path.endsWith('.js'));
  const texts = await view.readTexts(new Set([...packageJsons, ...ownCode].map((path) => rules.root + path)));
  const text = (path: string): string | undefined => texts.get(rules.root + path);

  for (const path of files) {
    const reason = rules.forbiddenPath(path) ?? foreignPrebuild(path);
    if (reason) problems.push(`${path}: ${reason}`);
  }
  for (const name of FORBIDDEN_PACKAGES) {
    if (files.has(`node_modules/${name}/package.json`))
      problems.push(`node_modules/${name}: a development-only package is in the production package`);
  }

  let manifest: z.infer<typeof packageJsonSchema> | undefined;
  const manifestText = text('package.json');
  if (!manifestText) problems.push('package.json is missing');
  else {
    const parsed = packageJsonSchema.safeParse(JSON.parse(manifestText));
    if (!parsed.success) problems.push(`package.json: ${parsed.error.message}`);
    else manifest = parsed.data;
  }
  for (const name of Object.keys(manifest?.dependencies ?? {})) {
    if (!files.has(`node_modules/${name}/package.json`))
      problems.push(`dependency ${name} is not installed in node_modules`);
  }

  // The production tree is complete: every dependency of every installed package resolves.
  for (const path of packageJsons.filter((p) => p !== 'package.json')) {
    const parsed = packageJsonSchema.safeParse(JSON.parse(text(path) ?? '{}'));
    if (!parsed.success) continue;
    const dir = posix.dirname(path);
    const optional = new Set(Object.keys(parsed.data.optionalDependencies ?? {}));
    for (const dependency of Object.keys(parsed.data.dependencies ?? {})) {
      if (optional.has(dependency)) continue; // left out on purpose (--omit=optional)
      if (!resolvesPackage(files, dir, dependency))
        problems.push(`${dir} needs ${dependency}, which is not in the package`);
    }
  }

  // Our compiled code finds every package and relative file it requires.
  for (const path of ownCode) {
    for (const specifier of requiredSpecifiers(text(path) ?? '')) {
      if (specifier.startsWith('.')) {
        const target = posix.normalize(posix.join(posix.dirname(path), specifier));
        if (
          ![target, `${target}.js`, `${target}.json`, `${target}/index.js`].some((candidate) => files.has(candidate))
        ) {
          problems.push(`${path} requires ${specifier}, which is not in the package`);
        }
        continue;
      }
      const name = packageOfSpecifier(specifier);
      if (name && (HOST_PROVIDED_MODULES.includes(name) || OPTIONAL_MODULES.includes(name))) continue;
      if (name && !resolvesPackage(files, posix.dirname(path), name))
        problems.push(`${path} requires ${name}, which is not in the package`);
    }
  }
  return { manifest, texts };
}

const ourSources = (path: string): string | undefined => {
  if (path.startsWith('node_modules/')) return undefined;
  if (/\.test\.js$|(^|\/)test\//.test(path)) return 'tests do not belong in a deployable package';
  if (/\.ts$/.test(path) && !path.endsWith('.d.ts')) return 'TypeScript sources do not belong in a deployable package';
  if (/(^|\/)local\.settings\.json$/.test(path)) return 'local settings must never be deployed';
  if (/\.tsbuildinfo$/.test(path)) return 'build state does not belong in a deployable package';
  return undefined;
};

/** Problems with a Function App package (empty = fine). */
export async function checkFunctionAppPackage(view: PackageView): Promise<string[]> {
  const problems: string[] = [];
  const { manifest, texts } = await checkApp(
    view,
    {
      root: '',
      ownCode: (path) => !path.startsWith('node_modules/'),
      forbiddenPath: (path) => {
        if (/^(devstack|shared|bigchaindb|webjob|tests|infra|\.github|functions\/src)\//.test(path))
          return 'not part of the Function App';
        return ourSources(path);
      },
    },
    problems,
  );
  if (!view.paths.includes('host.json')) problems.push('host.json is missing');
  if (manifest) {
    if (!manifest.main) problems.push('package.json has no "main": the host would find no functions');
    else {
      const mainPattern = globToRegExp(manifest.main);
      if (!view.paths.some((path) => mainPattern.test(path)))
        problems.push(`no file matches package.json main "${manifest.main}"`);
    }
    // The programming model reaches the host through @azure/functions-core: installed, or bundled into our code.
    const bundlesLibrary = [...texts.values()].some((text) =>
      requiredSpecifiers(text).some((specifier) => HOST_PROVIDED_MODULES.includes(specifier)),
    );
    if (!bundlesLibrary && !view.paths.includes('node_modules/@azure/functions/package.json'))
      problems.push('@azure/functions is neither installed nor bundled');
  }
  return problems;
}

/** Problems with a WebJob package laid out as App_Data/jobs/continuous/<name>/ (empty = fine). */
export async function checkWebJobPackage(view: PackageView): Promise<string[]> {
  const problems: string[] = [];
  for (const path of view.paths) {
    if (!path.startsWith(WEBJOB_SITE_PREFIX)) problems.push(`${path}: outside ${WEBJOB_SITE_PREFIX}`);
  }
  const inside: PackageView = { ...view, paths: view.paths.filter((path) => path.startsWith(WEBJOB_SITE_PREFIX)) };
  const { manifest } = await checkApp(
    inside,
    {
      root: WEBJOB_SITE_PREFIX,
      ownCode: (path) => path === 'run.js' || path.startsWith('dist/'),
      forbiddenPath: (path) => (path.startsWith('src/') ? 'not part of the WebJob' : ourSources(path)),
    },
    problems,
  );
  for (const required of ['run.js', 'settings.job']) {
    if (!view.paths.includes(WEBJOB_SITE_PREFIX + required))
      problems.push(`${WEBJOB_SITE_PREFIX}${required} is missing`);
  }
  if (!view.paths.some((path) => path.startsWith(`${WEBJOB_SITE_PREFIX}dist/`) && path.endsWith('.js')))
    problems.push(`${WEBJOB_SITE_PREFIX}dist/ has no compiled code`);
  if (manifest && manifest.main !== 'run.js')
    problems.push(`package.json main must be run.js, is ${manifest.main ?? 'absent'}`);
  const settingsPath = `${WEBJOB_SITE_PREFIX}settings.job`;
  if (view.paths.includes(settingsPath)) {
    const settingsText = (await view.readTexts(new Set([settingsPath]))).get(settingsPath) ?? '';
    try {
      const settings = z.object({ is_singleton: z.boolean().optional() }).passthrough().parse(JSON.parse(settingsText));
      if (settings.is_singleton !== true)
        problems.push('settings.job must set "is_singleton": true (one stream consumer per site)');
    } catch (error) {
      problems.push(`settings.job is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}
