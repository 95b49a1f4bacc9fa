// What moved a premium: compares two rating breakdowns factor by factor (pure, for the demo table
// and its tests). A factor is identified by its name; the same factor on several coverages is
// shown once when it moved the same way on each.
import type { BreakdownLine } from './back-office-client';

export interface FactorMove {
  factor: string;
  from: string | undefined;
  to: string | undefined;
  /** The driver fact or table row it came from (the newer side when both exist). */
  source: string | undefined;
}

function factorLines(breakdown: readonly BreakdownLine[]): Map<string, BreakdownLine> {
  const byFactor = new Map<string, BreakdownLine>();
  for (const line of breakdown) {
    if (line.factor === undefined) continue;
    // The first line per factor (coverages in table order) represents it.
    if (!byFactor.has(line.factor)) byFactor.set(line.factor, line);
  }
  return byFactor;
}

function sourceOf(line: BreakdownLine | undefined): string | undefined {
  return line?.source.driverFact ?? line?.source.tableRow ?? line?.source.note;
}

/** Distance of a factor value from "no effect" (1), so the biggest movers come first. */
function weight(value: string | undefined): number {
  const number = Number(value);
  return Number.isFinite(number) && number > 0 ? Math.abs(Math.log(number)) : 0;
}

/**
 * Factors whose value differs between `before` and `after`, biggest change first. With no
 * `before` (first premium of a lessee), the factors that differ from 1 and come from driver facts.
 */
export function factorMoves(
  before: readonly BreakdownLine[] | undefined,
  after: readonly BreakdownLine[],
  limit = 3,
): FactorMove[] {
  const next = factorLines(after);
  if (before === undefined) {
    return [...next.values()]
      .filter((line) => line.source.driverFact !== undefined && Number(line.value) !== 1)
      .sort((a, b) => weight(b.value) - weight(a.value))
      .slice(0, limit)
      .map((line) => ({ factor: line.factor!, from: undefined, to: line.value, source: sourceOf(line) }));
  }
  const previous = factorLines(before);
  const names = new Set([...previous.keys(), ...next.keys()]);
  const moves: Array<FactorMove & { size: number }> = [];
  for (const name of names) {
    const a = previous.get(name);
    const b = next.get(name);
    if (a?.value === b?.value) continue;
    moves.push({
      factor: name,
      from: a?.value,
      to: b?.value,
      source: sourceOf(b ?? a),
      size: Math.abs(weight(b?.value) - weight(a?.value)) || 0.0001,
    });
  }
  return moves
    .sort((x, y) => y.size - x.size)
    .slice(0, limit)
    .map(({ size: _size, ...move }) => move);
}

/** "USD 1,234.56" from integer minor units (two decimals, which every demo currency uses). */
export function formatMoney(minor: number | undefined, currency: string): string {
  if (minor === undefined) return '—';
  const major = (minor / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${currency} ${major}`;
}

export function formatFactorMove(move: FactorMove): string {
  const value = (v: string | undefined): string => (v === undefined ? '–' : `×${trimDecimal(v)}`);
  const arrow = move.from === undefined ? value(move.to) : `${value(move.from)}→${value(move.to)}`;
  return `${move.factor} ${arrow}`;
}

function trimDecimal(value: string): string {
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}
