// Checks over the Bicep text: module calls match module parameters, the parameters file matches the
// template, app settings match what the code reads, and role assignments match what the code needs.
import { existsSync, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { BicepFile, objectProperties, propertyOf, resourceOrModule, textOf, valueRange } from './bicep-text';
import { BUILT_IN_ROLES, COMPONENTS, type Component, NOT_SET_IN_AZURE, NOT_SET_IN_AZURE_PREFIXES, PLATFORM_SETTINGS, ROLE_INCLUDES, SDK_ROLES, SECRET_SETTINGS } from './infra-policy';
import { type ComponentScan, scanComponent } from './source-scan';

export interface CheckResult {
  check: string;
  problems: string[];
  /** What was looked at, for the report (e.g. "14 settings"). */
  notes: string[];
}

export async function loadBicep(path: string): Promise<BicepFile> {
  return new BicepFile(path, await fs.readFile(path, 'utf8'));
}

/** Every module call passes only parameters the module declares, and every required one. */
export async function checkModuleCalls(infraDir: string): Promise<CheckResult> {
  const result: CheckResult = { check: 'module calls match module parameters', problems: [], notes: [] };
  const main = await loadBicep(join(infraDir, 'main.bicep'));
  for (const decl of main.of('module')) {
    const { target, body } = resourceOrModule(main.m, decl);
    const path = join(infraDir, target);
    if (!existsSync(path)) {
      result.problems.push(`module ${decl.name}: ${target} does not exist`);
      continue;
    }
    const module = await loadBicep(path);
    const declared = new Map(module.params().map((p) => [p.name, p]));
    if (!body) {
      result.problems.push(`module ${decl.name}: no body found`);
      continue;
    }
    const paramsProp = propertyOf(main.m, body.start, body.end, 'params');
    const passed = paramsProp ? objectProperties(main.m, paramsProp.valueStart, paramsProp.valueEnd).filter((p) => p.objectDepth === 1) : [];
    for (const p of passed) {
      const param = declared.get(p.key);
      if (!param) result.problems.push(`module ${decl.name} passes ${p.key}, which ${target} does not declare`);
      else if (param.allowed) {
        const literal = /^'([^']*)'$|^(-?\d+)$/.exec(textOf(main.m, p));
        if (literal && !param.allowed.includes(literal[1] ?? literal[2]!)) result.problems.push(`module ${decl.name}: ${p.key} = ${textOf(main.m, p)} is not one of ${param.allowed.join(', ')}`);
      }
    }
    const passedKeys = new Set(passed.map((p) => p.key));
    for (const param of declared.values()) {
      if (!param.hasDefault && !passedKeys.has(param.name)) result.problems.push(`module ${decl.name} does not pass required parameter ${param.name} of ${target}`);
    }
    result.notes.push(`${decl.name} -> ${target}: ${passed.length} parameters`);
  }
  return result;
}

const parametersFileSchema = z.object({
  parameters: z.record(z.string(), z.object({ value: z.unknown() }).or(z.object({ reference: z.unknown() }))),
});

