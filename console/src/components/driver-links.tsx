import { shortId } from '../format';
import { href } from '../router';

/** Drivers are known by their ledger key only (the insurer's profile holds no name). */
export function DriverLinks({ keys }: { keys: readonly string[] }) {
  if (keys.length === 0) return <span class="muted">—</span>;
  return (
    <span class="driver-links">
      {keys.map((key) => (
        <a key={key} class="mono" href={href.driver(key)} title={key}>
          <span class="visually-hidden">Driver </span>
          {shortId(key)}
        </a>
      ))}
    </span>
  );
}
