// The deploy invariants no Bicep compiler can see, because they tie the Bicep to our code: every app
// setting the code reads is set (or excused in infra-policy.ts) and every one set is read; secrets
// are Key Vault references; each app identity holds exactly the roles its SDK imports and settings
// need; the outputs deploy.sh reads and the names packaging uses exist. Bicep syntax, types, module
// parameters and the parameters file are the real compiler's job (`az bicep build`/`lint` in CI).
// Run by tests/deploy/infra-check.test.ts (so `npm test` runs it); returns the problems found.
import { promises as fs } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { WEBJOB_NAME, packageLayout } from '../layout';
import {
  BUILT_IN_ROLES,
  COMPONENTS,
  NOT_SET_IN_AZURE,
  NOT_SET_IN_AZURE_PREFIXES,
  PLATFORM_SETTINGS,
  ROLE_INCLUDES,
  SDK_ROLES,
  SECRET_SETTINGS,
} from './infra-policy';
import { type ComponentScan, scanComponent } from './source-scan';

/**
 * Top-level declarations of a Bicep file ("module storage", "var appSettings", ...): the head line
 * (`module storage 'modules/storage.bicep' = {`) and the text up to the next top-level line.
 * Comments are dropped. Relies on Bicep's usual layout: declarations start at column 0, a block's
 * inner lines are indented.
 */
export function bicepDeclarations(source: string): Map<string, { head: string; body: string }> {
  const declarations = new Map<string, { head: string; body: string }>();
  let current: { head: string; body: string } | undefined;
  for (const line of source.replace(/(^|\s)\/\/.*$/gm, '$1').split('\n')) {
    const start = /^(param|var|resource|module|output)\s+(\w+)/.exec(line);
    if (start) declarations.set(`${start[1]} ${start[2]}`, (current = { head: line, body: '' }));
    else if (/^[^\s})\]]/.test(line))
      current = undefined; // a decorator or another top-level statement
    else if (current) current.body += `${line}\n`;
  }
  return declarations;
}

/** The `key: value` lines of a top-level object literal (indented two spaces). */
function entries(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^ {2}(\w+):\s*(.*?)\s*$/gm)].map((m) => [m[1]!, m[2]!]));
}

async function read(repoRoot: string, path: string): Promise<string> {
  return fs.readFile(join(repoRoot, path), 'utf8');
}

