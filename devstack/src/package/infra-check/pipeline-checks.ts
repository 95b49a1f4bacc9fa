// Checks over the delivery files: GitHub workflows and azure.yaml parse (YAML 1.2, duplicate keys
// are errors) and point at files and npm scripts that exist; deploy.sh documents every flag it takes.
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { type PackageLayout } from '../layout';
import { PACKAGE_NAMES } from '../build-packages';
import { type CheckResult } from './bicep-checks';

async function parseYaml(path: string, problems: string[]): Promise<unknown> {
  const doc = parseDocument(await fs.readFile(path, 'utf8'), { uniqueKeys: true, prettyErrors: true });
  for (const error of doc.errors) problems.push(`${path}: ${error.message}`);
  return doc.errors.length > 0 ? undefined : doc.toJS();
}

/** Repository files a shell command mentions (infra/..., devstack/..., .github/...) and npm scripts it runs. */
export function referencesIn(command: string): { paths: string[]; npmScripts: string[] } {
  const paths = [...command.matchAll(/(?:^|[\s"'=@])((?:infra|devstack|shared|webjob|functions|tests|\.github|\.packages)\/[\w./-]*[\w-])/g)].map((m) => m[1]!);
  const npmScripts = [...command.matchAll(/\bnpm run\s+([\w:-]+)/g)].map((m) => m[1]!);
  return { paths, npmScripts };
}

/** A referenced path exists, or is an output of the build (dist/ of an existing source, or a package). */
export function pathResolves(repoRoot: string, path: string, layout: PackageLayout): boolean {
  if (existsSync(join(repoRoot, path))) return true;
  const built = /^(\w+)\/dist\/(.+)\.js$/.exec(path);
  if (built && existsSync(join(repoRoot, built[1]!, 'src', `${built[2]}.ts`))) return true;
  const generated = [layout.functionAppZip, layout.webjobZip, layout.functionAppStage, layout.webjobSiteStage, layout.outDir].map((p) => relative(repoRoot, p).split('\\').join('/'));
  return generated.includes(path.replace(/\/$/, ''));
}

const stepSchema = z.object({ uses: z.string().optional(), run: z.string().optional(), name: z.string().optional() }).passthrough();
const workflowSchema = z.object({
  name: z.string(),
  on: z.unknown(),
  permissions: z.record(z.string(), z.string()).optional(),
  jobs: z.record(z.string(), z.object({ steps: z.array(stepSchema).min(1), strategy: z.object({ matrix: z.record(z.string(), z.unknown()) }).partial().optional(), permissions: z.record(z.string(), z.string()).optional() }).passthrough()),
});
type Workflow = z.infer<typeof workflowSchema>;

export async function checkWorkflows(repoRoot: string, layout: PackageLayout): Promise<CheckResult> {
  const result: CheckResult = { check: 'workflows parse and reference what exists', problems: [], notes: [] };
  const rootScripts = Object.keys(z.object({ scripts: z.record(z.string(), z.string()) }).parse(JSON.parse(await fs.readFile(join(repoRoot, 'package.json'), 'utf8'))).scripts);
  const dir = join(repoRoot, '.github', 'workflows');
  const workflows = new Map<string, Workflow>();
  for (const file of ['ci.yml', 'deploy.yml']) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      result.problems.push(`.github/workflows/${file} is missing`);
      continue;
    }
    const parsed = workflowSchema.safeParse(await parseYaml(path, result.problems));
    if (!parsed.success) {
      result.problems.push(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      continue;
    }
    workflows.set(file, parsed.data);
    let steps = 0;
    for (const [jobName, job] of Object.entries(parsed.data.jobs)) {
      for (const step of job.steps) {
        steps++;
        const label = `${file} ${jobName} "${step.name ?? step.uses ?? step.run?.split('\n')[0]}"`;
        if (!step.uses === !step.run) result.problems.push(`${label}: a step needs exactly one of uses/run`);
        if (step.uses && !/^[\w.-]+\/[\w./-]+@[\w.-]+$/.test(step.uses)) result.problems.push(`${label}: "${step.uses}" must name a pinned version (owner/action@ref)`);
        if (step.run) {
          const refs = referencesIn(step.run);
          for (const path of refs.paths) if (!pathResolves(repoRoot, path, layout)) result.problems.push(`${label}: ${path} does not exist`);
          for (const script of refs.npmScripts) if (!rootScripts.includes(script)) result.problems.push(`${label}: npm script "${script}" is not in package.json`);
        }
      }
    }
    result.notes.push(`${file}: ${Object.keys(parsed.data.jobs).length} jobs, ${steps} steps`);
  }

  const ci = workflows.get('ci.yml');
  if (ci) {
    const nodes = Object.values(ci.jobs).flatMap((job) => (Array.isArray(job.strategy?.matrix?.node) ? (job.strategy.matrix.node as unknown[]).map(String) : []));
    for (const version of ['20', '22']) if (!nodes.includes(version)) result.problems.push(`ci.yml does not test on Node ${version}`);
    const runs = Object.values(ci.jobs).flatMap((job) => job.steps.map((s) => s.run ?? '')).join('\n');
    for (const [what, pattern] of [
      ['install', /npm ci\b/],
      ['lint', /npm run lint\b/],
      ['build', /npm run build\b/],
      ['test', /\bjest\b|npm test\b/],
    ] as const) {
      if (!pattern.test(runs)) result.problems.push(`ci.yml does not ${what}`);
    }
  }
  const deploy = workflows.get('deploy.yml');
  if (deploy) {
    const permissions = { ...deploy.permissions, ...Object.assign({}, ...Object.values(deploy.jobs).map((j) => j.permissions ?? {})) } as Record<string, string>;
    if (permissions['id-token'] !== 'write') result.problems.push('deploy.yml needs permissions id-token: write (OIDC)');
    const steps = Object.values(deploy.jobs).flatMap((job) => job.steps);
    const runs = steps.map((s) => s.run ?? '').join('\n');
    if (!steps.some((s) => s.uses?.startsWith('azure/login@'))) result.problems.push('deploy.yml does not log in with azure/login');
    for (const [what, pattern] of [
      ['build the Bicep', /az bicep build/],
      ['run a what-if', /--what-if|what-if/],
      ['deploy the infrastructure', /deploy\.sh[^\n]*--skip-code/],
      ['deploy the code', /deploy\.sh[^\n]*--skip-infra[^\n]*--skip-smoke/],
      ['smoke-test', /deploy\.sh[^\n]*--skip-infra[^\n]*--skip-code/],
    ] as const) {
      if (!pattern.test(runs)) result.problems.push(`deploy.yml does not ${what}`);
    }
  }
  return result;
}

const azureYamlSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/),
  infra: z.object({ provider: z.literal('bicep'), path: z.string(), module: z.string() }),
  hooks: z.record(z.string(), z.object({ posix: z.object({ run: z.string() }).passthrough().optional(), run: z.string().optional() }).passthrough()).optional(),
  services: z.record(
    z.string(),
    z
      .object({
        project: z.string(),
        host: z.enum(['function', 'appservice']),
        language: z.string(),
        dist: z.string().optional(),
        hooks: z.record(z.string(), z.object({ run: z.string() }).passthrough()).optional(),
      })
      .passthrough(),
  ),
});

