import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transaction } from 'bigchaindb-driver';
import { parseWebhookSecrets } from '@lease-premium/events';
import { loadOrCreateLocalConfig } from '../../src/stack/local-config';

describe('per-machine local configuration', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'devstack-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is generated once (private file), then reused unchanged on the next start', async () => {
    const first = await loadOrCreateLocalConfig(dir);
    expect(first.created).toBe(true);
    expect((await stat(first.file)).mode & 0o777).toBe(0o600);
    const second = await loadOrCreateLocalConfig(dir);
    expect(second.created).toBe(false);
    expect(second.config).toEqual(first.config);
  });

  it('holds a webhook secret the event package accepts and a leasing-company key pair that signs', async () => {
    const { config } = await loadOrCreateLocalConfig(dir);
    expect(parseWebhookSecrets(config.webhookSecret)).toEqual([config.webhookSecret]);
    expect(config.functionKey).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const tx = Transaction.makeCreateTransaction(
      { probe: 1 },
      { note: 'x' },
      [Transaction.makeOutput(Transaction.makeEd25519Condition(config.leasingCompany.publicKey))],
      config.leasingCompany.publicKey,
    );
    const signed = Transaction.signTransaction(tx, config.leasingCompany.privateKey);
    expect(signed.inputs[0]!.fulfillment).toEqual(expect.any(String));
  });

  it('never silently replaces a damaged file: the error names it', async () => {
    await writeFile(path.join(dir, 'local-config.json'), '{"schema":"lease-premium/devstack-local-config@1"}');
    await expect(loadOrCreateLocalConfig(dir)).rejects.toThrow(
      /local-config\.json is not a valid local configuration \(createdAt: /,
    );
    await writeFile(path.join(dir, 'local-config.json'), 'not json');
    await expect(loadOrCreateLocalConfig(dir)).rejects.toThrow(/local-config\.json is not valid JSON/);
    expect(await readFile(path.join(dir, 'local-config.json'), 'utf8')).toBe('not json');
  });
});
