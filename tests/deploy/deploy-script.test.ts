// infra/deploy.sh's own logic, run for real with bash against a stand-in `az` (tests/deploy/fake-az/az:
// Azure itself cannot run here). What matters: input and the az version are checked before Azure is
// touched; a first deployment generates the secrets and a second keeps them; secrets never reach a
// command line; a run that failed half-way is mended by the next; a soft-deleted vault, an existing
// group and a Key Vault role still propagating are handled; --what-if changes nothing; the code stage
// deploys the zips to the apps the infra outputs name.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../..');
const deploySh = join(repoRoot, 'infra', 'deploy.sh');
const fakeAzDir = join(__dirname, 'fake-az');
const ledgerKey = '4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS';
const required = [
  '--resource-group',
  'rg-test',
  '--location',
  'westeurope',
  '--ledger-url',
  'https://ledger.example.com/api/v1/',
  '--leasing-company-keys',
  ledgerKey,
];

interface FakeState {
  groups: Record<string, { location: string; tags?: string }>;
  vault?: 'live' | 'deleted';
  hostKeys?: Record<string, string>;
  reloads?: { app: string; webhookSecrets: string }[];
  secrets: Record<string, string>;
  calls: { args: string[] }[];
  deployments?: Record<string, { value: unknown }>[];
  whatIf?: Record<string, { value: unknown }>;
  functionZip?: { app: string; src: string };
  webjobZip?: { app: string; src: string };
}

let work: string;
let statePath: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'deploy-sh-'));
  statePath = join(work, 'az-state.json');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** Only what the script needs: no AZURE_* or LEDGER_* from the developer's shell leak in. */
function scriptEnv(extraEnv: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: `${fakeAzDir}:${process.env.PATH ?? ''}`,
    HOME: work,
    FAKE_AZ_STATE: statePath,
    DEPLOY_RETRY_SECONDS: '0',
    DEPLOY_RETRY_ATTEMPTS: '4',
    ...extraEnv,
  };
}

