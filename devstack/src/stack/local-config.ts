// The per-machine local configuration: secrets and keys generated on the first `npm start`, kept in
// the git-ignored .devstack/ folder and reused on every later start, so stored state (webhook
// deliveries, trusted leasing company) stays valid across restarts. Never committed, local only.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Ed25519Keypair } from 'bigchaindb-driver';
import { z } from 'zod';

export const LOCAL_CONFIG_SCHEMA = 'lease-premium/devstack-local-config@1';

const KeyPair = z.object({
  publicKey: z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/),
  privateKey: z.string().regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/),
});
export type KeyPair = z.infer<typeof KeyPair>;

export const LocalConfig = z.object({
  schema: z.literal(LOCAL_CONFIG_SCHEMA),
  createdAt: z.string(),
  /**
   * Standard Webhooks secret shared by the WebJob (signs) and the Function App (verifies); during a
   * rotation, the old and the new one, space-separated (each part reads it when it starts).
   */
  webhookSecret: z.string().regex(/^whsec_[A-Za-z0-9+/]+={0,2}( whsec_[A-Za-z0-9+/]+={0,2})*$/),
  /** Function-level key for the Function App's `authLevel: 'function'` routes. */
  functionKey: z.string().min(32),
  /** Host master key (admin level) of the local Functions host. */
  masterKey: z.string().min(32),
  /** The local leasing company: issues the demo's cars; the WebJob trusts its public key. */
  leasingCompany: KeyPair,
});
export type LocalConfig = z.infer<typeof LocalConfig>;

export function generateLocalConfig(now = new Date()): LocalConfig {
  const company = new Ed25519Keypair();
  return {
    schema: LOCAL_CONFIG_SCHEMA,
    createdAt: now.toISOString(),
    webhookSecret: `whsec_${randomBytes(32).toString('base64')}`,
    functionKey: randomBytes(40).toString('base64url'),
    masterKey: randomBytes(40).toString('base64url'),
    leasingCompany: { publicKey: company.publicKey, privateKey: company.privateKey },
  };
}

/**
 * Reads `<dir>/local-config.json`, or generates and writes it (mode 0600) when absent.
 * A file that exists but does not parse is an error naming the file, never silently replaced:
 * replacing it would orphan the stored state that depends on its keys.
 */
export async function loadOrCreateLocalConfig(
  dir: string,
): Promise<{ config: LocalConfig; created: boolean; file: string }> {
  const file = path.join(dir, 'local-config.json');
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new Error(
        `${file} is not valid JSON (${(error as Error).message}); fix it or delete .devstack/ to start over`,
      );
    }
    const parsed = LocalConfig.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new Error(
        `${file} is not a valid local configuration (${issues}); fix it or delete .devstack/ to start over`,
      );
    }
    return { config: parsed.data, created: false, file };
  }
  const config = generateLocalConfig();
  await mkdir(dir, { recursive: true });
  await writeFile(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return { config, created: true, file };
}
