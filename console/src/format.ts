// How the console writes money, dates and ledger keys.
const moneyFormats = new Map<string, Intl.NumberFormat>();

export function money(minor: number | undefined, currency: string | undefined): string {
  if (minor === undefined || !currency) return '—';
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  return format.format(minor / 100);
}

/** A decimal-string amount from the review API ("1234.50"). */
export function decimalMoney(amount: { amount: string; currency: string } | undefined): string {
  if (!amount) return '—';
  const minor = Math.round(Number(amount.amount) * 100);
  return Number.isFinite(minor) ? money(minor, amount.currency) : `${amount.amount} ${amount.currency}`;
}

export function dateTime(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

export function date(iso: string | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}

/** First and last characters of a ledger id or key: enough to tell them apart on screen. */
export function shortId(id: string, keep = 6): string {
  return id.length <= keep * 2 + 1 ? id : `${id.slice(0, keep)}…${id.slice(-4)}`;
}

export function ageSeconds(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  return `${Math.round(seconds / 3600)} h ago`;
}
