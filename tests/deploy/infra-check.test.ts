// The offline infrastructure checks: the repository passes them, and each check catches the drift it
// exists for (mutations of a copy of the repository's deploy files and sources).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BicepFile, objectProperties, propertyOf, resourceOrModule, textOf, valueRange } from '../../devstack/src/package/infra-check/bicep-text';
import { checkInfra, formatResults, type CheckResult } from '../../devstack/src/package/infra-check/check-infra';
import { importedPackagesIn, settingsReadIn } from '../../devstack/src/package/infra-check/source-scan';

const repoRoot = resolve(__dirname, '../..');

function problemsOf(results: CheckResult[]): string[] {
  return results.flatMap((r) => r.problems);
}

describe('the repository', () => {
  test('passes every offline infrastructure check', async () => {
    const results = await checkInfra(repoRoot);
    expect(results.map((r) => r.check)).toHaveLength(8);
    // The message lists every problem, so a failure explains itself.
    expect({ report: formatResults(results), problems: problemsOf(results) }).toEqual({ report: expect.any(String), problems: [] });
  });
});

describe('bicep text reader', () => {
  const source = [
    "// a comment with { braces } and param fake string",
    "@description('has } and { and a ${'x'} in a string, and an escaped \\' quote')",
    '@secure()',
    '#disable-next-line secure-parameter-default',
    'param secret string = \'\'',
    'param required string',
    "@allowed(['B1', 'S1'])",
    "param sku string = 'B1'",
    'var settings = union({',
    "  A_SETTING: 'x${concat('}', required)}y' // trailing comment: NOT_A_KEY: 1",
    "  'quoted-key': 1",
    '  NESTED: {',
    '    INNER: true',
    '  }',
    '}, empty(required) ? {} : {',
    '  CONDITIONAL: required',
    '})',
    "resource site 'Microsoft.Web/sites@2024-04-01' = if (!empty(required)) {",
    "  name: 'a'",
    '  properties: { serverFarmId: \'/x\' }',
    '}',
    "output OUT string = 'a:b'",
  ].join('\n');
  const file = new BicepFile('test.bicep', source);

  test('splits declarations and ignores comments and strings', () => {
    expect(file.decls.map((d) => `${d.kind}:${d.name}`)).toEqual(['param:secret', 'param:required', 'param:sku', 'var:settings', 'resource:site', 'output:OUT']);
  });

  test('reads params: default, secure, allowed values', () => {
    expect(file.params()).toEqual([
      { name: 'secret', type: 'string', hasDefault: true, secure: true, allowed: undefined },
      { name: 'required', type: 'string', hasDefault: false, secure: false, allowed: undefined },
      { name: 'sku', type: 'string', hasDefault: true, secure: false, allowed: ['B1', 'S1'] },
    ]);
  });

  test('finds object keys at every depth, quoted keys, and keys inside union()/ternaries', () => {
    const decl = file.find('var', 'settings')!;
    const range = valueRange(file.m, decl)!;
    const props = objectProperties(file.m, range.start, range.end);
    expect(props.filter((p) => p.objectDepth === 1).map((p) => p.key)).toEqual(['A_SETTING', 'quoted-key', 'NESTED', 'CONDITIONAL']);
    expect(props.filter((p) => p.objectDepth === 2).map((p) => p.key)).toEqual(['INNER']);
    expect(textOf(file.m, props[0]!)).toBe("'x${concat('}', required)}y'");
  });

  test('reads a resource: type, condition and body', () => {
    const site = resourceOrModule(file.m, file.find('resource', 'site')!);
    expect(site).toMatchObject({ target: 'Microsoft.Web/sites@2024-04-01', condition: true, existing: false });
    const properties = propertyOf(file.m, site.body!.start, site.body!.end, 'properties')!;
    expect(textOf(file.m, properties)).toBe("{ serverFarmId: '/x' }");
  });
});

describe('source scan', () => {
  test('finds settings in every recognised form, not in comments', () => {
    const source = [
      '// process.env.IN_A_COMMENT',
      '/* env.ALSO_COMMENT */',
      "const a = process.env.DIRECT_READ; const b = process.env['BRACKET_READ'];",
      "function f(env: Env) { return env.PARAM_READ ?? env['PARAM_BRACKET'] ?? text(env, 'HELPER_READ') ?? int(env, \"HELPER_TWO\", 1, 0, 2); }",
      "const url = 'http://example.com/path'; // process.env.AFTER_URL",
    ].join('\n');
    expect(settingsReadIn(source)).toEqual(['BRACKET_READ', 'DIRECT_READ', 'HELPER_READ', 'HELPER_TWO', 'PARAM_BRACKET', 'PARAM_READ']);
  });

  test('finds imported packages (scoped, deep, require), not relative ones', () => {
    const source = "import { TableClient } from '@azure/data-tables';\nimport x from './local';\nconst q = require('@azure/storage-queue');\nimport type { Y } from 'ws/lib/x';";
    expect(importedPackagesIn(source)).toEqual(['@azure/data-tables', '@azure/storage-queue', 'ws']);
  });
});