export async function checkAzureYaml(repoRoot: string, layout: PackageLayout): Promise<CheckResult> {
  const result: CheckResult = { check: 'azure.yaml parses and matches the packages and infra', problems: [], notes: [] };
  const rootScripts = Object.keys(z.object({ scripts: z.record(z.string(), z.string()) }).parse(JSON.parse(await fs.readFile(join(repoRoot, 'package.json'), 'utf8'))).scripts);
  const parsed = azureYamlSchema.safeParse(await parseYaml(join(repoRoot, 'azure.yaml'), result.problems));
  if (!parsed.success) {
    result.problems.push(`azure.yaml: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return result;
  }
  const config = parsed.data;
  if (!existsSync(join(repoRoot, config.infra.path, `${config.infra.module}.bicep`))) result.problems.push(`azure.yaml infra: ${config.infra.path}/${config.infra.module}.bicep does not exist`);
  if (!existsSync(join(repoRoot, config.infra.path, `${config.infra.module}.parameters.json`))) result.problems.push(`azure.yaml infra: ${config.infra.module}.parameters.json does not exist`);

  const expectedDist: Record<string, string> = {
    function: relative(repoRoot, layout.functionAppStage).split('\\').join('/'),
    appservice: relative(repoRoot, layout.webjobSiteStage).split('\\').join('/'),
  };
  const hosts = new Set<string>();
  const checkRun = (where: string, run: string): void => {
    const firstWord = run.trim().split(/\s+/)[0]!;
    if (/\.(sh|js)$/.test(firstWord)) {
      const path = join(repoRoot, firstWord);
      if (!existsSync(path)) result.problems.push(`${where}: ${firstWord} does not exist`);
      else if (firstWord.endsWith('.sh') && (statSync(path).mode & 0o111) === 0) result.problems.push(`${where}: ${firstWord} is not executable`);
    }
    const refs = referencesIn(run);
    for (const script of refs.npmScripts) if (!rootScripts.includes(script)) result.problems.push(`${where}: npm script "${script}" is not in package.json`);
    for (const only of run.matchAll(/--only\s+([\w-]+)/g)) if (!(PACKAGE_NAMES as readonly string[]).includes(only[1]!)) result.problems.push(`${where}: --only ${only[1]} is not a package (${PACKAGE_NAMES.join(', ')})`);
  };
  for (const [name, service] of Object.entries(config.services)) {
    hosts.add(service.host);
    if (!existsSync(join(repoRoot, service.project))) result.problems.push(`service ${name}: project ${service.project} does not exist`);
    const dist = service.dist ? posix.normalize(posix.join(service.project, service.dist)) : undefined;
    if (dist !== expectedDist[service.host]) result.problems.push(`service ${name}: dist ${dist ?? '(none)'} is not the folder npm run package stages for ${service.host} (${expectedDist[service.host]})`);
    for (const [hook, spec] of Object.entries(service.hooks ?? {})) checkRun(`service ${name} hook ${hook}`, spec.run);
  }
  for (const host of ['function', 'appservice']) if (!hosts.has(host)) result.problems.push(`azure.yaml has no ${host} service`);
  for (const [hook, spec] of Object.entries(config.hooks ?? {})) {
    const run = spec.posix?.run ?? spec.run;
    if (run) checkRun(`hook ${hook}`, run);
  }
  result.notes.push(`${Object.keys(config.services).length} services`);
  return result;
}

/** deploy.sh and the hooks are valid shell, and every flag deploy.sh accepts is in its --help. */
export async function checkDeployScript(repoRoot: string): Promise<CheckResult> {
  const result: CheckResult = { check: 'deploy.sh is valid and documents its flags', problems: [], notes: [] };
  const script = join(repoRoot, 'infra', 'deploy.sh');
  const source = await fs.readFile(script, 'utf8');
  if ((statSync(script).mode & 0o111) === 0) result.problems.push('infra/deploy.sh is not executable');
  for (const [shell, file] of [
    ['bash', 'infra/deploy.sh'],
    ['sh', 'infra/hooks/azd-preprovision.sh'],
  ] as const) {
    const run = spawnSync(shell, ['-n', join(repoRoot, file)], { encoding: 'utf8' });
    if (run.error) result.notes.push(`${shell} not available: ${file} syntax not checked`);
    else if (run.status !== 0) result.problems.push(`${file}: ${run.stderr.trim()}`);
  }
  const usage = /usage\(\) \{\n\s*cat <<'USAGE'\n([\s\S]*?)\nUSAGE/.exec(source)?.[1] ?? '';
  if (!usage) result.problems.push('deploy.sh has no usage text');
  const accepted = [...source.matchAll(/^\s+(--[a-z-]+)(?:\|[^)]*)?\)/gm)].map((m) => m[1]!);
  const documented = [...usage.matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]!);
  for (const flag of accepted) if (!usage.includes(flag)) result.problems.push(`deploy.sh accepts ${flag} but --help does not mention it`);
  for (const flag of documented) if (!accepted.includes(flag)) result.problems.push(`deploy.sh --help documents ${flag}, which it does not accept`);
  for (const flag of ['--resource-group', '--location', '--name-prefix', '--ledger-url', '--leasing-company-keys', '--what-if']) {
    if (!accepted.includes(flag)) result.problems.push(`deploy.sh does not accept ${flag}`);
  }
  result.notes.push(`${accepted.length} flags`);
  return result;
}