function run(args: string[], extraEnv: Record<string, string> = {}): { status: number | null; output: string } {
  const result = spawnSync('bash', [deploySh, ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 60_000,
    env: scriptEnv(extraEnv),
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** As run(), without blocking the event loop (for tests that serve HTTP to the script). */
function runAsync(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolveRun) => {
    const child = spawn('bash', [deploySh, ...args], {
      cwd: work,
      env: scriptEnv(extraEnv),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (status) => resolveRun({ status, output }));
  });
}

function state(): FakeState {
  return JSON.parse(readFileSync(statePath, 'utf8')) as FakeState;
}

function value(params: Record<string, { value: unknown }> | undefined, name: string): unknown {
  return params?.[name]?.value;
}

test('rejects bad input before calling Azure', () => {
  for (const [args, message] of [
    [['--ledger-url', 'https://x', '--leasing-company-keys', ledgerKey], '--resource-group is required'],
    [[...required, '--name-prefix', 'Bad_Prefix'], '--name-prefix must be 3-11 lowercase letters/digits'],
    [
      [...required.slice(0, 4), '--ledger-url', 'ftp://ledger', '--leasing-company-keys', ledgerKey],
      '--ledger-url must be an http(s) URL',
    ],
    [
      [...required.slice(0, 6), '--leasing-company-keys', 'not-a-key!'],
      "'not-a-key!' is not a base58 ed25519 public key",
    ],
    [[...required, '--webhook-secrets', 'plain-secret'], 'each secret must look like whsec_<base64>'],
    [[...required, '--bogus'], 'unknown argument: --bogus'],
    [[...required, '--deleted-key-vault', 'ignore'], '--deleted-key-vault must be recover or purge'],
  ] as const) {
    const result = run([...args]);
    expect({ status: result.status, message: result.output.includes(message) }).toEqual({ status: 1, message: true });
  }
  expect(existsSync(statePath)).toBe(false); // az was never called
});

test('first deployment generates the webhook secret and the host key, stored in Key Vault; a second keeps them; secrets never appear on a command line', () => {
  const first = run([...required, '--skip-code', '--skip-smoke']);
  expect(first.status).toBe(0);
  const afterFirst = state();
  expect(afterFirst.groups['rg-test']).toEqual({ location: 'westeurope', tags: 'project=lease-premium' });
  const params = afterFirst.deployments![0];
  const secrets = String(value(params, 'webhookSecrets'));
  expect(secrets).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  expect(value(params, 'webjobFunctionKey')).toBe(''); // the host key step owns it, not the template
  const functionKey = afterFirst.hostKeys!.webjob!;
  expect(functionKey).toMatch(/^[A-Za-z0-9_-]{54}$/);
  expect(afterFirst.secrets).toEqual({ 'webhook-secrets': secrets, 'webjob-function-key': functionKey });
  expect(afterFirst.reloads!.map((r) => r.app)).toEqual(['leaseprem-webjob-abc123']);
  expect(value(params, 'deployerPrincipalId')).toBe('11111111-2222-3333-4444-555555555555');
  expect(value(params, 'ledgerApiUrl')).toBe('https://ledger.example.com/api/v1/');
  expect(value(params, 'leasingCompanyPublicKeys')).toBe(ledgerKey);

  const second = run([...required, '--skip-code', '--skip-smoke']);
  expect(second.status).toBe(0);
  expect(second.output).toContain('Key Vault holds the Function App');
  const afterSecond = state();
  expect(afterSecond.deployments).toHaveLength(2);
  expect(value(afterSecond.deployments![1], 'webhookSecrets')).toBe(''); // keep what Key Vault holds
  expect(afterSecond.secrets).toEqual({ 'webhook-secrets': secrets, 'webjob-function-key': functionKey });
  expect(afterSecond.hostKeys).toEqual({ webjob: functionKey });
  expect(afterSecond.reloads).toHaveLength(1); // nothing changed, nothing reloaded
  expect(afterSecond.calls.filter((c) => c.args[0] === 'group' && c.args[1] === 'create')).toHaveLength(1);
  // The vault token is taken right after login, before anything slow.
  expect(
    afterSecond.calls.findIndex((c) =>
      c.args.join(' ').startsWith('account get-access-token --resource https://vault.azure.net'),
    ),
  ).toBeLessThan(afterSecond.calls.findIndex((c) => c.args[0] === 'group'));

  const everyArgument = afterSecond.calls.flatMap((c) => c.args).join('\n');
  expect(everyArgument).not.toContain(secrets);
  expect(everyArgument).not.toContain(functionKey);
  expect(`${first.output}${second.output}`).not.toContain(secrets);
  expect(`${first.output}${second.output}`).not.toContain(functionKey);
});

test('a first run that fails at the host key is mended by the next run', () => {
  const failed = run([...required, '--skip-code', '--skip-smoke'], { FAKE_AZ_FAIL_KEY_SETS: '100' });
  expect(failed.status).toBe(1);
  expect(failed.output).toContain("creating host key 'webjob' failed (attempt 1); retrying in 0 s");
  expect(failed.output).toContain("could not create the host key 'webjob'");
  expect(state().secrets['webjob-function-key']).toBeUndefined();

  const rerun = run([...required, '--skip-code', '--skip-smoke']);
  expect(rerun.status).toBe(0);
  const after = state();
  expect(after.secrets['webjob-function-key']).toBe(after.hostKeys!.webjob);
  expect(after.reloads!.map((r) => r.app)).toEqual(['leaseprem-webjob-abc123']);
});

test('a Key Vault key that differs from the Function App key (an earlier half-failed run) is replaced by the real one', () => {
  expect(run([...required, '--skip-code', '--skip-smoke']).status).toBe(0);
  const real = state().hostKeys!.webjob!;
  const stale = {
    ...state(),
    secrets: { ...state().secrets, 'webjob-function-key': 'stale-key-the-host-never-had' },
    reloads: [],
  };
  writeFileSync(statePath, JSON.stringify(stale));
  const rerun = run([...required, '--skip-code', '--skip-smoke']);
  expect(rerun.status).toBe(0);
  expect(state().secrets['webjob-function-key']).toBe(real);
  expect(state().hostKeys).toEqual({ webjob: real }); // the host's key is the truth; not regenerated
  expect(state().reloads!.map((r) => r.app)).toEqual(['leaseprem-webjob-abc123']);
});

test('a host that is still starting is retried with backoff until it answers', () => {
  const result = run([...required, '--skip-code', '--skip-smoke'], { FAKE_AZ_HOST_DOWN: '3' });
  expect(result.status).toBe(0);
  expect(result.output).toContain(
    "reading the Function App's host keys (its host may still be starting) failed (attempt 3)",
  );
  expect(state().secrets['webjob-function-key']).toBe(state().hostKeys!.webjob);

  rmSync(statePath);
  const down = run([...required, '--skip-code', '--skip-smoke'], { FAKE_AZ_HOST_DOWN: '100' });
  expect(down.status).toBe(1);
  expect(down.output).toContain('failed 4 times');
  expect(down.output).toContain('never answered for its host keys');
});

test('a Key Vault role still propagating is waited for; any other vault error stops the run with its message', () => {
  const waited = run([...required, '--skip-code', '--skip-smoke'], { FAKE_AZ_VAULT_FORBIDDEN: '2' });
  expect(waited.status).toBe(0);
  expect(waited.output).toContain('waiting for Key Vault data access on leaseprem-kv-abc123 (attempt 2');

  const broken = run(['--resource-group', 'rg-test', '--skip-infra', '--skip-code'], {
    FAKE_AZ_VAULT_ERROR: '(BadParameter) something real',
  });
  expect(broken.status).toBe(1);
  expect(broken.output).toContain('(BadParameter) something real');
  expect(broken.output).toContain('cannot read webhook-secrets from leaseprem-kv-abc123');
  expect(broken.output).not.toContain('waiting for Key Vault');
});

test('a soft-deleted Key Vault from a teardown stops the run unless --deleted-key-vault recover or purge', () => {
  expect(run([...required, '--skip-code', '--skip-smoke']).status).toBe(0);
  const kept = state().secrets['webhook-secrets'];
  const tornDown = { ...state(), vault: 'deleted', deployment: null, deployments: [] };
  writeFileSync(statePath, JSON.stringify(tornDown));

  const stopped = run([...required, '--skip-code', '--skip-smoke']);
  expect(stopped.status).toBe(1);
  expect(stopped.output).toContain('Key Vault leaseprem-kv-abc123 of this group is soft-deleted');
  expect(stopped.output).toContain('--deleted-key-vault recover');
  expect(state().deployments).toEqual([]);

  const recovered = run([...required, '--skip-code', '--skip-smoke', '--deleted-key-vault', 'recover']);
  expect(recovered.status).toBe(0);
  expect(state().vault).toBe('live');
  expect(value(state().deployments![0], 'webhookSecrets')).toBe(''); // the recovered secret is kept
  expect(state().secrets['webhook-secrets']).toBe(kept);

  writeFileSync(statePath, JSON.stringify(tornDown));
  const purged = run([...required, '--skip-code', '--skip-smoke'], { DELETED_KEY_VAULT: 'purge' });
  expect(purged.status).toBe(0);
  expect(
    state().calls.some(
      (c) => c.args.join(' ') === 'keyvault purge --name leaseprem-kv-abc123 --location westeurope -o none',
    ),
  ).toBe(true);
  expect(state().secrets['webhook-secrets']).not.toBe(kept); // a fresh one
  expect(state().secrets['webhook-secrets']).toMatch(/^whsec_/);
});

test('an existing resource group keeps its tags and must be in the requested region', () => {
  writeFileSync(
    statePath,
    JSON.stringify({
      groups: { 'rg-test': { location: 'northeurope', tags: 'owner=finance' } },
      secrets: {},
      deployment: null,
      calls: [],
    }),
  );
  const elsewhere = run([...required, '--skip-code', '--skip-smoke']);
  expect(elsewhere.status).toBe(1);
  expect(elsewhere.output).toContain('resource group rg-test exists in northeurope, not in westeurope');
  expect(state().deployments).toBeUndefined();

  const same = run([
    ...required.slice(0, 2),
    '--location',
    'North Europe',
    ...required.slice(4),
    '--skip-code',
    '--skip-smoke',
  ]);
  expect(same.status).toBe(0);
  const noLocation = run([...required.slice(0, 2), ...required.slice(4), '--skip-code', '--skip-smoke']);
  expect(noLocation.status).toBe(0);
  expect(state().groups['rg-test']).toEqual({ location: 'northeurope', tags: 'owner=finance' });
  expect(state().calls.filter((c) => c.args[0] === 'group' && c.args[1] === 'create')).toEqual([]);
  expect(state().deployments!.map((d) => value(d, 'location'))).toEqual(['northeurope', 'northeurope']);
});

test('an az older than the stated minimum is refused before anything else', () => {
  const old = run([...required, '--skip-code', '--skip-smoke'], { FAKE_AZ_VERSION: '2.59.9' });
  expect(old.status).toBe(1);
  expect(old.output).toContain('Azure CLI 2.59.9 is too old: deploy.sh needs 2.60.0 or later');
  expect(state().calls.map((c) => c.args[0])).toEqual(['version']);
  expect(run([...required, '--skip-code', '--skip-smoke'], { FAKE_AZ_VERSION: '2.60.0' }).status).toBe(0);
});

test('--webhook-secrets replaces the stored list (rotation step)', () => {
  expect(run([...required, '--skip-code', '--skip-smoke']).status).toBe(0);
  const rotated = `whsec_${Buffer.alloc(32, 1).toString('base64')} whsec_${Buffer.alloc(32, 2).toString('base64')}`;
  expect(run([...required, '--skip-code', '--skip-smoke', '--webhook-secrets', rotated]).status).toBe(0);
  expect(state().secrets['webhook-secrets']).toBe(rotated);
});

test('--rotate-webhook-secret publishes old+new, then new alone, the Function App reading each list before the WebJob', async () => {
  expect(run([...required, '--skip-code', '--skip-smoke']).status).toBe(0);
  const old = state().secrets['webhook-secrets']!;
  writeFileSync(statePath, JSON.stringify({ ...state(), reloads: [] }));
  // The Function App's /api/health, which the rotation waits for after each reload.
  const server = createServer((request, response) =>
    response.writeHead(request.url === '/api/health' ? 200 : 404).end(),
  );
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const env = {
    ROTATION_SETTLE_SECONDS: '0',
    FUNCTION_APP_NAME: 'leaseprem-func-abc123',
    FUNCTION_APP_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    WEBJOB_APP_NAME: 'leaseprem-webjob-abc123',
    WEBJOB_NAME: 'ledger-bridge',
    KEY_VAULT_NAME: 'leaseprem-kv-abc123',
  };
  const rotated = await runAsync(['--resource-group', 'rg-test', '--rotate-webhook-secret'], env);
  server.close();
  expect(rotated.status).toBe(0);
  const fresh = state().secrets['webhook-secrets']!;
  expect(fresh).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  expect(fresh).not.toBe(old);
  expect(state().reloads).toEqual([
    { app: 'leaseprem-func-abc123', webhookSecrets: `${old} ${fresh}` },
    { app: 'leaseprem-webjob-abc123', webhookSecrets: `${old} ${fresh}` },
    { app: 'leaseprem-func-abc123', webhookSecrets: fresh },
    { app: 'leaseprem-webjob-abc123', webhookSecrets: fresh },
  ]);
  expect(state().deployments).toHaveLength(1); // no infrastructure or code step
  expect(
    state()
      .calls.flatMap((c) => c.args)
      .join('\n'),
  ).not.toContain(fresh.slice(6, 30));
});

test('--what-if previews and deploys nothing', () => {
  const missingGroup = run([...required, '--what-if']);
  expect(missingGroup.status).toBe(0);
  expect(missingGroup.output).toContain(
    'resource group rg-test does not exist: everything would be created in westeurope',
  );
  expect(state().groups).toEqual({});

  writeFileSync(
    statePath,
    JSON.stringify({ groups: { 'rg-test': { location: 'westeurope' } }, secrets: {}, deployment: null, calls: [] }),
  );
  const preview = run([...required, '--what-if']);
  expect(preview.status).toBe(0);
  expect(preview.output).toContain('(fake what-if)');
  expect(state().deployments).toBeUndefined();
  expect(value(state().whatIf, 'namePrefix')).toBe('leaseprem');
});

test('the code stage deploys both zips to the apps the last deployment named', () => {
  expect(run([...required, '--skip-code', '--skip-smoke']).status).toBe(0);
  const packages = join(work, 'artifact');
  const missing = run([
    '--resource-group',
    'rg-test',
    '--skip-infra',
    '--skip-package',
    '--skip-smoke',
    '--packages-dir',
    packages,
  ]);
  expect(missing.status).toBe(1);
  expect(missing.output).toContain(`missing ${packages}/function-app.zip or webjob.zip`);

  spawnSync('mkdir', ['-p', packages]);
  writeFileSync(join(packages, 'function-app.zip'), 'zip');
  writeFileSync(join(packages, 'webjob.zip'), 'zip');
  const deployed = run([
    '--resource-group',
    'rg-test',
    '--skip-infra',
    '--skip-package',
    '--skip-smoke',
    '--packages-dir',
    'artifact',
  ]);
  expect(deployed.status).toBe(0);
  expect(state().functionZip).toEqual({ app: 'leaseprem-func-abc123', src: join(packages, 'function-app.zip') });
  expect(state().webjobZip).toEqual({ app: 'leaseprem-webjob-abc123', src: join(packages, 'webjob.zip') });
});

test('a failed infrastructure deployment is retried with backoff, then reported', () => {
  const recovered = run([...required, '--skip-code', '--skip-smoke'], {
    FAKE_AZ_FAIL_CREATES: '2',
    DEPLOY_RETRY_SECONDS: '1',
  });
  expect(recovered.status).toBe(0);
  expect(recovered.output).toContain('infrastructure deployment failed (attempt 1); retrying in 1 s');
  expect(recovered.output).toContain('infrastructure deployment failed (attempt 2); retrying in 2 s');
  expect(state().deployments).toHaveLength(1);

  rmSync(statePath);
  const failed = run([...required, '--skip-code', '--skip-smoke'], { FAKE_AZ_FAIL_CREATES: '4' });
  expect(failed.status).toBe(1);
  expect(failed.output).toContain('infrastructure deployment failed 4 times');
  expect(failed.output).toContain('az deployment operation group list');
});

test('skipping the infrastructure without an earlier deployment fails clearly', () => {
  writeFileSync(statePath, JSON.stringify({ groups: {}, secrets: {}, deployment: null, calls: [] }));
  const result = run(['--resource-group', 'rg-test', '--skip-infra', '--skip-code', '--skip-smoke']);
  expect(result.status).toBe(1);
  expect(result.output).toContain("no deployment 'lease-premium' in rg-test: run without --skip-infra first");
});
