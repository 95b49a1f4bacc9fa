// GET /assets and /metadata search, modelled on the MongoDB `$text` query BigchainDB 2.2.2 runs
// (backend/localmongodb/query.py text_search: language english, case- and diacritic-insensitive, sorted by
// textScore, over a `$**` text index, so every string value of the document counts, its "id" included).
// Tokens are stemmed with the Snowball English stemmer (what MongoDB uses) after removing English stop words.
// Scoring follows MongoDB's per-field formula; exact score ties and MongoDB's own stop-word list may differ.
import { newStemmer } from 'snowball-stemmers';

/** The "language" values BigchainDB accepts (backend/schema.py VALID_LANGUAGES). */
export const VALID_LANGUAGES: ReadonlySet<string> = new Set([
  'danish',
  'dutch',
  'english',
  'finnish',
  'french',
  'german',
  'hungarian',
  'italian',
  'norwegian',
  'portuguese',
  'romanian',
  'russian',
  'spanish',
  'swedish',
  'turkish',
  'none',
  'da',
  'nl',
  'en',
  'fi',
  'fr',
  'de',
  'hu',
  'it',
  'nb',
  'pt',
  'ro',
  'ru',
  'es',
  'sv',
  'tr',
]);

// Snowball's English stop-word list (the family MongoDB's stop_words_english.txt comes from).
const STOP_WORDS = new Set(
  (
    'i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its ' +
    'itself they them their theirs themselves what which who whom this that these those am is are was were be been being ' +
    'have has had having do does did doing would should could ought a an the and but if or because as until while of at by ' +
    'for with about against between into through during before after above below to from up down in out on off over under ' +
    'again further then once here there when where why how all any both each few more most other some such no nor not only ' +
    'own same so than too very s t can will just don now'
  ).split(' '),
);

const stemmer = newStemmer('english');

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function words(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}_']+/u)
    .map((w) => w.replace(/^'+|'+$/g, ''))
    .filter((w) => w.length > 0);
}

function terms(text: string): string[] {
  return words(text)
    .filter((w) => !STOP_WORDS.has(w))
    .map((w) => stemmer.stem(w));
}

interface ParsedQuery {
  positive: string[];
  negative: Set<string>;
  phrases: string[];
}

/** $search syntax: space-separated terms (OR), "quoted phrases" (all required), -negated terms (excluded). */
function parseQuery(search: string): ParsedQuery {
  const phrases: string[] = [];
  const rest = search.replace(/"([^"]*)"?/g, (_m, phrase: string) => {
    if (phrase.trim()) phrases.push(fold(phrase));
    return ` ${phrase} `;
  });
  const positive: string[] = [];
  const negative = new Set<string>();
  for (const raw of rest.split(/\s+/)) {
    if (!raw) continue;
    if (raw.startsWith('-') && raw.length > 1) for (const t of terms(raw.slice(1))) negative.add(t);
    else positive.push(...terms(raw));
  }
  return { positive: [...new Set(positive)], negative, phrases };
}

function stringsOf(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsOf(v, out);
  return out;
}

/** MongoDB's textScore of one document, or 0 when it does not match the query. */
function score(doc: unknown, query: ParsedQuery): number {
  const fields = stringsOf(doc, []);
  if (query.phrases.length > 0) {
    const folded = fields.map(fold);
    if (!query.phrases.every((p) => folded.some((f) => f.includes(p)))) return 0;
  }
  let total = 0;
  let matched = query.phrases.length > 0 && query.positive.length === 0;
  for (const field of fields) {
    const tokens = terms(field);
    if (tokens.some((t) => query.negative.has(t))) return 0;
    const counts = new Map<string, number>();
    for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const term of query.positive) {
      const count = counts.get(term);
      if (!count) continue;
      matched = true;
      let freq = 0;
      for (let k = 0; k < count; k++) freq += 1 / 2 ** k; // repeated occurrences count less and less
      const coeff = (0.5 * count) / tokens.length + 0.5;
      const exact = fold(field) === term ? 1.1 : 1;
      total += freq * coeff * exact;
    }
  }
  return matched ? Math.max(total, Number.MIN_VALUE) : 0;
}

/** A searchable document, kept only as its rendered response JSON (parsed again per search, to keep memory low). */
export interface SearchDocument {
  text: string;
}

/** Documents matching `search`, best score first (ties in insertion order), at most `limit` (0 = all). */
export function textSearch<T extends SearchDocument>(docs: Iterable<T>, search: string, limit: number): T[] {
  const query = parseQuery(search);
  if (query.positive.length === 0 && query.phrases.length === 0) return [];
  const hits: { doc: T; score: number; order: number }[] = [];
  let order = 0;
  for (const doc of docs) {
    const s = score(JSON.parse(doc.text), query);
    if (s > 0) hits.push({ doc, score: s, order });
    order++;
  }
  hits.sort((a, b) => b.score - a.score || a.order - b.order);
  return (limit > 0 ? hits.slice(0, limit) : hits).map((h) => h.doc);
}
