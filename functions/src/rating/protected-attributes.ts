// Attributes the tables must never rate on: excluded by law in several
// jurisdictions (sex: EU Test-Achats and California; marital status, home ownership, education,
// occupation and credit: Michigan's 2019 reform; race, religion, national origin everywhere) or
// contested. Found anywhere in a table -> rejected.

/** Single words that mark a protected attribute inside a key ("driverGender", "marital_status"). */
const PROTECTED_WORDS = new Set([
  'sex',
  'gender',
  'marital',
  'credit',
  'occupation',
  'profession',
  'job',
  'education',
  'degree',
  'homeowner',
  'homeownership',
  'race',
  'ethnicity',
  'ethnic',
  'religion',
  'nationality',
  'citizenship',
]);
/** Multi-word names, compared with separators removed ("national origin", "home-ownership"). */
const PROTECTED_COMPOUNDS = ['maritalstatus', 'creditscore', 'insurancescore', 'homeownership', 'nationalorigin'];

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

/** Whether a JSON key names a protected attribute. */
export function isProtectedKey(key: string): boolean {
  const parts = words(key);
  const joined = parts.join('');
  return parts.some((word) => PROTECTED_WORDS.has(word)) || PROTECTED_COMPOUNDS.some((c) => joined.includes(c));
}

/** Whether a string value is exactly a protected attribute's name (e.g. a factor keyed on "gender"). */
export function isProtectedValue(value: string): boolean {
  const parts = words(value);
  if (parts.length === 0 || parts.length > 3) return false;
  const joined = parts.join('');
  return PROTECTED_WORDS.has(joined) || PROTECTED_COMPOUNDS.includes(joined);
}

/** JSON paths (e.g. `factors.gender`) of every protected key or value in a parsed JSON document. */
export function findProtectedAttributes(json: unknown, path = ''): string[] {
  if (typeof json === 'string') return isProtectedValue(json) ? [path] : [];
  if (Array.isArray(json)) return json.flatMap((item, index) => findProtectedAttributes(item, `${path}[${index}]`));
  if (json === null || typeof json !== 'object') return [];
  return Object.entries(json as Record<string, unknown>).flatMap(([key, value]) => {
    const childPath = path === '' ? key : `${path}.${key}`;
    return [...(isProtectedKey(key) ? [childPath] : []), ...findProtectedAttributes(value, childPath)];
  });
}
