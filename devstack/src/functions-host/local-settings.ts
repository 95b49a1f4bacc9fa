import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const settingValue = z.union([z.string(), z.number(), z.boolean()]);
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
  /** The file read, or undefined when there is neither local.settings.json nor the example. */
  file: string | undefined;
  values: Record<string, string>;
  localHttpPort: number | undefined;
}

/** Reads `local.settings.json`, falling back to `local.settings.json.example`, as `func start` reads the former. */
export function readLocalSettings(appRoot: string): LocalSettings {
  const candidates = [join(appRoot, 'local.settings.json'), join(appRoot, 'local.settings.json.example')];
  const file = candidates.find((candidate) => existsSync(candidate));
  if (file === undefined) return { file: undefined, values: {}, localHttpPort: undefined };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = localSettingsSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is invalid: ${z.prettifyError(parsed.error)}`);
  if (parsed.data.IsEncrypted === true) throw new Error(`${file} has "IsEncrypted": true; this host cannot decrypt it (use plain values)`);
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.data.Values ?? {})) values[name] = String(value);
  return { file, values, localHttpPort: parsed.data.Host?.LocalHttpPort };
}

/** Copies settings into `env` without overriding variables that are already set. Returns the names applied. */
export function applySettings(values: Record<string, string>, env: NodeJS.ProcessEnv): string[] {
  const applied: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (env[name] === undefined) {
      env[name] = value;
      applied.push(name);
    }
  }
  return applied;
}