describe('each check catches its drift', () => {
  let copy: string;

  beforeEach(() => {
    copy = mkdtempSync(join(tmpdir(), 'infra-check-'));
    for (const path of ['infra', '.github', 'azure.yaml', 'package.json', 'functions/src', 'webjob/src', 'shared/src', 'bigchaindb/src', 'devstack/src/package']) {
      cpSync(join(repoRoot, path), join(copy, path), { recursive: true });
    }
  });
  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  function edit(path: string, change: (text: string) => string): void {
    const full = join(copy, path);
    const before = readFileSync(full, 'utf8');
    const after = change(before);
    if (after === before) throw new Error(`edit of ${path} changed nothing`);
    writeFileSync(full, after);
  }

  async function problems(): Promise<string[]> {
    return problemsOf(await checkInfra(copy));
  }

  test('the unmodified copy passes (baseline for the mutations below)', async () => {
    expect(await problems()).toEqual([]);
  });

  test('a setting the WebJob reads but the Bicep does not set', async () => {
    edit('infra/modules/webjob-app.bicep', (t) => t.replace('  LEDGER_API_URL: ledgerApiUrl\n', ''));
    expect(await problems()).toEqual(expect.arrayContaining([expect.stringMatching(/webjob: .*reads LEDGER_API_URL, which modules\/webjob-app\.bicep does not set/)]));
  });

  test('a new setting in the code that nobody set or documented', async () => {
    writeFileSync(join(copy, 'functions/src/new-setting.ts'), 'export const x = process.env.SHINY_NEW_SETTING;\n');
    expect(await problems()).toEqual([expect.stringMatching(/functions: functions\/src\/new-setting\.ts reads SHINY_NEW_SETTING/)]);
  });

  test('a new WEBJOB_* tuning knob is left at its code default, and the report names it', async () => {
    writeFileSync(join(copy, 'webjob/src/new-knob.ts'), "export const knob = (env: Record<string, string | undefined>) => int(env, 'WEBJOB_NEW_KNOB', 5, 1, 10);\ndeclare function int(env: unknown, name: string, fallback: number, min: number, max: number): number;\n");
    const results = await checkInfra(copy);
    expect(problemsOf(results)).toEqual([]);
    expect(results.find((r) => r.check.startsWith('app settings'))!.notes).toEqual(expect.arrayContaining([expect.stringMatching(/left at code defaults by prefix rule: .*WEBJOB_NEW_KNOB/)]));
  });

  test('a setting the Bicep sets that no code reads', async () => {
    edit('infra/modules/function-app.bicep', (t) => t.replace('  RATE_TABLE: rateTable\n', '  RATE_TABLE: rateTable\n  FORGOTTEN_SETTING: \'1\'\n'));
    expect(await problems()).toEqual([expect.stringMatching(/functions: .*sets FORGOTTEN_SETTING, which the code never reads/)]);
  });

  test('a secret as a plain app setting instead of a Key Vault reference', async () => {
    edit('infra/modules/webjob-app.bicep', (t) => t.replace("WEBHOOK_FUNCTION_KEY: '@Microsoft.KeyVault(SecretUri=${webjobFunctionKeyUri})'", "WEBHOOK_FUNCTION_KEY: 'plain-text-key'"));
    expect(await problems()).toEqual(expect.arrayContaining([expect.stringMatching(/WEBHOOK_FUNCTION_KEY carries a secret and must be a Key Vault reference/)]));
  });

  test('a role the code needs is missing', async () => {
    edit('infra/main.bicep', (t) => t.replace('      roleIds.storageTableDataContributor\n      roleIds.storageQueueDataContributor\n', '      roleIds.storageTableDataContributor\n'));
    expect(await problems()).toEqual([expect.stringMatching(/webjob \(webjobIdentity\) needs Storage Queue Data Contributor \(webjob\/src\/.* imports @azure\/storage-queue\)/)]);
  });

  test('a role nothing needs (least privilege)', async () => {
    edit('infra/main.bicep', (t) => t.replace('      roleIds.storageBlobDataOwner\n      roleIds.storageTableDataContributor\n', '      roleIds.storageBlobDataOwner\n      roleIds.storageTableDataContributor\n      roleIds.storageBlobDataContributor\n'));
    expect(await problems()).toEqual([expect.stringMatching(/functions \(functionIdentity\) is assigned Storage Blob Data Contributor, which nothing/)]);
  });

  test('a role id that is not the built-in role it claims', async () => {
    edit('infra/main.bicep', (t) => t.replace("storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'", "storageTableDataContributor: '00000000-0000-0000-0000-000000000000'"));
    expect(await problems()).toEqual(expect.arrayContaining([expect.stringMatching(/roleIds\.storageTableDataContributor = .* is not a known built-in role id/)]));
  });

  test('parameters file and template disagree', async () => {
    edit('infra/main.parameters.json', (t) => t.replace('"ledgerApiUrl": { "value": "${LEDGER_API_URL}" },', '"ledgerApiUri": { "value": "${LEDGER_API_URL}" },').replace('"webhookSecrets": { "value": "${WEBHOOK_SECRETS}" }', '"webhookSecrets": { "value": "whsec_c2VjcmV0c2VjcmV0c2VjcmV0" }'));
    expect(await problems()).toEqual(
      expect.arrayContaining([
        'main.parameters.json sets ledgerApiUri, which main.bicep does not declare',
        'main.bicep requires ledgerApiUrl, which main.parameters.json does not set',
        expect.stringMatching(/webhookSecrets is @secure\(\) but main\.parameters\.json holds a literal value/),
      ]),
    );
  });

  test('a module call with a misspelt or missing parameter', async () => {
    edit('infra/main.bicep', (t) => t.replace('    deploymentContainerName: deploymentContainerName\n  }\n}', '    deploymentContainer: deploymentContainerName\n  }\n}'));
    expect(await problems()).toEqual(
      expect.arrayContaining([
        'module storage passes deploymentContainer, which modules/storage.bicep does not declare',
        'module storage does not pass required parameter deploymentContainerName of modules/storage.bicep',
      ]),
    );
  });

  test('workflows: invalid YAML, a missing file, an unknown npm script, an unpinned action', async () => {
    edit('.github/workflows/ci.yml', (t) => t.replace('      - name: Bicep build\n', '      - name: Missing\n        run: bash infra/nowhere.sh && npm run no-such-script\n      - uses: actions/cache\n      - name: Bicep build\n'));
    const found = await problems();
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/ci\.yml infra "Missing": infra\/nowhere\.sh does not exist/),
        expect.stringMatching(/npm script "no-such-script" is not in package\.json/),
        expect.stringMatching(/"actions\/cache" must name a pinned version/),
      ]),
    );
    edit('.github/workflows/deploy.yml', (t) => t.replace('name: deploy\n', 'name: deploy\nname: again\n'));
    expect(await problems()).toEqual(expect.arrayContaining([expect.stringMatching(/deploy\.yml: .*[Mm]ap keys must be unique/)]));
  });

  test('the deploy workflow without OIDC permissions or what-if', async () => {
    edit('.github/workflows/deploy.yml', (t) => t.replace('  id-token: write\n', '').replace('        run: infra/deploy.sh --what-if\n', '        run: echo skipped\n'));
    expect(await problems()).toEqual(expect.arrayContaining(['deploy.yml needs permissions id-token: write (OIDC)', 'deploy.yml does not run a what-if']));
  });

  test('azure.yaml deploying a folder the packaging step does not produce', async () => {
    edit('azure.yaml', (t) => t.replace('dist: .packages/webjob-site', 'dist: .packages/webjob'));
    expect(await problems()).toEqual([expect.stringMatching(/service webjob: dist \.packages\/webjob is not the folder npm run package stages for appservice/)]);
  });

  test('deploy.sh accepting a flag its --help does not document', async () => {
    edit('infra/deploy.sh', (t) => t.replace('    --what-if) WHAT_IF=1; shift ;;\n', '    --what-if) WHAT_IF=1; shift ;;\n    --secret-mode) shift ;;\n'));
    expect(await problems()).toEqual(['deploy.sh accepts --secret-mode but --help does not mention it']);
  });

  test('deploy.sh reading an output the template does not have', async () => {
    edit('infra/deploy.sh', (t) => t.replace('KEY_VAULT="$(output KEY_VAULT_NAME)"', 'KEY_VAULT="$(output KEYVAULT)"'));
    expect(await problems()).toEqual(['deploy.sh reads output KEYVAULT, which main.bicep does not define']);
  });
});