/** main.parameters.json names only template parameters, gives every required one, and no secret in clear. */
export async function checkParametersFile(infraDir: string): Promise<CheckResult> {
  const result: CheckResult = { check: 'parameters file matches the template', problems: [], notes: [] };
  const main = await loadBicep(join(infraDir, 'main.bicep'));
  const params = new Map(main.params().map((p) => [p.name, p]));
  const file = join(infraDir, 'main.parameters.json');
  let parsed: z.infer<typeof parametersFileSchema>;
  try {
    parsed = parametersFileSchema.parse(JSON.parse(await fs.readFile(file, 'utf8')));
  } catch (error) {
    result.problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
    return result;
  }
  for (const [name, entry] of Object.entries(parsed.parameters)) {
    const param = params.get(name);
    if (!param) {
      result.problems.push(`main.parameters.json sets ${name}, which main.bicep does not declare`);
      continue;
    }
    const value = 'value' in entry ? entry.value : undefined;
    const fromEnvironment = typeof value === 'string' && /^\$\{[A-Z_][A-Z0-9_]*(=[^}]*)?\}$/.test(value);
    if (param.secure && value !== undefined && !fromEnvironment) result.problems.push(`${name} is @secure() but main.parameters.json holds a literal value: use \${VARIABLE}`);
    if (param.allowed && !fromEnvironment && value !== undefined && !param.allowed.includes(JSON.stringify(value).replace(/^"|"$/g, ''))) result.problems.push(`${name} = ${JSON.stringify(value)} is not one of ${param.allowed.join(', ')}`);
    if (param.allowed && typeof value === 'string') {
      const fallback = /=([^}]*)\}$/.exec(value)?.[1];
      if (fallback !== undefined && !param.allowed.includes(fallback)) result.problems.push(`${name}: default ${fallback} in main.parameters.json is not one of ${param.allowed.join(', ')}`);
    }
  }
  for (const param of params.values()) {
    if (!param.hasDefault && !(param.name in parsed.parameters)) result.problems.push(`main.bicep requires ${param.name}, which main.parameters.json does not set`);
  }
  result.notes.push(`${Object.keys(parsed.parameters).length} of ${params.size} parameters set`);
  return result;
}

interface ComponentSettings {
  settings: Map<string, string>; // name -> value expression
  usesAppSettings: boolean;
}

