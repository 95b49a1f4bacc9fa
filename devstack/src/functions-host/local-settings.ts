// `local.settings.json`, read the way Azure Functions Core Tools read it (AppSettingsFile.cs and
// StartHostAction.UpdateEnvironmentVariables in
// https://github.com/Azure/azure-functions-core-tools/tree/main/src/Cli/func): only that file, never
// an example next to it; a missing "IsEncrypted" means encrypted; an environment variable that is
// set and not empty wins over the file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const localSettingsFileName = 'local.settings.json';

const settingValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const localSettingsSchema = z.object({
  IsEncrypted: z.boolean().optional(),
  Values: z.record(z.string(), settingValue).optional(),
  Host: z
    .object({
      LocalHttpPort: z.number().int().min(0).max(65535).optional(),
      CORS: z.string().optional(),
      CORSCredentials: z.boolean().optional(),
    })
    .loose()
    .optional(),
  ConnectionStrings: z.record(z.string(), z.unknown()).optional(),
});

export interface LocalSettings {
  /** The file read, or undefined when the app root has no local.settings.json. */
  file: string | undefined;
  values: Record<string, string>;
  localHttpPort: number | undefined;
}

/** What to tell someone whose app root has no local.settings.json (Core Tools then read no values). */
export function missingSettingsAdvice(appRoot: string): string {
  const example = join(appRoot, `${localSettingsFileName}.example`);
  const copy = existsSync(example)
    ? `copy ${localSettingsFileName}.example to ${localSettingsFileName}`
    : `create ${localSettingsFileName}`;
  return `No ${localSettingsFileName} in ${appRoot}: only the environment configures the app. To set local values, ${copy} (it is git-ignored; Core Tools read no other file).`;
}

/**
 * Reads `<appRoot>/local.settings.json`. Core Tools treat a file without `"IsEncrypted": false` as
 * encrypted with a machine key (`func settings encrypt`) and fail to decrypt plain values; this host
 * cannot decrypt either, so such a file is refused with what to change. Empty values need no
 * decryption, as in Core Tools.
 */
export function readLocalSettings(appRoot: string): LocalSettings {
  const file = join(appRoot, localSettingsFileName);
  if (!existsSync(file)) return { file: undefined, values: {}, localHttpPort: undefined };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = localSettingsSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is invalid: ${z.prettifyError(parsed.error)}`);
  const values: Record<string, string> = {};
  // Core Tools skip a null value ("value is null") and set an empty one.
  for (const [name, value] of Object.entries(parsed.data.Values ?? {}))
    if (value !== null) values[name] = String(value);
  const encrypted = parsed.data.IsEncrypted ?? true;
  if (encrypted && Object.values(values).some((value) => value !== '')) {
    const why =
      parsed.data.IsEncrypted === undefined
        ? 'has no "IsEncrypted" (Core Tools then read its values as encrypted)'
        : 'has "IsEncrypted": true';
    throw new Error(
      `${file} ${why}; this host cannot decrypt values. Add "IsEncrypted": false and plain values (or run \`func settings decrypt\`).`,
    );
  }
  return { file, values, localHttpPort: parsed.data.Host?.LocalHttpPort };
}

/**
 * Copies settings into `env` as Core Tools do: a variable that is already set to a non-empty value
 * wins (Core Tools print "Skipping ... already defined"); an unset or empty one takes the file's
 * value. Returns the names applied.
 */
export function applySettings(values: Record<string, string>, env: NodeJS.ProcessEnv): string[] {
  const applied: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (name === '' || (env[name] ?? '') !== '') continue;
    env[name] = value;
    applied.push(name);
  }
  return applied;
}
