// What a component's TypeScript reads from its environment and which Azure SDKs it imports, found
// by scanning the sources. Recognised forms: process.env.NAME, process.env['NAME'], env.NAME,
// env['NAME'] and helper calls whose first argument is the environment: read(env, 'NAME', ...).
import { promises as fs } from 'node:fs';
import { join, relative } from 'node:path';

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (
      entry.isFile() &&
      entry.name.endsWith('.ts') &&
      !entry.name.endsWith('.d.ts') &&
      !entry.name.endsWith('.test.ts')
    )
      files.push(join(entry.parentPath, entry.name));
  }
  return files.sort();
}

/** Drops comments (so documentation that mentions process.env.X does not count as a read). */
export function stripTsComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const SETTING = '([A-Z][A-Z0-9_]*(?:__[A-Za-z]+)?)';
const READ_PATTERNS = [
  new RegExp(`\\bprocess\\.env\\.${SETTING}`, 'g'),
  new RegExp(`\\bprocess\\.env\\[\\s*['"\`]${SETTING}['"\`]\\s*\\]`, 'g'),
  new RegExp(`\\benv\\.${SETTING}\\b`, 'g'),
  new RegExp(`\\benv\\[\\s*['"\`]${SETTING}['"\`]\\s*\\]`, 'g'),
  new RegExp(`\\(\\s*(?:process\\.)?env\\s*,\\s*['"\`]${SETTING}['"\`]`, 'g'),
];

export function settingsReadIn(source: string): string[] {
  const code = stripTsComments(source);
  const names = new Set<string>();
  for (const pattern of READ_PATTERNS) for (const match of code.matchAll(pattern)) names.add(match[1]!);
  return [...names].sort();
}

export function importedPackagesIn(source: string): string[] {
  const code = stripTsComments(source);
  const names = new Set<string>();
  for (const match of code.matchAll(/\b(?:from|import|require\()\s*['"]((?:@[^/'"]+\/)?[^/'".][^/'"]*)/g))
    names.add(match[1]!);
  return [...names].sort();
}

export interface ComponentScan {
  settings: Map<string, string[]>; // name -> files reading it
  imports: Map<string, string[]>; // package -> files importing it
}

export async function scanComponent(repoRoot: string, sourceDirs: readonly string[]): Promise<ComponentScan> {
  const settings = new Map<string, string[]>();
  const imports = new Map<string, string[]>();
  for (const dir of sourceDirs) {
    for (const file of await sourceFiles(join(repoRoot, dir))) {
      const source = await fs.readFile(file, 'utf8');
      const rel = relative(repoRoot, file);
      for (const name of settingsReadIn(source)) settings.set(name, [...(settings.get(name) ?? []), rel]);
      for (const name of importedPackagesIn(source)) imports.set(name, [...(imports.get(name) ?? []), rel]);
    }
  }
  return { settings, imports };
}
