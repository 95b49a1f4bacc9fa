// The bridge at a glance: the WebJob's state, its checkpoint, dead letters by kind with the command
// that replays them, and the premiums stored in the last hour as a live feed.
import { getJson } from '../api/client';
import type { OperationsState, RecentPremiums } from '../api/types';
import { DriverLinks } from '../components/driver-links';
import { ageSeconds, dateTime, money, shortId } from '../format';
import { href } from '../router';
import { useData } from '../use-data';

const LIVE_MS = 5_000;

function field(status: Record<string, unknown>, name: string): string {
  const value = status[name];
  if (value === undefined || value === null) return '—';
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}

export function OperationsPage() {
  const ops = useData((signal) => getJson<OperationsState>('operations', undefined, signal), [], LIVE_MS);
  const feed = useData((signal) => getJson<RecentPremiums>('recent-premiums', { minutes: 60 }, signal), [], LIVE_MS);
  const state = ops.value;
  const webjob = state?.webjob;
  const checkpoint = state?.checkpoints[0];

  return (
    <section aria-labelledby="ops-title">
      <div class="page-head">
        <h1 id="ops-title">Operations</h1>
        <span class="live" aria-live="off">
          <span class="live-dot" aria-hidden="true" /> live · read {state ? dateTime(state.readAt) : '…'}
        </span>
      </div>
      {ops.error ? (
        <p class="error" role="alert">
          {ops.error}
        </p>
      ) : null}
      <div class="cards">
        <div class="card stat" data-testid="webjob-state">
          <h2>WebJob</h2>
          {webjob?.reachable ? (
            <dl class="facts">
              <dt>Role</dt>
              <dd>
                <span class={`status status-${field(webjob.status, 'role')}`}>{field(webjob.status, 'role')}</span>
              </dd>
              <dt>Stream</dt>
              <dd>{field(webjob.status, 'stream')}</dd>
              <dt>Block lag</dt>
              <dd>{field(webjob.status, 'lagBlocks')}</dd>
              <dt>Pending events</dt>
              <dd>{field(webjob.status, 'pendingEvents')}</dd>
              <dt>Oldest pending</dt>
              <dd>
                {field(webjob.status, 'oldestPendingAgeSeconds') === '—'
                  ? '—'
                  : `${field(webjob.status, 'oldestPendingAgeSeconds')} s`}
              </dd>
              <dt>Last seen / delivered height</dt>
              <dd>
                {field(webjob.status, 'lastSeenHeight')} / {field(webjob.status, 'lastDeliveredHeight')}
              </dd>
            </dl>
          ) : (
            <p class="muted">{webjob?.reason ?? '…'}</p>
          )}
        </div>
        <div class="card stat" data-testid="checkpoint">
          <h2>Checkpoint</h2>
          {checkpoint ? (
            <>
              <p class="big">{checkpoint.height.toLocaleString('en-US')}</p>
              <p class="muted">
                {checkpoint.consumer} on {checkpoint.source} · saved {ageSeconds(checkpoint.updatedAt)}
              </p>
            </>
          ) : (
            <p class="muted">No checkpoint stored yet.</p>
          )}
        </div>
        <div class="card stat" data-testid="dead-letters">
          <h2>Dead letters</h2>
          <p class="big">{state?.deadLetters.approximateCount ?? '…'}</p>
          {state && state.deadLetters.peeked > 0 ? (
            <ul class="plain">
              {Object.entries(state.deadLetters.peekedByKind).map(([kind, count]) => (
                <li key={kind}>
                  {kind}: {count}
                </li>
              ))}
            </ul>
          ) : null}
          <p class="muted">
            Replay after fixing the cause:{' '}
            <code>{state?.deadLetters.replayCommand ?? 'npm run replay -- --dead-letters'}</code>
          </p>
        </div>
      </div>

      <h2>Premiums stored in the last hour</h2>
      {feed.error ? (
        <p class="error" role="alert">
          {feed.error}
        </p>
      ) : null}
      <div class="table-wrap">
        <table data-testid="premium-feed">
          <thead>
            <tr>
              <th scope="col">Stored</th>
              <th scope="col">Car</th>
              <th scope="col">Driver(s)</th>
              <th scope="col" class="num">
                Annual premium
              </th>
              <th scope="col">Ledger transaction</th>
            </tr>
          </thead>
          <tbody>
            {(feed.value?.items ?? []).map((car) => (
              <tr key={`${car.assetId}-${car.updatedAt}`}>
                <td>{dateTime(car.updatedAt)}</td>
                <td>
                  <a href={href.car(car.assetId)}>
                    {car.vehicle ? `${car.vehicle.make} ${car.vehicle.model}` : shortId(car.assetId)}
                  </a>
                  {car.needsReview ? <span class="badge warn">review</span> : null}
                </td>
                <td>
                  <DriverLinks keys={car.driverKeys} />
                </td>
                <td class="num">{money(car.annualPremiumMinor, car.currency)}</td>
                <td class="mono">{shortId(car.transactionId)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {feed.value && feed.value.items.length === 0 ? <p class="empty">No premium stored in the last hour.</p> : null}
      {state && state.checkpoints.length > 1 ? (
        <>
          <h2>All checkpoints</h2>
          <ul class="plain">
            {state.checkpoints.map((row) => (
              <li key={`${row.source}/${row.consumer}`}>
                {row.source} / {row.consumer}: {row.height} ({ageSeconds(row.updatedAt)})
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
