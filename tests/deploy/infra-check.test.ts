// The offline deploy invariants (code <-> Bicep): the repository passes them, and each check catches
// the drift it exists for (mutations of a copy of the repository's deploy files and sources).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bicepDeclarations, checkInfra } from '../../devstack/src/package/infra-check/check-infra';
import { importedPackagesIn, settingsReadIn } from '../../devstack/src/package/infra-check/source-scan';

const repoRoot = resolve(__dirname, '../..');

describe('the repository', () => {
  test('passes every offline infrastructure check', async () => {
    // The problems are the message, so a failure explains itself.
    expect(await checkInfra(repoRoot)).toEqual([]);
  });
});

describe('bicep declarations', () => {
  test('splits top-level declarations, drops comments, keeps a union() body whole', () => {
    const source = [
      "@description('see https://learn.microsoft.com')",
      'param required string',
      'var settings = union({ // NOT_A_KEY: 1',
      "  A_SETTING: 'https://x/${required}'",
      '  // COMMENTED: 1',
      '}, empty(required) ? {} : {',
      '  CONDITIONAL: required',
      '})',
      '',
      "module roles 'modules/x-roles.bicep' = if (!empty(required)) {",
      '  params: { principalId: required }',
      '}',
    ].join('\n');
    const declarations = bicepDeclarations(source);
    expect([...declarations.keys()]).toEqual(['param required', 'var settings', 'module roles']);
    expect(declarations.get('var settings')!.body).toBe(
      "  A_SETTING: 'https://x/${required}'\n  \n}, empty(required) ? {} : {\n  CONDITIONAL: required\n})\n\n",
    );
    expect(declarations.get('module roles')!.head).toBe(
      "module roles 'modules/x-roles.bicep' = if (!empty(required)) {",
    );
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
    expect(settingsReadIn(source)).toEqual([
      'BRACKET_READ',
      'DIRECT_READ',
      'HELPER_READ',
      'HELPER_TWO',
      'PARAM_BRACKET',
      'PARAM_READ',
    ]);
  });

  test('finds imported packages (scoped, deep, require), not relative ones', () => {
    const source =
      "import { TableClient } from '@azure/data-tables';\nimport x from './local';\nconst q = require('@azure/storage-queue');\nimport type { Y } from 'ws/lib/x';";
    expect(importedPackagesIn(source)).toEqual(['@azure/data-tables', '@azure/storage-queue', 'ws']);
  });
});

describe('each check catches its drift', () => {
  let copy: string;

  beforeEach(() => {
    copy = mkdtempSync(join(tmpdir(), 'infra-check-'));
    for (const path of ['infra', 'azure.yaml', 'functions/src', 'webjob/src', 'shared/src', 'bigchaindb/src']) {
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

  function problems(): Promise<string[]> {
    return checkInfra(copy);
  }

  test('the unmodified copy passes (baseline for the mutations below)', async () => {
    expect(await problems()).toEqual([]);
  });

  test('a setting the WebJob reads but the Bicep does not set', async () => {
    edit('infra/modules/webjob-app.bicep', (t) => t.replace('  LEDGER_API_URL: ledgerApiUrl\n', ''));
    expect(await problems()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/webjob: .*reads LEDGER_API_URL, which modules\/webjob-app\.bicep does not set/),
      ]),
    );
  });

  test('a new setting in the code that nobody set or documented', async () => {
    writeFileSync(join(copy, 'functions/src/new-setting.ts'), 'export const x = process.env.SHINY_NEW_SETTING;\n');
    expect(await problems()).toEqual([
      expect.stringMatching(/functions: functions\/src\/new-setting\.ts reads SHINY_NEW_SETTING/),
    ]);
  });

  test('a new WEBJOB_* tuning knob may stay at its code default', async () => {
    writeFileSync(
      join(copy, 'webjob/src/new-knob.ts'),
      "export const knob = (env: Record<string, string | undefined>) => int(env, 'WEBJOB_NEW_KNOB', 5, 1, 10);\ndeclare function int(env: unknown, name: string, fallback: number, min: number, max: number): number;\n",
    );
    expect(await problems()).toEqual([]);
  });

  test('a setting the Bicep sets that no code reads', async () => {
    edit('infra/modules/function-app.bicep', (t) =>
      t.replace('  RATE_TABLE: rateTable\n', "  RATE_TABLE: rateTable\n  FORGOTTEN_SETTING: '1'\n"),
    );
    expect(await problems()).toEqual([
      expect.stringMatching(/functions: .*sets FORGOTTEN_SETTING, which the code never reads/),
    ]);
  });

  test('a secret as a plain app setting instead of a Key Vault reference', async () => {
    edit('infra/modules/webjob-app.bicep', (t) =>
      t.replace(
        "WEBHOOK_FUNCTION_KEY: '@Microsoft.KeyVault(SecretUri=${webjobFunctionKeyUri})'",
        "WEBHOOK_FUNCTION_KEY: 'plain-text-key'",
      ),
    );
    expect(await problems()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/WEBHOOK_FUNCTION_KEY carries a secret and must be a Key Vault reference/),
      ]),
    );
  });

  test('a role the code needs is missing', async () => {
    edit('infra/main.bicep', (t) =>
      t.replace(
        '      roleIds.storageTableDataContributor\n      roleIds.storageQueueDataContributor\n',
        '      roleIds.storageTableDataContributor\n',
      ),
    );
    expect(await problems()).toEqual([
      expect.stringMatching(
        /webjob \(webjobIdentity\) needs Storage Queue Data Contributor \(webjob\/src\/.* imports @azure\/storage-queue\)/,
      ),
    ]);
  });

  test('a role nothing needs (least privilege)', async () => {
    edit('infra/main.bicep', (t) =>
      t.replace(
        '      roleIds.storageBlobDataOwner\n      roleIds.storageTableDataContributor\n',
        '      roleIds.storageBlobDataOwner\n      roleIds.storageTableDataContributor\n      roleIds.storageBlobDataContributor\n',
      ),
    );
    expect(await problems()).toEqual([
      expect.stringMatching(/functions \(functionIdentity\) is assigned Storage Blob Data Contributor, which nothing/),
    ]);
  });

  test('a role id that is not the built-in role it claims', async () => {
    edit('infra/main.bicep', (t) =>
      t.replace(
        "storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'",
        "storageTableDataContributor: '00000000-0000-0000-0000-000000000000'",
      ),
    );
    expect(await problems()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/roleIds\.storageTableDataContributor = .* is not a known built-in role id/),
      ]),
    );
  });

  test('azure.yaml deploying a folder the packaging step does not produce', async () => {
    edit('azure.yaml', (t) => t.replace('dist: .packages/webjob-site', 'dist: .packages/webjob'));
    expect(await problems()).toEqual([
      expect.stringMatching(
        /service webjob: dist \.packages\/webjob is not the folder npm run package stages for appservice/,
      ),
    ]);
  });

  test('the WebJob deployed under a name the package does not use', async () => {
    edit('infra/main.bicep', (t) => t.replace("var webjobName = 'ledger-bridge'", "var webjobName = 'bridge'"));
    expect(await problems()).toEqual(["main.bicep var webjobName is bridge, the package layout uses 'ledger-bridge'"]);
  });

  test('deploy.sh reading an output the template does not have', async () => {
    edit('infra/deploy.sh', (t) => t.replace('KEY_VAULT="$(output KEY_VAULT_NAME)"', 'KEY_VAULT="$(output KEYVAULT)"'));
    expect(await problems()).toEqual(['deploy.sh reads output KEYVAULT, which main.bicep does not define']);
  });
});
