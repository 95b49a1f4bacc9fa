// infra/deploy.sh's own logic, run for real with bash against a stand-in `az` (tests/deploy/fake-az/az:
// Azure itself cannot run here). What matters: input is validated before Azure is touched; a first
// deployment generates the secrets and a second keeps them; secrets never reach a command line;
// --what-if changes nothing; the code stage deploys the zips to the apps the infra outputs name.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../..');
const deploySh = join(repoRoot, 'infra', 'deploy.sh');
const fakeAzDir = join(__dirname, 'fake-az');
const ledgerKey = '4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS';
const required = ['--resource-group', 'rg-test', '--location', 'westeurope', '--ledger-url', 'https://ledger.example.com/api/v1/', '--leasing-company-keys', ledgerKey];

interface FakeState {
  groups: Record<string, { location: string }>;
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

function run(args: string[], extraEnv: Record<string, string> = {}): { status: number | null; output: string } {
  const result = spawnSync('bash', [deploySh, ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 60_000,
    // Only what the script needs: no AZURE_* or LEDGER_* from the developer's shell leak in.
    env: { PATH: `${fakeAzDir}:${process.env.PATH ?? ''}`, HOME: work, FAKE_AZ_STATE: statePath, DEPLOY_RETRY_SECONDS: '0', ...extraEnv },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
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
    [[...required.slice(0, 4), '--ledger-url', 'ftp://ledger', '--leasing-company-keys', ledgerKey], '--ledger-url must be an http(s) URL'],
    [[...required.slice(0, 6), '--leasing-company-keys', 'not-a-key!'], "'not-a-key!' is not a base58 ed25519 public key"],
    [[...required, '--webhook-secrets', 'plain-secret'], 'each secret must look like whsec_<base64>'],
    [[...required, '--bogus'], 'unknown argument: --bogus'],
  ] as const) {
    const result = run([...args]);
    expect({ status: result.status, message: result.output.includes(message) }).toEqual({ status: 1, message: true });
  }
  expect(existsSync(statePath)).toBe(false); // az was never called
});

test('first deployment generates both secrets; a second keeps them; secrets never appear on a command line', () => {
  const first = run([...required, '--skip-code', '--skip-smoke']);
  expect(first.status).toBe(0);
  const afterFirst = state();
  expect(afterFirst.groups['rg-test']).toEqual({ location: 'westeurope' });
  const params = afterFirst.deployments![0];
  const secrets = String(value(params, 'webhookSecrets'));
  const functionKey = String(value(params, 'webjobFunctionKey'));
  expect(secrets).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  expect(functionKey).toMatch(/^[A-Za-z0-9_-]{54}$/);
  expect(value(params, 'deployerPrincipalId')).toBe('11111111-2222-3333-4444-555555555555');
  expect(value(params, 'ledgerApiUrl')).toBe('https://ledger.example.com/api/v1/');
  expect(value(params, 'leasingCompanyPublicKeys')).toBe(ledgerKey);

  const second = run([...required, '--skip-code', '--skip-smoke']);
  expect(second.status).toBe(0);
  const afterSecond = state();
  expect(afterSecond.deployments).toHaveLength(2);
  expect(value(afterSecond.deployments![1], 'webhookSecrets')).toBe(''); // keep what Key Vault holds
  expect(value(afterSecond.deployments![1], 'webjobFunctionKey')).toBe('');
  expect(afterSecond.secrets).toEqual({ 'webhook-secrets': secrets, 'webjob-function-key': functionKey });
  expect(afterSecond.calls.filter((c) => c.args[0] === 'group' && c.args[1] === 'create')).toHaveLength(1);

  const everyArgument = afterSecond.calls.flatMap((c) => c.args).join('\n');
  expect(everyArgument).not.toContain(secrets);
  expect(everyArgument).not.toContain(functionKey);
  expect(`${first.output}${second.output}`).not.toContain(secrets);
});

test('--webhook-secrets replaces the stored list (rotation step)', () => {
  expect(run([...required, '--skip-code', '--skip-smoke']).status).toBe(0);
  const rotated = `whsec_${Buffer.alloc(32, 1).toString('base64')} whsec_${Buffer.alloc(32, 2).toString('base64')}`;
  expect(run([...required, '--skip-code', '--skip-smoke', '--webhook-secrets', rotated]).status).toBe(0);
  expect(state().secrets['webhook-secrets']).toBe(rotated);
});

test('--what-if previews and deploys nothing', () => {
  // what-if needs the group; the deploy workflow creates it in the step before.
  const missingGroup = run([...required, '--what-if']);
  expect(missingGroup.status).toBe(1);
  expect(missingGroup.output).toContain('does not exist; what-if needs it');

  writeFileSync(statePath, JSON.stringify({ groups: { 'rg-test': { location: 'westeurope' } }, secrets: {}, deployment: null, calls: [] }));
  const preview = run([...required, '--what-if']);
  expect(preview.status).toBe(0);
  expect(preview.output).toContain('(fake what-if)');
  expect(state().deployments).toBeUndefined();
  expect(value(state().whatIf, 'namePrefix')).toBe('leaseprem');
});

test('the code stage deploys both zips to the apps the last deployment named', () => {
  expect(run([...required, '--skip-code', '--skip-smoke']).status).toBe(0);
  const packages = join(work, 'artifact');
  const missing = run(['--resource-group', 'rg-test', '--skip-infra', '--skip-package', '--skip-smoke', '--packages-dir', packages]);
  expect(missing.status).toBe(1);
  expect(missing.output).toContain(`missing ${packages}/function-app.zip or webjob.zip`);

  spawnSync('mkdir', ['-p', packages]);
  writeFileSync(join(packages, 'function-app.zip'), 'zip');
  writeFileSync(join(packages, 'webjob.zip'), 'zip');
  const deployed = run(['--resource-group', 'rg-test', '--skip-infra', '--skip-package', '--skip-smoke', '--packages-dir', 'artifact']);
  expect(deployed.status).toBe(0);
  expect(state().functionZip).toEqual({ app: 'leaseprem-func-abc123', src: join(packages, 'function-app.zip') });
  expect(state().webjobZip).toEqual({ app: 'leaseprem-webjob-abc123', src: join(packages, 'webjob.zip') });
});

test('a failed infrastructure deployment is retried once, then reported', () => {
  const recovered = run([...required, '--skip-code', '--skip-smoke'], { FAKE_AZ_FAIL_CREATES: '1' });
  expect(recovered.status).toBe(0);
  expect(recovered.output).toContain('retrying once');
  expect(state().deployments).toHaveLength(1);

  rmSync(statePath);
  const failed = run([...required, '--skip-code', '--skip-smoke'], { FAKE_AZ_FAIL_CREATES: '2' });
  expect(failed.status).toBe(1);
  expect(failed.output).toContain('infrastructure deployment failed twice');
});

test('skipping the infrastructure without an earlier deployment fails clearly', () => {
  writeFileSync(statePath, JSON.stringify({ groups: {}, secrets: {}, deployment: null, calls: [] }));
  const result = run(['--resource-group', 'rg-test', '--skip-infra', '--skip-code', '--skip-smoke']);
  expect(result.status).toBe(1);
  expect(result.output).toContain("no deployment 'lease-premium' in rg-test: run without --skip-infra first");
});