async function componentSettings(infraDir: string, component: Component): Promise<ComponentSettings | string> {
  const module = await loadBicep(join(infraDir, component.module));
  const decl = module.find('var', 'appSettings');
  if (!decl) return `${component.module} has no "var appSettings = {...}"`;
  const range = valueRange(module.m, decl);
  if (!range) return `${component.module}: var appSettings has no value`;
  const settings = new Map<string, string>();
  for (const p of objectProperties(module.m, range.start, range.end).filter((x) => x.objectDepth === 1)) settings.set(p.key, textOf(module.m, p));
  return { settings, usesAppSettings: /appSettings:\s*\[\s*for\s+\w+\s+in\s+items\(appSettings\)/.test(module.m.masked) };
}

/** Every setting the code reads is set for that component (or documented as not set), and vice versa. */
export async function checkSettings(repoRoot: string, scans: Map<string, ComponentScan>): Promise<CheckResult> {
  const result: CheckResult = { check: 'app settings match what the code reads', problems: [], notes: [] };
  const infraDir = join(repoRoot, 'infra');
  for (const component of COMPONENTS) {
    const found = await componentSettings(infraDir, component);
    if (typeof found === 'string') {
      result.problems.push(found);
      continue;
    }
    if (!found.usesAppSettings) result.problems.push(`${component.module} defines appSettings but the site does not use items(appSettings)`);
    const reads = scans.get(component.name)!.settings;
    const excusedByPrefix: string[] = [];
    for (const [name, files] of reads) {
      if (found.settings.has(name)) continue;
      if (name in NOT_SET_IN_AZURE) continue;
      if (Object.keys(NOT_SET_IN_AZURE_PREFIXES).some((prefix) => name.startsWith(prefix))) {
        excusedByPrefix.push(name);
        continue;
      }
      result.problems.push(`${component.name}: ${files.join(', ')} reads ${name}, which ${component.module} does not set (set it, or document why not in infra-policy.ts)`);
    }
    for (const [name, value] of found.settings) {
      if (SECRET_SETTINGS.includes(name) && !value.includes('@Microsoft.KeyVault(')) result.problems.push(`${component.name}: ${name} carries a secret and must be a Key Vault reference, is ${value}`);
      if (reads.has(name) || name in PLATFORM_SETTINGS) continue;
      result.problems.push(`${component.name}: ${component.module} sets ${name}, which the code never reads (remove it, or document it as a platform setting)`);
    }
    result.notes.push(`${component.name}: ${found.settings.size} settings set, ${reads.size} read by the code`);
    const undocumented = excusedByPrefix.filter((name) => !(name in NOT_SET_IN_AZURE));
    if (undocumented.length > 0) result.notes.push(`${component.name}: left at code defaults by prefix rule: ${undocumented.join(', ')}`);
  }
  return result;
}

interface RoleGrant {
  principal: string; // identity symbol, or the parameter expression for other principals
  role: string; // role name
  module: string;
}

async function roleGrants(infraDir: string, problems: string[]): Promise<RoleGrant[]> {
  const main = await loadBicep(join(infraDir, 'main.bicep'));
  const roleVar = main.find('var', 'roleIds');
  const roleIds = new Map<string, string>();
  if (!roleVar) problems.push('main.bicep has no "var roleIds = {...}"');
  else {
    const range = valueRange(main.m, roleVar)!;
    for (const p of objectProperties(main.m, range.start, range.end).filter((x) => x.objectDepth === 1)) {
      const guid = /^'([0-9a-f-]{36})'$/.exec(textOf(main.m, p))?.[1];
      const name = guid ? BUILT_IN_ROLES[guid] : undefined;
      if (!guid || !name) problems.push(`roleIds.${p.key} = ${textOf(main.m, p)} is not a known built-in role id`);
      else roleIds.set(p.key, name);
    }
  }
  const grants: RoleGrant[] = [];
  for (const decl of main.of('module')) {
    const { target, body } = resourceOrModule(main.m, decl);
    if (!/-roles\.bicep$/.test(target) || !body) continue;
    const params = propertyOf(main.m, body.start, body.end, 'params');
    if (!params) continue;
    const inner = objectProperties(main.m, params.valueStart, params.valueEnd).filter((p) => p.objectDepth === 1);
    const principalExpr = inner.find((p) => p.key === 'principalId');
    const rolesExpr = inner.find((p) => p.key === 'roleDefinitionIds');
    if (!principalExpr || !rolesExpr) {
      problems.push(`module ${decl.name}: needs principalId and roleDefinitionIds`);
      continue;
    }
    const principalText = textOf(main.m, principalExpr);
    const principal = /^(\w+)\.properties\.principalId$/.exec(principalText)?.[1] ?? principalText;
    for (const match of textOf(main.m, rolesExpr).matchAll(/\broleIds\.(\w+)/g)) {
      const role = roleIds.get(match[1]!);
      if (!role) problems.push(`module ${decl.name}: roleIds.${match[1]} is not defined`);
      else {
        const expectedPrefix = target.includes('storage') ? 'Storage ' : target.includes('key-vault') ? 'Key Vault ' : 'Monitoring ';
        if (!role.startsWith(expectedPrefix)) problems.push(`module ${decl.name} (${target}) assigns ${role}, which does not belong on that scope`);
        grants.push({ principal, role, module: decl.name });
      }
    }
    if (/\broleDefinitionIds\b[\s\S]*'[0-9a-f-]{36}'/.test(textOf(main.m, rolesExpr))) problems.push(`module ${decl.name}: use roleIds.<name>, not literal role ids`);
  }
  return grants;
}

function satisfies(assigned: string, needed: string): boolean {
  return assigned === needed || (ROLE_INCLUDES[assigned] ?? []).includes(needed);
}

/** Each component's identity has every role its code and settings need, and no role beyond them. */
export async function checkRoles(repoRoot: string, scans: Map<string, ComponentScan>): Promise<CheckResult> {
  const result: CheckResult = { check: 'role assignments match what the code needs (least privilege)', problems: [], notes: [] };
  const infraDir = join(repoRoot, 'infra');
  const grants = await roleGrants(infraDir, result.problems);
  const main = await loadBicep(join(infraDir, 'main.bicep'));
  const componentIdentities = new Set<string>();
  for (const component of COMPONENTS) {
    const call = main.find('module', component.moduleCall);
    const body = call ? resourceOrModule(main.m, call).body : undefined;
    const params = body ? propertyOf(main.m, body.start, body.end, 'params') : undefined;
    const identityProp = params ? objectProperties(main.m, params.valueStart, params.valueEnd).find((p) => p.key === 'identityId' && p.objectDepth === 1) : undefined;
    const identity = identityProp ? /^(\w+)\.id$/.exec(textOf(main.m, identityProp))?.[1] : undefined;
    if (!identity) {
      result.problems.push(`main.bicep: module ${component.moduleCall} must pass identityId: <identity>.id`);
      continue;
    }
    componentIdentities.add(identity);
    const found = await componentSettings(infraDir, component);
    const settings = typeof found === 'string' ? new Map<string, string>() : found.settings;
    const needed = new Map<string, string>(); // role -> why
    for (const [pkg, files] of scans.get(component.name)!.imports) {
      const role = SDK_ROLES[pkg];
      if (role) needed.set(role, `${files[0]} imports ${pkg}`);
    }
    if (settings.get('AzureWebJobsStorage__credential')?.includes('managedidentity')) needed.set('Storage Blob Data Owner', 'the Functions host keeps keys and locks in blob storage with its identity (and reads the deployment container)');
    if ([...settings.values()].some((v) => v.includes('@Microsoft.KeyVault('))) needed.set('Key Vault Secrets User', 'app settings are Key Vault references');
    if (settings.has('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')) needed.set('Monitoring Metrics Publisher', 'telemetry uses Entra auth');
    const assigned = grants.filter((g) => g.principal === identity).map((g) => g.role);
    for (const [role, why] of needed) {
      if (!assigned.some((a) => satisfies(a, role))) result.problems.push(`${component.name} (${identity}) needs ${role} (${why}) but main.bicep does not assign it`);
    }
    for (const role of assigned) {
      if (![...needed.keys()].some((n) => satisfies(role, n))) result.problems.push(`${component.name} (${identity}) is assigned ${role}, which nothing in its code or settings needs`);
    }
    result.notes.push(`${component.name}: ${assigned.join(', ') || 'no roles'}`);
  }
  for (const grant of grants.filter((g) => !componentIdentities.has(g.principal))) {
    // Only the deploying principal gets roles besides the apps, and only to manage the two secrets.
    if (grant.role !== 'Key Vault Secrets Officer') result.problems.push(`module ${grant.module} gives ${grant.role} to ${grant.principal}, which is not an app identity`);
  }
  return result;
}

/** Outputs deploy.sh reads exist; the WebJob name agrees with the package layout. */
export async function checkOutputsAndNames(repoRoot: string, webjobName: string): Promise<CheckResult> {
  const result: CheckResult = { check: 'outputs and names used by deployment exist', problems: [], notes: [] };
  const main = await loadBicep(join(repoRoot, 'infra', 'main.bicep'));
  const outputs = new Set(main.of('output').map((d) => d.name));
  const deploySh = await fs.readFile(join(repoRoot, 'infra', 'deploy.sh'), 'utf8');
  for (const match of deploySh.matchAll(/\boutput ([A-Z][A-Z0-9_]+)\b/g)) {
    if (!outputs.has(match[1]!)) result.problems.push(`deploy.sh reads output ${match[1]}, which main.bicep does not define`);
  }
  const webjobVar = main.find('var', 'webjobName');
  const value = webjobVar ? textOf(main.m, valueRange(main.m, webjobVar)!) : undefined;
  if (value !== `'${webjobName}'`) result.problems.push(`main.bicep var webjobName is ${value ?? 'missing'}, the package layout uses '${webjobName}'`);
  result.notes.push(`${outputs.size} outputs`);
  return result;
}

export async function scanComponents(repoRoot: string): Promise<Map<string, ComponentScan>> {
  const scans = new Map<string, ComponentScan>();
  for (const component of COMPONENTS) scans.set(component.name, await scanComponent(repoRoot, component.sourceDirs));
  return scans;
}