async function checkSettings(
  repoRoot: string,
  scans: Map<string, ComponentScan>,
  problems: string[],
): Promise<Map<string, Map<string, string>>> {
  const settingsOf = new Map<string, Map<string, string>>();
  for (const component of COMPONENTS) {
    const source = await read(repoRoot, join('infra', component.module));
    const declared = bicepDeclarations(source).get('var appSettings');
    if (!declared) problems.push(`${component.module} has no "var appSettings = {...}"`);
    if (!/appSettings:\s*\[\s*for\s+\w+\s+in\s+items\(appSettings\)/.test(source))
      problems.push(`${component.module}: the site does not use items(appSettings)`);
    const settings = entries(declared?.body ?? '');
    settingsOf.set(component.name, settings);
    const reads = scans.get(component.name)!.settings;
    for (const [name, files] of reads) {
      const excused =
        name in NOT_SET_IN_AZURE || Object.keys(NOT_SET_IN_AZURE_PREFIXES).some((prefix) => name.startsWith(prefix));
      if (!settings.has(name) && !excused)
        problems.push(
          `${component.name}: ${files.join(', ')} reads ${name}, which ${component.module} does not set (set it, or document why not in infra-policy.ts)`,
        );
    }
    for (const [name, value] of settings) {
      if (SECRET_SETTINGS.includes(name) && !value.includes('@Microsoft.KeyVault('))
        problems.push(`${component.name}: ${name} carries a secret and must be a Key Vault reference, is ${value}`);
      if (!reads.has(name) && !(name in PLATFORM_SETTINGS))
        problems.push(
          `${component.name}: ${component.module} sets ${name}, which the code never reads (remove it, or document it as a platform setting)`,
        );
    }
  }
  return settingsOf;
}

const satisfies = (assigned: string, needed: string): boolean =>
  assigned === needed || (ROLE_INCLUDES[assigned] ?? []).includes(needed);

function checkRoles(
  main: Map<string, { head: string; body: string }>,
  scans: Map<string, ComponentScan>,
  settingsOf: Map<string, Map<string, string>>,
  problems: string[],
): void {
  const roleIds = new Map<string, string>();
  for (const [key, value] of entries(main.get('var roleIds')?.body ?? '')) {
    const role = BUILT_IN_ROLES[value.replace(/'/g, '')];
    if (role) roleIds.set(key, role);
    else problems.push(`roleIds.${key} = ${value} is not a known built-in role id`);
  }
  const grants: { principal: string; role: string; module: string }[] = [];
  for (const [key, { head, body }] of main) {
    const target = /^module \w+ '([^']+-roles\.bicep)'/.exec(head)?.[1];
    if (!target) continue;
    const principal = /principalId:\s*(\S+)/.exec(body)?.[1]?.replace(/\.properties\.principalId$/, '') ?? '(none)';
    const scope = target.includes('storage') ? 'Storage ' : target.includes('key-vault') ? 'Key Vault ' : 'Monitoring ';
    for (const [, id] of body.matchAll(/\broleIds\.(\w+)/g)) {
      const role = roleIds.get(id!);
      if (!role) problems.push(`${key}: roleIds.${id} is not defined`);
      else if (!role.startsWith(scope))
        problems.push(`${key} (${target}) assigns ${role}, which does not belong on that scope`);
      else grants.push({ principal, role, module: key });
    }
  }
  const identities = new Set<string>();
  for (const component of COMPONENTS) {
    const identity = /identityId:\s*(\w+)\.id\b/.exec(main.get(`module ${component.moduleCall}`)?.body ?? '')?.[1];
    if (!identity) {
      problems.push(`main.bicep: module ${component.moduleCall} must pass identityId: <identity>.id`);
      continue;
    }
    identities.add(identity);
    const settings = settingsOf.get(component.name)!;
    const needed = new Map<string, string>(); // role -> why
    for (const [pkg, files] of scans.get(component.name)!.imports)
      if (SDK_ROLES[pkg]) needed.set(SDK_ROLES[pkg], `${files[0]} imports ${pkg}`);
    if (settings.get('AzureWebJobsStorage__credential')?.includes('managedidentity'))
      needed.set(
        'Storage Blob Data Owner',
        'the Functions host keeps keys and locks in blob storage with its identity',
      );
    if ([...settings.values()].some((v) => v.includes('@Microsoft.KeyVault(')))
      needed.set('Key Vault Secrets User', 'app settings are Key Vault references');
    if (settings.has('APPLICATIONINSIGHTS_AUTHENTICATION_STRING'))
      needed.set('Monitoring Metrics Publisher', 'telemetry uses Entra auth');
    const assigned = grants.filter((g) => g.principal === identity).map((g) => g.role);
    for (const [role, why] of needed)
      if (!assigned.some((a) => satisfies(a, role)))
        problems.push(`${component.name} (${identity}) needs ${role} (${why}) but main.bicep does not assign it`);
    for (const role of assigned)
      if (![...needed.keys()].some((n) => satisfies(role, n)))
        problems.push(
          `${component.name} (${identity}) is assigned ${role}, which nothing in its code or settings needs`,
        );
  }
  // Besides the apps, only the deploying principal gets a role: to manage the two secrets.
  for (const grant of grants)
    if (!identities.has(grant.principal) && grant.role !== 'Key Vault Secrets Officer')
      problems.push(`${grant.module} gives ${grant.role} to ${grant.principal}, which is not an app identity`);
}

async function checkNames(
  repoRoot: string,
  main: Map<string, { head: string; body: string }>,
  problems: string[],
): Promise<void> {
  const deploySh = await read(repoRoot, 'infra/deploy.sh');
  for (const [, name] of deploySh.matchAll(/\boutput ([A-Z][A-Z0-9_]+)\b/g))
    if (!main.has(`output ${name}`)) problems.push(`deploy.sh reads output ${name}, which main.bicep does not define`);
  const webjobName = /=\s*'([^']*)'/.exec(main.get('var webjobName')?.head ?? '')?.[1];
  if (webjobName !== WEBJOB_NAME)
    problems.push(`main.bicep var webjobName is ${webjobName ?? 'missing'}, the package layout uses '${WEBJOB_NAME}'`);
  const layout = packageLayout(repoRoot);
  const staged: Record<string, string> = { function: layout.functionAppStage, appservice: layout.webjobSiteStage };
  const azure = parse(await read(repoRoot, 'azure.yaml')) as {
    services?: Record<string, { project?: string; host?: string; dist?: string }>;
  };
  for (const [name, service] of Object.entries(azure.services ?? {})) {
    const expected = staged[service.host ?? ''];
    const dist = join(repoRoot, service.project ?? '.', service.dist ?? '');
    if (!expected) problems.push(`azure.yaml service ${name}: host ${service.host} is neither function nor appservice`);
    else if (dist !== expected)
      problems.push(
        `azure.yaml service ${name}: dist ${relative(repoRoot, dist)} is not the folder npm run package stages for ${service.host} (${relative(repoRoot, expected)})`,
      );
  }
}

export async function checkInfra(repoRoot: string): Promise<string[]> {
  const problems: string[] = [];
  const scans = new Map<string, ComponentScan>();
  for (const component of COMPONENTS) scans.set(component.name, await scanComponent(repoRoot, component.sourceDirs));
  const main = bicepDeclarations(await read(repoRoot, 'infra/main.bicep'));
  const settingsOf = await checkSettings(repoRoot, scans, problems);
  checkRoles(main, scans, settingsOf, problems);
  await checkNames(repoRoot, main, problems);
  return problems;
}
