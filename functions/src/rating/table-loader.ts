// Loads and validates rate tables: protected attributes first (named by path even when the rest is
// malformed), then structure (zod), then the cross-field rules, then the versions of the set.
import { type z } from 'zod';
import { canonicalJson, sha256Hex } from './canonical-json';
import { findProtectedAttributes } from './protected-attributes';
import { RateTableSchema, type RateTable, type RateTableSet } from './table-schema';
import { checkTableRules, type TableIssue } from './table-rules';
import { RateTableError } from './types';
import usIllustrative from './tables/us-illustrative.2025.07.0.json';
import euBonusMalusIllustrative from './tables/eu-bonus-malus-illustrative.2025.07.0.json';

export type BuiltInRateTableId = 'us-illustrative' | 'eu-bonus-malus-illustrative';
const BUILT_IN_JSON: Record<BuiltInRateTableId, readonly unknown[]> = {
  'us-illustrative': [usIllustrative],
  'eu-bonus-malus-illustrative': [euBonusMalusIllustrative],
};
/** Ids accepted by builtInRateTableSet (typed as plain strings so configuration can test membership). */
export const BUILT_IN_RATE_TABLES: readonly string[] = Object.keys(BUILT_IN_JSON);

export function isBuiltInRateTableId(id: string): id is BuiltInRateTableId {
  return BUILT_IN_RATE_TABLES.includes(id);
}

function zodPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out === '' ? String(key) : `${out}.${String(key)}`),
    '',
  );
}

function zodIssues(error: z.ZodError): TableIssue[] {
  return error.issues.map((issue) => ({ path: zodPath(issue.path), message: issue.message }));
}

/** Validates one table version; issue paths are prefixed with `prefix` (e.g. "[1]" inside a set of several versions). */
export function parseRateTable(json: unknown, prefix = ''): { table: RateTable; sha256: string } {
  const join = (path: string): string => (prefix === '' ? path : path === '' ? prefix : `${prefix}.${path}`);
  const withPrefix = (issues: TableIssue[]): TableIssue[] => issues.map((i) => ({ ...i, path: join(i.path) }));
  const protectedPaths = findProtectedAttributes(json);
  if (protectedPaths.length > 0) {
    throw new RateTableError(
      withPrefix(
        protectedPaths.map((path) => ({
          path,
          message:
            'protected attribute (sex/gender, marital status, credit score, occupation, education, home ownership, race, religion, national origin) must not be rated on',
        })),
      ),
    );
  }
  const parsed = RateTableSchema.safeParse(json);
  if (!parsed.success) throw new RateTableError(withPrefix(zodIssues(parsed.error)));
  const issues = checkTableRules(parsed.data);
  if (issues.length > 0) throw new RateTableError(withPrefix(issues));
  return { table: parsed.data, sha256: sha256Hex(canonicalJson(json)) };
}

/** Validates every version of one table id: same id and currency, distinct versions, effective ranges that neither overlap nor leave a gap. */
export function loadRateTableSet(json: unknown[]): RateTableSet {
  if (!Array.isArray(json) || json.length === 0)
    throw new RateTableError([{ path: '', message: 'expected a non-empty array of rate-table versions' }]);
  // A one-version set names paths from the table root; a larger one prefixes the version's index.
  const versions = json.map((item, index) => ({ ...parseRateTable(item, json.length > 1 ? `[${index}]` : ''), index }));
  const issues: TableIssue[] = [];
  const first = versions[0]!.table;
  versions.forEach(({ table }, index) => {
    if (table.id !== first.id)
      issues.push({
        path: `[${index}].id`,
        message: `"${table.id}" differs from "${first.id}": a set holds versions of one table`,
      });
    if (table.currency !== first.currency)
      issues.push({ path: `[${index}].currency`, message: `${table.currency} differs from ${first.currency}` });
    if (versions.findIndex((v) => v.table.version === table.version) !== index)
      issues.push({ path: `[${index}].version`, message: `duplicate version ${table.version}` });
  });
  const ordered = [...versions].sort((a, b) =>
    a.table.effectiveFrom < b.table.effectiveFrom
      ? -1
      : a.table.effectiveFrom > b.table.effectiveFrom
        ? 1
        : a.index - b.index,
  );
  for (let i = 1; i < ordered.length; i += 1) {
    const previous = ordered[i - 1]!.table;
    const current = ordered[i]!;
    if (previous.effectiveTo === null || previous.effectiveTo > current.table.effectiveFrom) {
      issues.push({
        path: `[${current.index}].effectiveFrom`,
        message: `version ${current.table.version} (from ${current.table.effectiveFrom}) overlaps version ${previous.version} (to ${previous.effectiveTo ?? 'open-ended'})`,
      });
    } else if (previous.effectiveTo < current.table.effectiveFrom) {
      // A lease crossing the gap could not be priced: refused here rather than when an event arrives.
      issues.push({
        path: `[${current.index}].effectiveFrom`,
        message: `version ${current.table.version} starts ${current.table.effectiveFrom}, leaving a gap after version ${previous.version} (to ${previous.effectiveTo}): versions must follow each other`,
      });
    }
  }
  if (issues.length > 0) throw new RateTableError(issues);
  return { id: first.id, versions: ordered.map(({ table, sha256 }) => ({ table, sha256 })) };
}

export function builtInRateTableSet(id: BuiltInRateTableId): RateTableSet {
  const json = BUILT_IN_JSON[id];
  if (json === undefined)
    throw new RateTableError([
      { path: '', message: `unknown built-in rate table "${String(id)}"; one of ${BUILT_IN_RATE_TABLES.join(', ')}` },
    ]);
  return loadRateTableSet([...json]);
}
