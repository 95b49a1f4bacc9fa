import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** One host-level function key (valid for every `function` function) and the master key (`_master`). */
export interface FunctionKeys {
  functionKey: string;
  masterKey: string;
}

export type KeysSource = 'options' | 'environment' | 'file' | 'generated';

const keySchema = z
  .string()
  .min(16, 'must be at least 16 characters')
  .regex(/^[A-Za-z0-9_\-=.~]+$/, 'must be URL-safe (letters, digits, _ - = . ~)');
const keysFileSchema = z.object({ functionKey: keySchema, masterKey: keySchema });

export function generateKey(): string {
  return randomBytes(32).toString('base64url');
}

export function validateKeys(keys: FunctionKeys, where: string): FunctionKeys {
  const parsed = keysFileSchema.safeParse(keys);
  if (!parsed.success) throw new Error(`Invalid function keys from ${where}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * Keys come from (first found): explicit keys, the environment, the per-machine keys file; otherwise
 * they are generated and saved there (mode 0600) so the same machine keeps the same keys. A keys file
 * that cannot be read or parsed is an error, never silently replaced.
 */
export function resolveKeys(
  explicit: FunctionKeys | undefined,
  fromEnvironment: Partial<FunctionKeys>,
  keysFile: string,
): { keys: FunctionKeys; source: KeysSource } {
  if (explicit) return { keys: validateKeys(explicit, 'options.keys'), source: 'options' };
  if (fromEnvironment.functionKey !== undefined || fromEnvironment.masterKey !== undefined) {
    if (fromEnvironment.functionKey === undefined || fromEnvironment.masterKey === undefined) {
      throw new Error('Set both FUNCTIONS_LOCAL_FUNCTION_KEY and FUNCTIONS_LOCAL_MASTER_KEY, or neither');
    }
    return {
      keys: validateKeys(fromEnvironment as FunctionKeys, 'FUNCTIONS_LOCAL_FUNCTION_KEY/FUNCTIONS_LOCAL_MASTER_KEY'),
      source: 'environment',
    };
  }
  let text: string | undefined;
  try {
    text = readFileSync(keysFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`Cannot read keys file ${keysFile}: ${(error as Error).message}`);
  }
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`Keys file ${keysFile} is not JSON; fix or delete it to generate new keys`);
    }
    const parsed = keysFileSchema.safeParse(json);
    if (!parsed.success)
      throw new Error(
        `Keys file ${keysFile} is invalid (${z.prettifyError(parsed.error)}); fix or delete it to generate new keys`,
      );
    return { keys: parsed.data, source: 'file' };
  }
  const keys: FunctionKeys = { functionKey: generateKey(), masterKey: generateKey() };
  mkdirSync(dirname(keysFile), { recursive: true });
  const temporary = `${keysFile}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, keysFile);
  return { keys, source: 'generated' };
}

function sameKey(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type AuthLevel = 'anonymous' | 'function' | 'admin';

/**
 * Host authorization: `anonymous` lets everything through; `function` accepts the function (host)
 * key or the master key; `admin` only the master key. The key comes from `x-functions-key`, else `?code=`.
 */
export function isAuthorized(level: AuthLevel, presentedKey: string | undefined, keys: FunctionKeys): boolean {
  if (level === 'anonymous') return true;
  if (presentedKey === undefined || presentedKey === '') return false;
  if (sameKey(presentedKey, keys.masterKey)) return true;
  return level === 'function' && sameKey(presentedKey, keys.functionKey);
}
